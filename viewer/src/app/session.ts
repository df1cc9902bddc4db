/**
 * Who is signed in, as the archive says (GET /api/session): a user with a role, or the guest of a
 * share link. Loaded once at start; state-changing calls echo its CSRF token.
 */
import type { SessionShare, SessionUser, SessionView } from '../../../shared/api/accounts';

export type { SessionShare, SessionUser };
/** The session as GET /api/session describes it. */
export type SessionInfo = SessionView;

let current: SessionInfo | null = null;

/** Asks the archive who is signed in; null when nobody is (401). */
export async function loadSession(): Promise<SessionInfo | null> {
  try {
    const res = await fetch('/api/session', { headers: { Accept: 'application/json' } });
    current = res.ok ? ((await res.json()) as SessionInfo) : null;
  } catch {
    current = null;
  }
  return current;
}

export function currentSession(): SessionInfo | null {
  return current;
}

export function setSession(session: SessionInfo | null): void {
  current = session;
}

/** The header a state-changing request made with the session cookie must carry. */
export function csrfHeaders(): Record<string, string> {
  return current?.csrfToken ? { 'X-CSRF-Token': current.csrfToken } : {};
}
