import { ArchiveError } from '../dicomweb/base';
import { currentLanguage, translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { archiveErrorMessage } from '../ui/error-messages';
import { appMessages } from './messages';

const t = translator(appMessages);

/** The banner element (created on first use, right after the header). */
function banner(): HTMLElement {
  let el = document.getElementById('error-banner');
  if (!el) {
    el = document.createElement('div');
    el.id = 'error-banner';
    document.body.prepend(el);
  }
  return el;
}

/** Shows one message (as text, never HTML) above the page, until dismissed or the page changes. */
export function showError(message: string): void {
  const el = banner();
  el.replaceChildren();
  el.className = 'error-banner';
  el.dataset.testid = 'error-banner';
  el.setAttribute('role', 'alert');
  const close = element('button', { className: 'error-banner-close', text: '×' });
  close.type = 'button';
  close.title = t('dismiss');
  close.setAttribute('aria-label', t('dismiss'));
  close.addEventListener('click', hideError);
  el.append(element('span', { className: 'error-banner-text', text: message }), close);
  el.hidden = false;
}

export function hideError(): void {
  const el = document.getElementById('error-banner');
  if (!el) return;
  el.hidden = true;
  el.replaceChildren();
}

/**
 * A thrown error as a sentence in the user's language: an unreachable archive is translated; an
 * archive error answer is the server's own message in English, its error code's meaning in Vietnamese.
 */
export function describeError(error: unknown): string {
  if (error instanceof ArchiveError) {
    return error.status === 0 ? t('archiveUnreachable') : t('archiveAnswered', { message: archiveErrorMessage(error, currentLanguage()) });
  }
  return t('unexpectedError', { message: error instanceof Error ? error.message : String(error) });
}

/** `showError(describeError(error))`: what a screen calls from its catch. */
export function showErrorFor(error: unknown): void {
  showError(describeError(error));
}
