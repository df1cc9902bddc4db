/**
 * Who is signed in, as the archive says (GET /api/session): a user with a role, or the guest of a
 * share link. Loaded once at start; state-changing calls echo its CSRF token.
 */
import type { SessionShare, SessionUser, SessionView } from '../../../shared/api/accounts';
import { GUEST_TAB_KEY } from '../sharing/guest-tab';

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
  if (current === null) forgetPatientData();
  return current;
}

export function currentSession(): SessionInfo | null {
  return current;
}

export function setSession(session: SessionInfo | null): void {
  current = session;
  if (session === null) forgetPatientData();
}

/** The header a state-changing request made with the session cookie must carry. */
export function csrfHeaders(): Record<string, string> {
  return current?.csrfToken ? { 'X-CSRF-Token': current.csrfToken } : {};
}

/**
 * The preferences that name no patient and may stay in this browser after sign-out: the UI
 * language, the film layout and a pinned link kind. Everything else the app may have put in
 * localStorage (the worklist's last search names patients; key images were kept there before
 * they moved into the study) and all of sessionStorage goes when nobody is signed in, so the
 * next user of a shared PC finds nothing of the last one's patients. Only the guest-tab flag stays
 * in sessionStorage: it is what tells a guest whose link ended that the link is no longer valid.
 */
const KEPT_AFTER_SIGN_OUT = new Set(['pacs.language', 'pacs.print.layout', 'pacs.link']);

function forgetPatientData(): void {
  try {
    for (const key of Object.keys(localStorage)) if (!KEPT_AFTER_SIGN_OUT.has(key)) localStorage.removeItem(key);
    for (const key of Object.keys(sessionStorage)) if (key !== GUEST_TAB_KEY) sessionStorage.removeItem(key);
  } catch {
    // storage disabled: nothing was kept either
  }
}
