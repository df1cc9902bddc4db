/**
 * The Share dialog of the viewer: makes a share link for the study (or some of its series) with
 * an expiry, download and anonymize options, an optional PIN and note (POST /api/shares), shows
 * the link once with a Copy button, and lists the study's links with Revoke.
 */
import { describeError } from '../app/error-banner';
import { button, dialogWithHeader, formError, showFormError } from '../auth/form-parts';
import { translator } from '../i18n/i18n';
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
  const created = document.createElement('section');
  created.className = 'share-created';
  created.dataset.testid = 'share-created';
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
  const form = document.createElement('form');
  form.className = 'share-form';
  form.dataset.testid = 'share-form';
  form.noValidate = true;

  const amount = input('number', 'share-expiry-value');
  amount.min = '1';
  amount.step = '1';
  amount.defaultValue = String(DEFAULT_DAYS);
  amount.className = 'input share-expiry-value';
  const unit = document.createElement('select');
  unit.className = 'input';
  unit.dataset.testid = 'share-expiry-unit';
  for (const value of ['days', 'hours'] as const) unit.append(new Option(t(value), value, value === 'days', value === 'days'));
  const expiry = field(t('expiry'), amount, unit);

  const download = input('checkbox', 'share-download');
  const anonymize = input('checkbox', 'share-anonymize');
  const warning = document.createElement('p');
  warning.className = 'share-warning';
  warning.dataset.testid = 'share-anonymize-warning';
  warning.textContent = t('anonymizeWarning');

  const pin = input('text', 'share-pin-input');
  pin.autocomplete = 'off';
  pin.maxLength = 32;
  pin.className = 'input';
  const pinHint = document.createElement('span');
  pinHint.className = 'share-muted';
  pinHint.textContent = t('pinHint');
  const note = document.createElement('textarea');
  note.className = 'input share-note';
  note.dataset.testid = 'share-note';
  note.maxLength = 500;
  note.rows = 2;

  const scope = document.createElement('fieldset');
  scope.className = 'share-scope';
  const legend = document.createElement('legend');
  legend.textContent = t('scope');
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
  const seriesList = document.createElement('div');
  seriesList.className = 'share-series';
  seriesList.append(...seriesBoxes.map(({ label }) => label));
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
  const title = document.createElement('h3');
  title.textContent = t('createdTitle');
  const once = document.createElement('p');
  once.className = 'share-warning';
  once.textContent = t('shownOnce');
  const url = input('text', 'share-url');
  url.readOnly = true;
  url.value = share.url;
  url.className = 'input share-url';
  url.addEventListener('focus', () => url.select());
  const copy = button(t('copy'), 'share-copy');
  const copied = document.createElement('span');
  copied.className = 'share-muted';
  copied.dataset.testid = 'share-copy-status';
  copy.addEventListener('click', () => {
    void copyText(url).then((ok) => (copied.textContent = ok ? t('copied') : t('copyFailed')));
  });
  const row = document.createElement('div');
  row.className = 'share-url-row';
  row.append(url, copy, copied);
  const until = document.createElement('p');
  until.dataset.testid = 'share-expires';
  until.textContent = t('validUntil', { time: formatInstant(share.expiresAt) });
  section.dataset.shareId = share.id;
  section.replaceChildren(title, once, row, until);
  if (share.pinRequired) {
    const pin = document.createElement('p');
    pin.textContent = t('pinSeparately');
    section.append(pin);
  }
  section.hidden = false;
}

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

function seriesLabel(s: ShareableSeries): string {
  return t('seriesLabel', { number: s.number ?? t('seriesUnnumbered'), modality: s.modality, description: s.description }).replace(
    / · $/,
    '',
  );
}

function input(type: string, testid: string): HTMLInputElement {
  const el = document.createElement('input');
  el.type = type;
  el.dataset.testid = testid;
  return el;
}

function field(label: string, ...controls: HTMLElement[]): HTMLLabelElement {
  const el = document.createElement('label');
  el.className = 'share-field';
  const caption = document.createElement('span');
  caption.textContent = label;
  const row = document.createElement('span');
  row.className = 'share-field-controls';
  row.append(...controls);
  el.append(caption, row);
  return el;
}

function checkLabel(control: HTMLInputElement, text: string): HTMLLabelElement {
  const el = document.createElement('label');
  el.className = 'share-check';
  el.append(control, document.createTextNode(` ${text}`));
  return el;
}
