/**
 * The archive's share-link API (/api/shares): make a link for a study, list and revoke the
 * caller's links, and trade a link (and its PIN) for a guest session. Calls go through `apiJson`
 * (CSRF header, the server's message in an `ArchiveError`).
 */
import type { SessionInfo } from '../app/session';
import type { CreatedShare, SharePermission, ShareSummary } from '../../../shared/api/shares';
import { apiJson } from '../auth/api';

export type { CreatedShare, SharePermission, ShareSummary };
import { ArchiveError } from '../dicomweb/base';

export interface NewShare {
  studyInstanceUID: string;
  seriesInstanceUIDs?: string[];
  expiresInHours: number;
  permissions: SharePermission[];
  anonymize: boolean;
  pin?: string;
  note?: string;
}

export type ShareStatus = 'active' | 'expired' | 'revoked';

export function shareStatus(share: ShareSummary, now = Date.now()): ShareStatus {
  if (share.revokedAt) return 'revoked';
  return Date.parse(share.expiresAt) <= now ? 'expired' : 'active';
}

export function createShare(share: NewShare): Promise<CreatedShare> {
  return apiJson<CreatedShare>('POST', '/api/shares', share);
}

export function listShares(): Promise<ShareSummary[]> {
  return apiJson<ShareSummary[]>('GET', '/api/shares');
}

export async function revokeShare(id: string): Promise<void> {
  await apiJson<void>('DELETE', `/api/shares/${encodeURIComponent(id)}`);
}

/** How opening a link went: the guest session, or why not (the archive tells them apart by message). */
export type OpenOutcome =
  | { kind: 'opened'; session: SessionInfo }
  | { kind: 'pin-needed' }
  | { kind: 'pin-wrong' }
  | { kind: 'throttled'; seconds: number }
  | { kind: 'invalid' };

const PIN_NEEDED = 'This share link needs its PIN.';
const PIN_WRONG = 'The PIN is wrong.';

/** POST /api/shares/open {token, pin?}: on success the archive has set the guest session cookie. */
export async function openShare(token: string, pin?: string): Promise<OpenOutcome> {
  try {
    const session = await apiJson<SessionInfo>('POST', '/api/shares/open', pin === undefined ? { token } : { token, pin });
    return { kind: 'opened', session };
  } catch (error) {
    if (!(error instanceof ArchiveError)) throw error;
    if (error.status === 429) return { kind: 'throttled', seconds: error.retryAfterSeconds ?? 30 };
    if (error.status !== 401) throw error;
    if (error.message === PIN_NEEDED) return { kind: 'pin-needed' };
    if (error.message === PIN_WRONG) return { kind: 'pin-wrong' };
    return { kind: 'invalid' };
  }
}
