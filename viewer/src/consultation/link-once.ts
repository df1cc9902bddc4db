/** A link shown once: a read-only field, Copy, and the warning that it will not be shown again. */
import { button } from '../auth/form-parts';
import { translator } from '../i18n/i18n';
import { sharingMessages } from '../sharing/messages';
import { copyText } from '../sharing/share-dialog';
import { consultationMessages } from './messages';

const t = translator(consultationMessages);
const tShare = translator(sharingMessages);

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
  const copy = button(tShare('copy'), `${testid}-copy`);
  const copied = document.createElement('span');
  copied.className = 'consultation-muted';
  copied.dataset.testid = `${testid}-copy-status`;
  copy.addEventListener(
    'click',
    () => void copyText(field).then((ok) => (copied.textContent = ok ? tShare('copied') : tShare('copyFailed'))),
  );
  const row = document.createElement('div');
  row.className = 'consultation-url-row';
  row.append(field, copy, copied);
  box.append(once, row);
  return box;
}
