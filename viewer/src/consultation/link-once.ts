/** A link shown once: a read-only field, Copy, and the warning that it will not be shown again. */
import { button } from '../auth/form-parts';
import { translator } from '../i18n/i18n';
import { consultationMessages } from './messages';

const t = translator(consultationMessages);

export function showLinkOnce(url: string, testid: string): HTMLElement {
  const box = document.createElement('div');
  box.className = 'consultation-link';
  const once = document.createElement('p');
  once.className = 'consultation-warning';
  once.textContent = t('shownOnce');
  const field = document.createElement('input');
  field.type = 'text';
  field.readOnly = true;
  field.value = url;
  field.className = 'input consultation-url';
  field.dataset.testid = testid;
  field.addEventListener('focus', () => field.select());
  const copy = button(t('copy'), `${testid}-copy`);
  const copied = document.createElement('span');
  copied.className = 'consultation-muted';
  copied.dataset.testid = `${testid}-copy-status`;
  copy.addEventListener('click', () => void copyText(field).then((ok) => (copied.textContent = ok ? t('copied') : t('copyFailed'))));
  const row = document.createElement('div');
  row.className = 'consultation-url-row';
  row.append(field, copy, copied);
  box.append(once, row);
  return box;
}

/** The Clipboard API where the page may use it (a secure context), else the selection and execCommand. */
async function copyText(field: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(field.value);
    return true;
  } catch {
    field.select();
    return document.execCommand('copy');
  }
}
