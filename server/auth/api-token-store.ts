import { AppError } from '../../shared/errors';
import type { AccessDb } from './access-db';
import { newId, newSecret, secretHash, SECRET_PREFIX } from './secrets';

export interface ApiToken {
  id: string;
  name: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | undefined;
  lastUsedAt: number | undefined;
}

interface TokenRow {
  id: string;
  user_id: number;
  name: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

export const MAX_API_TOKEN_DAYS = 366;

/**
 * API tokens for scripts and gateways that cannot keep a password: a Bearer secret with the
 * rights of the account that made it, stored as SHA-256, expiring, revocable.
 */
export class ApiTokenStore {
  private readonly q;

  constructor(db: AccessDb) {
    this.q = {
      insert: db.prepare<[string, number, string, Buffer, number, number]>(
        'INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      ofUser: db.prepare<[number], TokenRow>('SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC'),
      live: db.prepare<[Buffer, number], TokenRow>(
        'SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?',
      ),
      noteUse: db.prepare<[number, string]>('UPDATE api_tokens SET last_used_at = ? WHERE id = ?'),
      revoke: db.prepare<[number, string, number]>(
        'UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? AND user_id = ?',
      ),
    };
  }

  create(userId: number, name: string, days: number): { token: string; apiToken: ApiToken } {
    if (typeof name !== 'string' || name.trim() === '' || name.length > 100)
      throw new AppError('BAD_REQUEST', 'A token needs a name of 1 to 100 characters.');
    if (!Number.isInteger(days) || days < 1 || days > MAX_API_TOKEN_DAYS)
      throw new AppError('BAD_REQUEST', `A token lasts 1 to ${MAX_API_TOKEN_DAYS} days.`);
    const token = newSecret(SECRET_PREFIX.apiToken);
    const id = newId();
    const now = Date.now();
    this.q.insert.run(id, userId, name.trim(), secretHash(token), now, now + days * 86_400_000);
    return { token, apiToken: this.list(userId).find((t) => t.id === id)! };
  }

  list(userId: number): ApiToken[] {
    return this.q.ofUser.all(userId).map(toToken);
  }

  /** The user id of a live token, noting its use. */
  use(token: string): number | undefined {
    const now = Date.now();
    const row = this.q.live.get(secretHash(token), now);
    if (!row) return undefined;
    // At most one write a minute per token: scripts call many times a second.
    if (row.last_used_at === null || now - row.last_used_at > 60_000) this.q.noteUse.run(now, row.id);
    return row.user_id;
  }

  revoke(userId: number, id: string): void {
    const info = this.q.revoke.run(Date.now(), id, userId);
    if (info.changes === 0) throw new AppError('NOT_FOUND', 'There is no such API token.');
  }
}

function toToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at ?? undefined,
    lastUsedAt: row.last_used_at ?? undefined,
  };
}
