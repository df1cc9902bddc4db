/** The banner a guest of a share link sees in the viewer: until when, and whether the data is de-identified. */
import type { SessionInfo } from '../app/session';
import { translator } from '../i18n/i18n';
import { formatInstant } from './date-time';
import { sharingMessages } from './messages';

const t = translator(sharingMessages);

/** The banner for a guest session; undefined for a signed-in user. */
export function createGuestBanner(session: SessionInfo | null): HTMLElement | undefined {
  const share = session?.kind === 'share' ? session.share : undefined;
  if (!share) return undefined;
  const banner = document.createElement('div');
  banner.className = 'guest-banner';
  banner.dataset.testid = 'guest-banner';
  banner.setAttribute('role', 'note');
  const until = document.createElement('p');
  until.textContent = t('guestUntil', { time: formatInstant(share.expiresAt) });
  banner.append(until);
  if (share.anonymize) {
    const deid = document.createElement('p');
    deid.className = 'guest-banner-deid';
    deid.dataset.testid = 'guest-deidentified';
    deid.textContent = t('guestDeidentified');
    banner.append(deid);
  }
  return banner;
}
