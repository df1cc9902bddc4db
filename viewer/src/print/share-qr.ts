/**
 * The QR code on a printed film sheet or report: a share link limited to the study, with the
 * expiry the user picks and an optional PIN, made through the ordinary share API (POST
 * /api/shares, audited as share-create like any link), drawn as SVG by `qrcode`. The controls
 * are not printed; the PIN is shown on screen only, to be given to the patient separately.
 */
import QRCode from 'qrcode';
import { describeError } from '../app/error-banner';
import { currentSession } from '../app/session';
import { translator } from '../i18n/i18n';
import { formatInstant } from '../sharing/date-time';
import { createShare, type CreatedShare } from '../sharing/share-api';
import { element } from '../ui/element';
import { button, formError, labelled, showFormError } from '../ui/form-parts';
import { reportPrintMessages } from './report-messages';

const t = translator(reportPrintMessages);
const DEFAULT_DAYS = 30;

/**
 * The QR block for `studyUid`: for a user who may share, the form that makes the link, then the
 * printed code; `undefined` when the session may not make share links.
 */
export function createShareQr(studyUid: string): HTMLElement | undefined {
  if (!currentSession()?.permissions.includes('share')) return undefined;
  const block = element('section', { className: 'share-qr-block', testid: 'share-qr-block' });
  const form = element('form', { className: 'share-qr-form print-controls', testid: 'share-qr-form' });
  form.noValidate = true;
  const days = element('input', { className: 'input', testid: 'share-qr-days' });
  days.type = 'number';
  days.min = '1';
  days.step = '1';
  days.value = String(DEFAULT_DAYS);
  const pin = element('input', { className: 'input', testid: 'share-qr-pin' });
  pin.autocomplete = 'off';
  pin.maxLength = 32;
  const error = formError('share-qr-error');
  const submit = button(t('qrCreate'), 'share-qr-create', 'submit', 'btn btn-primary');
  form.append(
    element('h3', { text: t('qrHeading') }),
    labelled(t('qrExpiryDays'), days),
    labelled(t('qrPin'), pin),
    element('p', { className: 'share-qr-hint', text: t('qrPinHint') }),
    error,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const count = Number(days.value);
    if (!Number.isFinite(count) || count <= 0) return showFormError(error, t('qrBadDays'));
    const pinValue = pin.value.trim();
    if (pinValue !== '' && !/^\S{4,32}$/.test(pinValue)) return showFormError(error, t('qrBadPin'));
    showFormError(error, undefined);
    submit.disabled = true;
    submit.textContent = t('qrCreating');
    createShare({
      studyInstanceUID: studyUid,
      expiresInHours: count * 24,
      permissions: ['read'],
      anonymize: false,
      ...(pinValue ? { pin: pinValue } : {}),
      note: 'QR code on a printed sheet',
    })
      .then(async (share) => {
        const figure = await qrFigure(share, pinValue);
        form.hidden = true;
        block.append(figure);
      })
      .catch((e: unknown) => showFormError(error, describeError(e)))
      .finally(() => {
        submit.disabled = false;
        submit.textContent = t('qrCreate');
      });
  });
  block.append(form);
  return block;
}

async function qrFigure(share: CreatedShare, pin: string): Promise<HTMLElement> {
  const svgText = await QRCode.toString(share.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  const svg = new DOMParser().parseFromString(svgText, 'image/svg+xml').documentElement;
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('qrCaption'));
  const code = element('div', { className: 'share-qr-code', testid: 'share-qr-code' });
  code.append(document.importNode(svg, true));
  const caption = element(
    'figcaption',
    {},
    element('p', { text: t('qrCaption') }),
    element('p', { testid: 'share-qr-expiry', text: t('qrValidUntil', { time: formatInstant(share.expiresAt) }) }),
  );
  if (share.pinRequired) caption.append(element('p', { text: t('qrPinNeeded') }));
  const figure = element('figure', { className: 'share-qr', testid: 'share-qr' }, code, caption);
  figure.dataset.shareId = share.id;
  if (pin) figure.append(element('p', { className: 'print-controls', testid: 'share-qr-pin-shown', text: t('qrPinScreen', { pin }) }));
  const remove = button(t('qrRemove'), 'share-qr-remove', 'button', 'btn print-controls');
  remove.addEventListener('click', () => {
    figure.remove();
    const form = document.querySelector<HTMLFormElement>('[data-testid="share-qr-form"]');
    if (form) form.hidden = false;
  });
  figure.append(remove);
  return figure;
}
