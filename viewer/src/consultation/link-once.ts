/** A link shown once: a read-only field, Copy, and the warning that it will not be shown again. */
import { translator } from '../i18n/i18n';
import { copyableLink } from '../ui/copy-text';
import { element } from '../ui/element';
import { consultationMessages } from './messages';

const t = translator(consultationMessages);

export function showLinkOnce(url: string, testid: string): HTMLElement {
  return element(
    'div',
    { className: 'consultation-link' },
    element('p', { className: 'consultation-warning', text: t('shownOnce') }),
    copyableLink(url, 'consultation', { field: testid, copy: `${testid}-copy`, status: `${testid}-copy-status` }),
  );
}
