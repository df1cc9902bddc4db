/** The banner a guest of a share link sees in the viewer: until when, and whether the data is de-identified. */
import type { SessionInfo } from '../app/session';
import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { formatInstant } from './date-time';
import { sharingMessages } from './messages';

const t = translator(sharingMessages);

/** The banner for a guest session; undefined for a signed-in user. */
export function createGuestBanner(session: SessionInfo | null): HTMLElement | undefined {
  const share = session?.kind === 'share' ? session.share : undefined;
  if (!share) return undefined;
  const banner = element(
    'div',
    { className: 'guest-banner', testid: 'guest-banner' },
    element('p', { text: t('guestUntil', { time: formatInstant(share.expiresAt) }) }),
  );
  banner.setAttribute('role', 'note');
  if (share.anonymize)
    banner.append(element('p', { className: 'guest-banner-deid', testid: 'guest-deidentified', text: t('guestDeidentified') }));
  return banner;
}
