import type Database from 'better-sqlite3';
import { AUDIT_ACTIONS, type AuditAction, type AuditRecord } from '../../shared/api/audit-events';
import { openDatabase } from '../sqlite/open-database';
import { statementCache } from '../sqlite/statement-cache';

export type { AuditRecord };

export interface AuditEvent {
  action: AuditAction;
  outcome: 0 | 4 | 8;
  who: { kind: string; id: string; role: string };
  clientAddress: string;
  studyUid?: string | undefined;
  /** Route and UIDs only: never patient names, query values or secrets. */
  detail?: string;
  requestId?: string | undefined;
}

export interface AuditFilter {
  /** A part of the principal id (username or share id), any case. */
  principalPart?: string;
  studyUid?: string;
  /** Records of one of these studies only (a patient's studies; empty: none). */
  studyUids?: readonly string[];
  action?: AuditAction;
  from?: number;
  to?: number;
  limit: number;
  offset: number;
}

/** The audit trail's schema by `PRAGMA user_version` (sqlite/migrate.ts): append, never edit. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    time INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT,
    action_code TEXT NOT NULL,
    outcome INTEGER NOT NULL,
    action TEXT NOT NULL,
    principal_kind TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    role TEXT NOT NULL,
    client_address TEXT NOT NULL,
    study_uid TEXT,
    detail TEXT NOT NULL,
    request_id TEXT
  );
  CREATE INDEX audit_by_time ON audit_events (time);
  CREATE INDEX audit_by_principal ON audit_events (principal_id, time);
  CREATE INDEX audit_by_study ON audit_events (study_uid, time);
  CREATE INDEX audit_by_action ON audit_events (action, time);
  CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
  CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
  `,
];

/** Case and Unicode normalization folded away, for matching a part of a name. */
const casefold = (text: string) => text.normalize('NFC').toLowerCase();

/** Repeated reads of one study by one principal within this window are recorded once. */
const VIEW_COALESCE_MS = 10 * 60_000;
/** Records kept in memory while the audit file cannot be written (a full disk): a few tens of MB at most. */
const MAX_UNWRITTEN = 100_000;
/** How often writing them is tried again. */
const RETRY_MS = 1_000;

/**
 * The audit trail: an append-only SQLite file of its own (triggers refuse UPDATE and DELETE), so
 * it can be kept, copied and checked apart from the index, and never waits behind a STOW commit.
 * A viewer reads hundreds of frames per study: those reads are recorded once per principal,
 * study and outcome every ten minutes instead of once per frame.
 *
 * When the file cannot be written (SQLITE_FULL on a full disk), what was audited is still served:
 * the records wait in memory, are written as soon as the file takes them again (tried every
 * second), and `unwritten()` makes the condition visible to /health/ready. Past MAX_UNWRITTEN the
 * oldest go to the error log, one line each, rather than nowhere.
 */
export class AuditLog {
  private readonly insertAll: (rows: Array<Record<string, unknown>>) => void;
  private pending: Array<Record<string, unknown>> = [];
  private readonly recentViews = new Map<string, number>();
  /** `query` statements, one pair per combination of filter fields. */
  private readonly statement;
  /** Why the last write failed, while records wait in memory. */
  private failure: string | undefined;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    readonly db: Database.Database,
    private readonly log: (message: string, error?: unknown) => void = (message, error) => console.error(message, error ?? ''),
  ) {
    this.statement = statementCache(db);
    db.function('casefold', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? casefold(value) : value));
    const insert = db.prepare(
      `INSERT INTO audit_events (time, event_id, event_type, action_code, outcome, action, principal_kind, principal_id, role, client_address, study_uid, detail, request_id)
       VALUES (@time, @eventId, @eventType, @actionCode, @outcome, @action, @kind, @id, @role, @clientAddress, @studyUid, @detail, @requestId)`,
    );
    this.insertAll = db.transaction((rows: Array<Record<string, unknown>>) => {
      for (const row of rows) insert.run(row);
    });
  }

  static open(file: string, log?: (message: string, error?: unknown) => void): AuditLog {
    // NORMAL: a power cut may lose the last moment's records, never the file's consistency (WAL);
    // FULL would fsync every group commit on the event loop.
    return new AuditLog(openDatabase(file, { what: 'audit trail', synchronous: 'NORMAL', migrations: MIGRATIONS }), log);
  }

  record(event: AuditEvent, now = Date.now()): void {
    if (event.action === 'view') {
      const key = `${event.who.kind}\u0000${event.who.id}\u0000${event.studyUid ?? ''}\u0000${event.outcome}`;
      const last = this.recentViews.get(key);
      if (last !== undefined && now - last < VIEW_COALESCE_MS) return;
      this.recentViews.set(key, now);
      if (this.recentViews.size > 50_000) this.recentViews.clear();
    }
    const meta = AUDIT_ACTIONS[event.action];
    this.pending.push({
      time: now,
      eventId: meta.eventId,
      eventType: meta.eventType ?? null,
      actionCode: meta.actionCode,
      outcome: event.outcome,
      action: event.action,
      kind: event.who.kind,
      id: event.who.id,
      role: event.who.role,
      clientAddress: event.clientAddress,
      studyUid: event.studyUid ?? null,
      detail: (event.detail ?? '').slice(0, 500),
      requestId: event.requestId ?? null,
    });
    if (this.pending.length === 1) setImmediate(() => this.flush());
  }

  /**
   * Writes the records made so far in one transaction. Records made in one turn of the event
   * loop share a commit: a commit per record cost 0.2 ms of CPU per QIDO-RS query, 12 % of it.
   */
  flush(): void {
    if (this.pending.length === 0 || !this.db.open) return;
    try {
      this.insertAll(this.pending);
    } catch (error) {
      this.writeFailed(error);
      return;
    }
    if (this.failure !== undefined) this.log(`the audit trail is written again (${this.pending.length} records written late)`);
    this.failure = undefined;
    this.pending = [];
  }

  /** How many records wait in memory and why, while the audit file cannot be written. */
  unwritten(): { records: number; reason: string } | undefined {
    return this.failure === undefined ? undefined : { records: this.pending.length, reason: this.failure };
  }

  private writeFailed(error: unknown): void {
    if (this.failure === undefined) {
      this.log('the audit trail cannot be written: its records wait in memory and are written once it can be', error);
    }
    this.failure = error instanceof Error ? error.message : String(error);
    const over = this.pending.length - MAX_UNWRITTEN;
    if (over > 0) for (const row of this.pending.splice(0, over)) this.log(`audit record not written: ${JSON.stringify(row)}`);
    this.retry ??= setTimeout(() => {
      this.retry = undefined;
      this.flush();
    }, RETRY_MS).unref();
  }

  query(filter: AuditFilter): { records: AuditRecord[]; total: number } {
    this.flush();
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (filter.principalPart !== undefined) {
      // A part of the name in any case, Vietnamese letters included (SQLite's LIKE folds ASCII only).
      where.push('instr(casefold(principal_id), ?) > 0');
      args.push(casefold(filter.principalPart));
    }
    if (filter.studyUid !== undefined) {
      where.push('study_uid = ?');
      args.push(filter.studyUid);
    }
    if (filter.studyUids !== undefined) {
      where.push('study_uid IN (SELECT value FROM json_each(?))');
      args.push(JSON.stringify(filter.studyUids));
    }
    if (filter.action !== undefined) {
      where.push('action = ?');
      args.push(filter.action);
    }
    if (filter.from !== undefined) {
      where.push('time >= ?');
      args.push(filter.from);
    }
    if (filter.to !== undefined) {
      where.push('time < ?');
      args.push(filter.to);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.statement(`SELECT count(*) AS n FROM audit_events ${clause}`).get(...args) as { n: number }).n;
    const rows = this.statement(`SELECT * FROM audit_events ${clause} ORDER BY time DESC, id DESC LIMIT ? OFFSET ?`).all(
      ...args,
      filter.limit,
      filter.offset,
    ) as AuditRow[];
    return { records: rows.map(toRecord), total };
  }

  close(): void {
    this.flush();
    clearTimeout(this.retry);
    for (const row of this.failure === undefined ? [] : this.pending) this.log(`audit record not written: ${JSON.stringify(row)}`);
    this.db.close();
  }
}

interface AuditRow {
  id: number;
  time: number;
  event_id: string;
  event_type: string | null;
  action_code: string;
  outcome: 0 | 4 | 8;
  action: AuditAction;
  principal_kind: string;
  principal_id: string;
  role: string;
  client_address: string;
  study_uid: string | null;
  detail: string;
  request_id: string | null;
}

function toRecord(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    time: new Date(row.time).toISOString(),
    eventId: row.event_id,
    eventName: AUDIT_ACTIONS[row.action]?.eventName ?? '',
    eventType: row.event_type,
    actionCode: row.action_code,
    outcome: row.outcome,
    action: row.action,
    principalKind: row.principal_kind,
    principalId: row.principal_id,
    role: row.role,
    clientAddress: row.client_address,
    studyUid: row.study_uid,
    detail: row.detail,
    requestId: row.request_id,
  };
}
