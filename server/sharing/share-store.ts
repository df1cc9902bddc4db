import { randomBytes } from 'node:crypto';
import { AppError } from '../../shared/errors';
import type { AccessDb } from '../auth/access-db';
import { newId, newSecret, secretHash, SECRET_PREFIX } from '../auth/secrets';
import type { SharePermission, ShareSummary } from '../../shared/api/shares';

export type { SharePermission, ShareSummary };

/** A share link that is neither revoked nor expired: what a request made with it may reach. */
export interface ActiveShare {
  id: string;
  studyUid: string;
  /** Only these series of the study; undefined = the whole study. */
  seriesUids: readonly string[] | undefined;
  permissions: readonly SharePermission[];
  anonymize: boolean;
  /** Key of this share's replacement UIDs and pseudonyms (anonymized shares). */
  deidSecret: Buffer;
  pinHash: string | undefined;
  createdBy: number;
  expiresAt: number;
  consultationId: string | undefined;
}

interface ShareRow {
  id: string;
  created_by: number;
  creator: string;
  study_uid: string;
  series_uids: string | null;
  permissions: string;
  anonymize: number;
  deid_secret: Buffer;
  pin_hash: string | null;
  note: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
  use_count: number;
  consultation_id: string | null;
}

export interface NewShare {
  createdBy: number;
  studyUid: string;
  seriesUids: readonly string[] | undefined;
  permissions: readonly SharePermission[];
  anonymize: boolean;
  pinHash: string | undefined;
  note: string;
  expiresAt: number;
}

const SELECT = `SELECT s.*, u.username AS creator, c.id AS consultation_id
  FROM shares s JOIN users u ON u.id = s.created_by LEFT JOIN consultations c ON c.share_id = s.id`;

/** Share links (STYLE.md rule 9): a capability whose secret is stored only as its SHA-256. */
export class ShareStore {
  private readonly q;

  constructor(private readonly db: AccessDb) {
    this.q = {
      byTokenHash: db.prepare<[Buffer], ShareRow>(`${SELECT} WHERE s.token_hash = ?`),
      byId: db.prepare<[string], ShareRow>(`${SELECT} WHERE s.id = ?`),
      all: db.prepare<[], ShareRow>(`${SELECT} ORDER BY s.created_at DESC`),
      byCreator: db.prepare<[number], ShareRow>(`${SELECT} WHERE s.created_by = ? ORDER BY s.created_at DESC`),
      insert: db.prepare<[string, Buffer, number, string, string | null, string, number, Buffer, string | null, string, number, number]>(
        `INSERT INTO shares (id, token_hash, created_by, study_uid, series_uids, permissions, anonymize, deid_secret, pin_hash, note, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      noteUse: db.prepare<[number, string]>('UPDATE shares SET last_used_at = ?, use_count = use_count + 1 WHERE id = ?'),
      revoke: db.prepare<[number, string]>('UPDATE shares SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?'),
      endSessions: db.prepare<[string]>('DELETE FROM sessions WHERE share_id = ?'),
    };
  }

  create(input: NewShare): { token: string; share: ShareSummary } {
    const token = newSecret(SECRET_PREFIX.share);
    const id = newId();
    this.q.insert.run(
      id,
      secretHash(token),
      input.createdBy,
      input.studyUid,
      input.seriesUids ? JSON.stringify(input.seriesUids) : null,
      JSON.stringify(input.permissions),
      input.anonymize ? 1 : 0,
      randomBytes(32),
      input.pinHash ?? null,
      input.note,
      Date.now(),
      input.expiresAt,
    );
    return { token, share: this.summary(id)! };
  }

  /** The live share a token opens; undefined when unknown, revoked or expired (all alike to the caller). */
  activeByToken(token: string): ActiveShare | undefined {
    const row = this.q.byTokenHash.get(secretHash(token));
    return row && isLive(row) ? toActive(row) : undefined;
  }

  /** The live share of a guest session, checked on every request so that revocation acts at once. */
  active(id: string): ActiveShare | undefined {
    const row = this.q.byId.get(id);
    return row && isLive(row) ? toActive(row) : undefined;
  }

  summary(id: string): ShareSummary | undefined {
    const row = this.q.byId.get(id);
    return row && toSummary(row);
  }

  noteUse(id: string): void {
    this.q.noteUse.run(Date.now(), id);
  }

  /** A creator's shares, newest first; every share for an admin. */
  list(userId: number | undefined): ShareSummary[] {
    const rows = userId === undefined ? this.q.all.all() : this.q.byCreator.all(userId);
    return rows.map(toSummary);
  }

  /** Revokes with immediate effect: the guest sessions it opened go with it. */
  revoke(id: string, userId: number | undefined): ShareSummary {
    const row = this.q.byId.get(id);
    // Someone else's share is answered like a missing one.
    if (!row || (userId !== undefined && row.created_by !== userId)) throw new AppError('NOT_FOUND', 'There is no such share.');
    this.db
      .transaction(() => {
        this.q.revoke.run(Date.now(), id);
        this.q.endSessions.run(id);
      })
      .immediate();
    return this.summary(id)!;
  }
}

function isLive(row: ShareRow): boolean {
  return row.revoked_at === null && row.expires_at > Date.now();
}

function toActive(row: ShareRow): ActiveShare {
  return {
    id: row.id,
    studyUid: row.study_uid,
    seriesUids: row.series_uids === null ? undefined : (JSON.parse(row.series_uids) as string[]),
    permissions: JSON.parse(row.permissions) as SharePermission[],
    anonymize: row.anonymize === 1,
    deidSecret: row.deid_secret,
    pinHash: row.pin_hash ?? undefined,
    createdBy: row.created_by,
    expiresAt: row.expires_at,
    consultationId: row.consultation_id ?? undefined,
  };
}

function toSummary(row: ShareRow): ShareSummary {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    id: row.id,
    studyInstanceUID: row.study_uid,
    ...(row.series_uids === null ? {} : { seriesInstanceUIDs: JSON.parse(row.series_uids) as string[] }),
    permissions: JSON.parse(row.permissions) as SharePermission[],
    anonymize: row.anonymize === 1,
    pinRequired: row.pin_hash !== null,
    note: row.note,
    createdBy: row.creator,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
    revokedAt: iso(row.revoked_at),
    lastUsedAt: iso(row.last_used_at),
    useCount: row.use_count,
    consultationId: row.consultation_id,
  };
}
