import { randomBytes } from 'node:crypto';
import type { AccessDb } from './access-db';
import { newSecret, secretHash, SECRET_PREFIX } from './secrets';

/** A signed-in browser: a person (user) or a guest who opened a share link. */
export interface Session {
  userId: number | undefined;
  shareId: string | undefined;
  csrfToken: string;
  expiresAt: number;
}

interface SessionRow {
  user_id: number | null;
  share_id: string | null;
  csrf_token: string;
  expires_at: number;
}

/** A working day: a radiologist signs in once per shift. */
export const USER_SESSION_MS = 12 * 3600_000;

/**
 * Server-side sessions: the cookie holds a random secret, the table only its SHA-256, so a copy
 * of the database opens no session. Ending a session deletes its row, with immediate effect.
 */
export class SessionStore {
  private readonly q;

  constructor(db: AccessDb) {
    this.q = {
      lookup: db.prepare<[Buffer, number], SessionRow>(
        'SELECT user_id, share_id, csrf_token, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?',
      ),
      deleteExpired: db.prepare<[number]>('DELETE FROM sessions WHERE expires_at <= ?'),
      insert: db.prepare<[Buffer, number | null, string | null, string, number, number]>(
        'INSERT INTO sessions (token_hash, user_id, share_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      delete: db.prepare<[Buffer]>('DELETE FROM sessions WHERE token_hash = ?'),
      deleteForUser: db.prepare<[number]>('DELETE FROM sessions WHERE user_id = ?'),
    };
  }

  create(owner: { userId: number } | { shareId: string }, expiresAt: number): { token: string; session: Session } {
    const token = newSecret(SECRET_PREFIX.session);
    const csrfToken = randomBytes(24).toString('base64url');
    const userId = 'userId' in owner ? owner.userId : null;
    const shareId = 'shareId' in owner ? owner.shareId : null;
    const now = Date.now();
    this.q.deleteExpired.run(now);
    this.q.insert.run(secretHash(token), userId, shareId, csrfToken, now, expiresAt);
    return { token, session: { userId: userId ?? undefined, shareId: shareId ?? undefined, csrfToken, expiresAt } };
  }

  find(token: string): Session | undefined {
    const row = this.q.lookup.get(secretHash(token), Date.now());
    if (!row) return undefined;
    return { userId: row.user_id ?? undefined, shareId: row.share_id ?? undefined, csrfToken: row.csrf_token, expiresAt: row.expires_at };
  }

  delete(token: string): void {
    this.q.delete.run(secretHash(token));
  }

  /** Signs a user out everywhere (password changed, account disabled). */
  deleteForUser(userId: number): void {
    this.q.deleteForUser.run(userId);
  }
}
