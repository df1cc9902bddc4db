import type { AppPath } from '../../../shared/app-paths';
import type { SessionInfo } from '../app/session';

export const SIGN_IN_PATH: AppPath = '/login';

export const SHARE_OPEN_PATH: AppPath = '/share';
/** Pages anyone may open: signing in, and opening a share link (the link itself is the credential). */
const PUBLIC_PATHS: ReadonlySet<string> = new Set<AppPath>([SIGN_IN_PATH, SHARE_OPEN_PATH]);
/** The only pages a share link's guest sees: the viewer (and print) of the shared study. */
const GUEST_PATHS: ReadonlySet<string> = new Set<AppPath>(['/viewer', '/print']);

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_PATHS.has(pathname);
}

/** `/login?next=<path and query of url>`. */
export function signInHref(url: URL): string {
  return `${SIGN_IN_PATH}?next=${encodeURIComponent(url.pathname + url.search)}`;
}

/**
 * Where a page must send the visitor instead of showing itself, or null: nobody signed in (or a
 * one-time password still to replace) → the sign-in page, coming back here afterwards, unless the
 * tab came in through a share link that no longer works (`wasGuest`) → the share page, which says
 * so; a guest outside the viewer → the viewer of its study.
 */
export function accessRedirect(url: URL, session: SessionInfo | null, wasGuest = false): string | null {
  if (isPublicPath(url.pathname)) return null;
  if (!session && wasGuest) return SHARE_OPEN_PATH;
  if (!session || session.user?.mustChangePassword) return signInHref(url);
  if (session.kind === 'share' && !GUEST_PATHS.has(url.pathname)) {
    const study = session.share?.studyInstanceUID;
    return study ? `/viewer?StudyInstanceUIDs=${encodeURIComponent(study)}` : SIGN_IN_PATH;
  }
  return null;
}

/**
 * The `next` parameter of the sign-in page as a path of this app, or '/' when it is missing or
 * could lead elsewhere: only a path starting with one '/' (not '//' nor '/\', which browsers read
 * as another host), without control characters, that stays on this origin. No open redirect.
 */
export function safeNextPath(raw: string | null, origin: string = location.origin): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\') || /[\u0000-\u001f\u007f\\]/.test(raw)) return '/';
  let url: URL;
  try {
    url = new URL(raw, origin);
  } catch {
    return '/';
  }
  if (url.origin !== origin || url.pathname === SIGN_IN_PATH) return '/';
  return url.pathname + url.search + url.hash;
}
