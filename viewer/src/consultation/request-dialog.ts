/**
 * "Request consultation" in the viewer: the specialist (name, institution, contact), the clinical
 * question, urgency, the link's expiry, anonymize (burned-in text stays, and the dialog says so)
 * and an optional PIN → POST /api/consultations → the link, shown once with a Copy button.
 */
import { describeError } from '../app/error-banner';
import { dialogWithHeader } from '../ui/dialog-with-header';
import { element } from '../ui/element';
import { button, formError, labelled, showFormError, textInput } from '../ui/form-parts';
import { translator } from '../i18n/i18n';
import { requestConsultation, URGENCIES, type NewConsultation, type RequestedConsultation } from './consultation-api';
import { formatInstant } from '../sharing/date-time';
import { urgencyLabel } from './labels';
import { sharingMessages } from '../sharing/messages';
import { consultationMessages } from './messages';
import { showLinkOnce } from './link-once';

const t = translator(consultationMessages);
/** The link's own wording (anonymize, its warning, PIN, expiry) is the Share dialog's. */
const tShare = translator(sharingMessages);

const DEFAULT_DAYS = 7;

export interface RequestDialog {
  element: HTMLDialogElement;
  open(): void;
}

export function createRequestDialog(studyUid: string): RequestDialog {
  const dialog = dialogWithHeader('consultation', 'consultation-dialog', t('dialogTitle'), tShare('close'), 'consultation-dialog-close');
  const intro = element('p', { className: 'consultation-muted', text: t('intro') });

  const form = createForm();
  const sent = element('section', { className: 'consultation-sent', testid: 'consultation-sent' });
  sent.hidden = true;

  form.element.addEventListener('submit', (event) => {
    event.preventDefault();
    const request = form.read(studyUid);
    if (typeof request === 'string') return showFormError(form.error, request);
    form.setBusy(true);
    requestConsultation(request)
      .then((made) => {
        showFormError(form.error, undefined);
        form.element.hidden = true;
        showSent(sent, made, request.pin !== undefined);
      })
      .catch((error: unknown) => showFormError(form.error, describeError(error)))
      .finally(() => form.setBusy(false));
  });

  dialog.addEventListener('close', () => {
    // The link is shown once: closing forgets it, and the next request starts from an empty form.
    sent.hidden = true;
    sent.replaceChildren();
    if (!form.element.hidden) return;
    form.element.reset();
    form.element.hidden = false;
  });
  dialog.append(intro, form.element, sent);
  return {
    element: dialog,
    open() {
      if (!dialog.open) dialog.showModal();
    },
  };
}

interface RequestForm {
  element: HTMLFormElement;
  error: HTMLElement;
  /** The request, or the message saying what to fix. */
  read(studyUid: string): NewConsultation | string;
  setBusy(busy: boolean): void;
}

function createForm(): RequestForm {
  const form = element('form', { className: 'consultation-form', testid: 'consultation-form' });
  form.noValidate = true;

  const name = textInput('consultation-specialist-name', { maxLength: 64, required: true });
  const institution = textInput('consultation-specialist-institution', { maxLength: 64 });
  const contact = textInput('consultation-specialist-contact', { maxLength: 128 });
  const ownInstitution = textInput('consultation-requester-institution', { maxLength: 64 });
  const question = element('textarea', { className: 'input consultation-question', testid: 'consultation-question' });
  question.maxLength = 8000;
  question.rows = 4;
  const urgency = element('select', { className: 'input', testid: 'consultation-urgency' });
  for (const value of URGENCIES) urgency.append(new Option(urgencyLabel(value), value, value === 'routine', value === 'routine'));
  const days = textInput('consultation-expiry-days', { type: 'number' });
  days.min = '1';
  days.step = '1';
  days.defaultValue = String(DEFAULT_DAYS);
  days.className = 'input consultation-days';
  const daysRow = element('span', { className: 'consultation-inline' }, days, ` ${tShare('days')}`);

  const anonymize = textInput('consultation-anonymize', { type: 'checkbox' });
  anonymize.className = '';
  const anonymizeLabel = element('label', { className: 'consultation-check' }, anonymize, ` ${tShare('anonymize')}`);
  const warning = element('p', {
    className: 'consultation-warning',
    testid: 'consultation-anonymize-warning',
    text: tShare('anonymizeWarning'),
  });

  const pin = textInput('consultation-pin', { maxLength: 32, autocomplete: 'off' });
  const pinHint = element('span', { className: 'consultation-muted', text: t('pinHint') });
  const error = formError('consultation-error');
  const submit = button(t('send'), 'consultation-submit', 'submit', 'btn btn-primary');

  form.append(
    labelled(t('specialistName'), name),
    labelled(t('specialistInstitution'), institution),
    labelled(t('specialistContact'), contact),
    labelled(t('question'), question),
    labelled(t('urgency'), urgency),
    labelled(t('requesterInstitution'), ownInstitution),
    labelled(tShare('expiry'), daysRow),
    anonymizeLabel,
    warning,
    labelled(tShare('pin'), pin),
    pinHint,
    error,
    submit,
  );

  return {
    element: form,
    error,
    read(studyUid) {
      if (name.value.trim() === '') return t('noName');
      if (question.value.trim() === '') return t('noQuestion');
      const count = Number(days.value);
      if (!Number.isFinite(count) || count <= 0) return t('badExpiry');
      const pinValue = pin.value.trim();
      if (pinValue !== '' && !/^\S{4,32}$/.test(pinValue)) return tShare('badPin');
      const request: NewConsultation = {
        studyInstanceUID: studyUid,
        specialist: { name: name.value.trim() },
        question: question.value.trim(),
        urgency: URGENCIES.find((u) => u === urgency.value) ?? 'routine',
        expiresInHours: Math.round(count * 24),
        anonymize: anonymize.checked,
      };
      if (institution.value.trim()) request.specialist.institution = institution.value.trim();
      if (contact.value.trim()) request.specialist.contact = contact.value.trim();
      if (ownInstitution.value.trim()) request.requesterInstitution = ownInstitution.value.trim();
      if (pinValue) request.pin = pinValue;
      return request;
    },
    setBusy(busy) {
      submit.disabled = busy;
      submit.textContent = busy ? t('sending') : t('send');
    },
  };
}

function showSent(section: HTMLElement, made: RequestedConsultation, withPin: boolean): void {
  section.replaceChildren(
    element('h3', { text: t('sentTitle') }),
    showLinkOnce(made.share.url, 'consultation-url'),
    element('p', { testid: 'consultation-expires', text: tShare('validUntil', { time: formatInstant(made.share.expiresAt) }) }),
  );
  if (withPin) section.append(element('p', { text: tShare('pinSeparately') }));
  section.hidden = false;
}
