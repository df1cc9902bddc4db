import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Bearer secrets: 256 random bits in base64url behind a short prefix that says what the secret
 * is (so a leaked one is recognisable in a log or a paste, as GitHub's token prefixes are).
 * Only the SHA-256 of a secret is ever stored (STYLE.md rule 9).
 */
export const SECRET_PREFIX = { session: 'ses_', share: 'psh_', apiToken: 'pat_' } as const;

export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** A public, non-secret identifier (96 random bits). */
export function newId(): string {
  return randomBytes(12).toString('base64url');
}

export function secretHash(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
