import { translator } from '../i18n/i18n';
import { element } from './element';
import { button } from './form-parts';
import { uiMessages } from './messages';

const t = translator(uiMessages);

/** The Clipboard API where the page may use it (a secure context), else the selection and execCommand. */
export async function copyText(field: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(field.value);
    return true;
  } catch {
    field.select();
    return document.execCommand('copy');
  }
}

/**
 * A link shown once: a read-only field holding it (selected on focus), Copy, and the line saying
 * whether copying worked. Classes `<prefix>-url-row`, `input <prefix>-url` and `<prefix>-muted`.
 */
export function copyableLink(value: string, prefix: string, testids: { field: string; copy: string; status: string }): HTMLDivElement {
  const field = element('input', { className: `input ${prefix}-url`, testid: testids.field });
  field.type = 'text';
  field.readOnly = true;
  field.value = value;
  field.addEventListener('focus', () => field.select());
  const copy = button(t('copy'), testids.copy);
  const copied = element('span', { className: `${prefix}-muted`, testid: testids.status });
  copy.addEventListener('click', () => void copyText(field).then((ok) => (copied.textContent = ok ? t('copied') : t('copyFailed'))));
  return element('div', { className: `${prefix}-url-row` }, field, copy, copied);
}
