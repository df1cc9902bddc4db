/**
 * Whether this browser tab came in through a share link. Once the link is revoked or expired the
 * archive no longer knows the guest (401, like anybody), but the tab does: a guest who reloads is
 * told the link is no longer valid instead of being shown the staff sign-in page. Kept in
 * sessionStorage (this tab only, gone when it closes); only a flag, nothing about the patient.
 */
export const GUEST_TAB_KEY = 'pacs.guestLink';
const KEY = GUEST_TAB_KEY;

export function markGuestTab(): void {
  try {
    sessionStorage.setItem(KEY, '1');
  } catch {
    // storage disabled: a reload then shows the sign-in page, as before
  }
}

export function forgetGuestTab(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // storage disabled
  }
}

export function wasGuestTab(): boolean {
  try {
    return sessionStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}
