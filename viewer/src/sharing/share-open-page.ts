/**
 * `/share#<token>`: where a share link lands. The token travels in the fragment (never sent to a
 * server, never in a Referer); the page takes it out of the address bar at once, trades it for a
 * guest session (POST /api/shares/open, with the PIN when the link has one) and opens the viewer
 * on the shared study.
 */
import { describeError } from '../app/error-banner';
import type { Page } from '../app/page';
import { navigate } from '../app/router';
import { setSession, type SessionInfo } from '../app/session';
import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { button, formError, labelled, showFormError, textInput } from '../ui/form-parts';
import { pageMessage } from '../ui/page-message';
import { markGuestTab, wasGuestTab } from './guest-tab';
import { sharingMessages } from './messages';
import { openShare } from './share-api';

const t = translator(sharingMessages);

/**
 * The link being opened. Kept here once the hash is gone from the address bar, so a PIN retry or
 * a re-render after a language switch still has it (and, once the archive asked for the PIN,
 * shows the PIN form again without another PIN-less attempt, which would count as a failure).
 * Forgotten once opened or refused.
 */
let pending: { token: string; pinNeeded: boolean } | undefined;

export const page: Page = {
  async mount(root) {
    const link = takeLink();
    const container = element('div', { className: 'share-open', testid: 'share-open' });
    root.replaceChildren(container);
    // A guest whose link was revoked or expired, back here after a reload: say so.
    if (!link)
      return wasGuestTab()
        ? showFailure(container, t('linkNoLongerValid'), t('linkInvalidHelp'))
        : showFailure(container, t('linkIncomplete'));
    if (link.pinNeeded) return showPinForm(container, link.token);
    await attempt(container, link.token);
  },
};

/** The link from `location.hash`, which is then removed from the address bar and history entry. */
function takeLink(): typeof pending {
  const hash = location.hash.replace(/^#/, '');
  if (hash) {
    pending = { token: decodeURIComponent(hash), pinNeeded: false };
    history.replaceState(history.state, '', location.pathname + location.search);
  }
  return pending;
}

async function attempt(container: HTMLElement, token: string, pin?: string): Promise<void> {
  if (pin === undefined) showStatus(container, t('opening'));
  let outcome;
  try {
    outcome = await openShare(token, pin);
  } catch (error) {
    return showFailure(container, t('openFailed', { message: describeError(error) }));
  }
  switch (outcome.kind) {
    case 'opened':
      pending = undefined;
      return openViewer(outcome.session);
    case 'pin-needed':
      if (pending) pending.pinNeeded = true;
      return showPinForm(container, token);
    case 'pin-wrong':
      if (pending) pending.pinNeeded = true;
      return showPinForm(container, token, t('pinWrong'));
    case 'throttled':
      return showThrottled(container, token, outcome.seconds, pin !== undefined);
    case 'invalid':
      pending = undefined;
      return showFailure(container, t('linkInvalid'), t('linkInvalidHelp'));
  }
}

function openViewer(session: SessionInfo): void {
  setSession(session);
  markGuestTab();
  const study = session.share?.studyInstanceUID ?? '';
  // The viewer takes no series filter: the archive itself limits the guest to the shared series.
  navigate(`/viewer?StudyInstanceUIDs=${encodeURIComponent(study)}`, { replace: true });
}

function showStatus(container: HTMLElement, text: string): void {
  container.replaceChildren(pageMessage(text, 'share-status'));
}

function showFailure(container: HTMLElement, text: string, help?: string): void {
  const box = element('div', { className: 'share-open-box', testid: 'share-open-error' }, element('h1', { text }));
  box.setAttribute('role', 'alert');
  if (help) box.append(element('p', { text: help }));
  container.replaceChildren(box);
}

function showPinForm(container: HTMLElement, token: string, error?: string): void {
  const form = element('form', { className: 'share-open-box', testid: 'share-pin' });
  const pin = textInput('share-pin-value', { type: 'password', autocomplete: 'off', required: true, maxLength: 32 });
  const message = formError('share-pin-error');
  showFormError(message, error);
  const submit = button(t('pinSubmit'), 'share-pin-submit', 'submit', 'btn btn-primary');
  form.append(
    element('h1', { text: t('pinTitle') }),
    element('p', { text: t('pinNeeded') }),
    labelled(t('pinLabel'), pin, 'share-field'),
    message,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!pin.value) return;
    submit.disabled = true;
    void attempt(container, token, pin.value);
  });
  container.replaceChildren(form);
  pin.focus();
}

/** 429: how long to wait, and a button that tries again (with the PIN form when one was asked). */
function showThrottled(container: HTMLElement, token: string, seconds: number, withPin: boolean): void {
  const retry = button(t('tryAgain'), 'share-retry');
  retry.addEventListener('click', () => (withPin ? showPinForm(container, token) : void attempt(container, token)));
  const box = element(
    'div',
    { className: 'share-open-box', testid: 'share-throttled' },
    element('p', { text: t('tooManyAttempts', { seconds }) }),
    retry,
  );
  box.setAttribute('role', 'alert');
  container.replaceChildren(box);
}
