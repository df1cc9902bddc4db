/**
 * The Share dialog of the viewer: makes a share link for the study (or some of its series) with
 * an expiry, download and anonymize options, an optional PIN and note (POST /api/shares), shows
 * the link once with a Copy button, and lists the study's links with Revoke.
 */
import { describeError } from '../app/error-banner';
import { translator } from '../i18n/i18n';
import { copyableLink } from '../ui/copy-text';
import { dialogWithHeader } from '../ui/dialog-with-header';
import { element } from '../ui/element';
import { button, formError, labelled, showFormError } from '../ui/form-parts';
import { formatInstant } from './date-time';
import { sharingMessages } from './messages';
import { createShare, type CreatedShare, type NewShare } from './share-api';
import { createShareList } from './share-list';

const t = translator(sharingMessages);

const DEFAULT_DAYS = 7;

/** What the dialog needs of a series of the study (the viewer's SeriesModel has it). */
export interface ShareableSeries {
  seriesUid: string;
  number?: number;
  modality: string;
  description: string;
}

export interface ShareDialog {
  element: HTMLDialogElement;
  open(): void;
}

export function createShareDialog(studyUid: string, series: readonly ShareableSeries[]): ShareDialog {
  const dialog = dialogWithHeader('share', 'share-dialog', t('dialogTitle'), t('close'), 'share-close');

  const form = createForm(series);
  const created = element('section', { className: 'share-created', testid: 'share-created' });
  created.hidden = true;
  const list = createShareList(studyUid);

  form.element.addEventListener('submit', (event) => {
    event.preventDefault();
    const request = form.read(studyUid);
    if (typeof request === 'string') return form.setError(request);
    form.setBusy(true);
    createShare(request)
      .then((share) => {
        // The next link starts from the defaults again, never with this one's PIN or options.
        form.reset();
        showCreated(created, share);
        void list.refresh();
      })
      .catch((error: unknown) => form.setError(describeError(error)))
      .finally(() => form.setBusy(false));
  });

  dialog.addEventListener('close', () => {
    // The link is shown once: closing forgets it.
    created.hidden = true;
    created.replaceChildren();
  });
  dialog.append(form.element, created, list.element);
  return {
    element: dialog,
    open() {
      if (!dialog.open) {
        form.reset();
        dialog.showModal();
      }
      void list.refresh();
    },
  };
}

interface ShareForm {
  element: HTMLFormElement;
  /** The request, or the message saying what to fix. */
  read(studyUid: string): NewShare | string;
  setError(message: string | undefined): void;
  setBusy(busy: boolean): void;
  /** Back to the defaults: 7 days, read only, not anonymized, no PIN or note, the whole study. */
  reset(): void;
}

function createForm(series: readonly ShareableSeries[]): ShareForm {
  const form = element('form', { className: 'share-form', testid: 'share-form' });
  form.noValidate = true;

  const amount = input('number', 'share-expiry-value');
  amount.min = '1';
  amount.step = '1';
  amount.defaultValue = String(DEFAULT_DAYS);
  amount.className = 'input share-expiry-value';
  const unit = element('select', { className: 'input', testid: 'share-expiry-unit' });
  for (const value of ['days', 'hours'] as const) unit.append(new Option(t(value), value, value === 'days', value === 'days'));
  const expiry = field(t('expiry'), amount, unit);

  const download = input('checkbox', 'share-download');
  const anonymize = input('checkbox', 'share-anonymize');
  const warning = element('p', { className: 'share-warning', testid: 'share-anonymize-warning', text: t('anonymizeWarning') });

  const pin = input('text', 'share-pin-input');
  pin.autocomplete = 'off';
  pin.maxLength = 32;
  pin.className = 'input';
  const pinHint = element('span', { className: 'share-muted', text: t('pinHint') });
  const note = element('textarea', { className: 'input share-note', testid: 'share-note' });
  note.maxLength = 500;
  note.rows = 2;

  const scope = element('fieldset', { className: 'share-scope' });
  const legend = element('legend', { text: t('scope') });
  const whole = input('radio', 'share-whole-study');
  whole.name = 'share-scope';
  whole.defaultChecked = true;
  const some = input('radio', 'share-some-series');
  some.name = 'share-scope';
  const seriesBoxes = series.map((s) => {
    const box = input('checkbox', 'share-series-option');
    box.value = s.seriesUid;
    box.disabled = true;
    return { box, label: checkLabel(box, seriesLabel(s)) };
  });
  const enableSeries = () => seriesBoxes.forEach(({ box }) => (box.disabled = !some.checked));
  for (const radio of [whole, some]) radio.addEventListener('change', enableSeries);
  const seriesList = element('div', { className: 'share-series' }, ...seriesBoxes.map(({ label }) => label));
  scope.append(legend, checkLabel(whole, t('wholeStudy')), checkLabel(some, t('someSeries')), seriesList);

  const error = formError('share-error');
  const submit = button(t('create'), 'share-create', 'submit', 'btn btn-primary');

  form.append(
    expiry,
    checkLabel(download, t('allowDownload')),
    checkLabel(anonymize, t('anonymize')),
    warning,
    field(t('pin'), pin, pinHint),
    field(t('note'), note),
    scope,
    error,
    submit,
  );

  return {
    element: form,
    read(studyUid) {
      const count = Number(amount.value);
      if (!Number.isFinite(count) || count <= 0) return t('badExpiry');
      const pinValue = pin.value.trim();
      if (pinValue !== '' && !/^\S{4,32}$/.test(pinValue)) return t('badPin');
      const request: NewShare = {
        studyInstanceUID: studyUid,
        expiresInHours: unit.value === 'days' ? count * 24 : count,
        permissions: download.checked ? ['read', 'download'] : ['read'],
        anonymize: anonymize.checked,
      };
      if (some.checked) {
        const chosen = seriesBoxes.filter(({ box }) => box.checked).map(({ box }) => box.value);
        if (chosen.length === 0) return t('noSeriesChosen');
        request.seriesInstanceUIDs = chosen;
      }
      if (pinValue) request.pin = pinValue;
      if (note.value.trim()) request.note = note.value.trim();
      return request;
    },
    setError(message) {
      showFormError(error, message);
    },
    reset() {
      form.reset();
      enableSeries();
      this.setError(undefined);
    },
    setBusy(busy) {
      submit.disabled = busy;
      submit.textContent = busy ? t('creating') : t('create');
    },
  };
}

/** The new link, once: read-only field, Copy, its expiry, and that it will not be shown again. */
function showCreated(section: HTMLElement, share: CreatedShare): void {
  section.dataset.shareId = share.id;
  section.replaceChildren(
    element('h3', { text: t('createdTitle') }),
    element('p', { className: 'share-warning', text: t('shownOnce') }),
    copyableLink(share.url, 'share', { field: 'share-url', copy: 'share-copy', status: 'share-copy-status' }),
    element('p', { testid: 'share-expires', text: t('validUntil', { time: formatInstant(share.expiresAt) }) }),
  );
  if (share.pinRequired) section.append(element('p', { text: t('pinSeparately') }));
  section.hidden = false;
}

function seriesLabel(s: ShareableSeries): string {
  return t('seriesLabel', { number: s.number ?? t('seriesUnnumbered'), modality: s.modality, description: s.description }).replace(
    / · $/,
    '',
  );
}

function input(type: string, testid: string): HTMLInputElement {
  const el = element('input', { testid });
  el.type = type;
  return el;
}

function field(label: string, ...controls: HTMLElement[]): HTMLLabelElement {
  return labelled(label, element('span', { className: 'share-field-controls' }, ...controls), 'share-field');
}

function checkLabel(control: HTMLInputElement, text: string): HTMLLabelElement {
  return element('label', { className: 'share-check' }, control, ` ${text}`);
}
