/**
 * The consulted specialist's panel in the viewer (a guest whose link belongs to a consultation):
 * the question, its urgency and who asks; an opinion form (author prefilled with the specialist's
 * name) → POST /api/consultations/{id}/opinion; once answered, the opinion sent and when.
 * `data-state` (loading | ready | failed) and `data-status` (the consultation's) are for tests.
 */
import { describeError } from '../app/error-banner';
import { element } from '../ui/element';
import { button, formError, labelled, showFormError, textInput } from '../ui/form-parts';
import { sectionWithHeading } from '../ui/section-with-heading';
import { translator } from '../i18n/i18n';
import { answerConsultation, getConsultation, type Consultation } from './consultation-api';
import { formatInstant } from '../sharing/date-time';
import { statusLabel, urgencyLabel } from './labels';
import { consultationMessages } from './messages';

const t = translator(consultationMessages);

export function createConsultationPanel(consultationId: string): HTMLElement {
  const panel = sectionWithHeading('consultation-panel', 'consultation-panel', t('panelTitle'));
  panel.dataset.state = 'loading';
  const body = element('div', { text: t('loading') });
  panel.append(body);

  const render = (consultation: Consultation) => {
    panel.dataset.state = 'ready';
    panel.dataset.status = consultation.status;
    body.replaceChildren(...describe(consultation));
    if (consultation.status === 'answered' || consultation.opinion !== null) body.append(...answered(consultation));
    else if (consultation.status !== 'closed') body.append(opinionForm(consultation, render));
  };
  getConsultation(consultationId)
    .then(render)
    .catch((error: unknown) => {
      panel.dataset.state = 'failed';
      body.textContent = t('loadFailed', { message: describeError(error) });
    });
  return panel;
}

function describe(c: Consultation): HTMLElement[] {
  const status = line('consultation-status', statusLabel(c.status));
  status.dataset.status = c.status;
  const urgency = line('consultation-urgency', `${t('urgency')}: ${urgencyLabel(c.urgency)}`);
  urgency.dataset.urgency = c.urgency;
  const parts = [status, urgency];
  if (c.requesterInstitution) parts.push(line('consultation-from', `${t('from')}: ${c.requesterInstitution}`));
  parts.push(line('consultation-asked-at', t('askedAt', { time: formatInstant(c.requestedAt) }), 'consultation-muted'));
  const question = line('consultation-question-text', c.question, 'consultation-text');
  parts.push(question);
  return parts;
}

function answered(c: Consultation): HTMLElement[] {
  return [
    element('h3', { text: t('opinionBy', { name: c.opinionAuthor ?? c.specialist.name }) }),
    line('consultation-opinion', c.opinion ?? '', 'consultation-text'),
    line('consultation-answered-at', t('answeredAt', { time: formatInstant(c.answeredAt) }), 'consultation-muted'),
  ];
}

function opinionForm(c: Consultation, onAnswered: (c: Consultation) => void): HTMLFormElement {
  const form = element('form', { className: 'consultation-opinion-form', testid: 'consultation-opinion-form' });
  form.noValidate = true;
  const opinion = element('textarea', { className: 'input consultation-opinion-input', testid: 'consultation-opinion-input' });
  opinion.rows = 6;
  opinion.maxLength = 64 * 1024;
  const author = textInput('consultation-author-name', { maxLength: 64 });
  author.value = c.specialist.name;
  const institution = textInput('consultation-author-institution', { maxLength: 64 });
  institution.value = c.specialist.institution;
  const error = formError('consultation-opinion-error');
  const submit = button(t('submit'), 'consultation-opinion-submit', 'submit', 'btn btn-primary');
  form.append(
    labelled(t('yourOpinion'), opinion),
    labelled(t('authorName'), author),
    labelled(t('authorInstitution'), institution),
    error,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (opinion.value.trim() === '') return showFormError(error, t('noOpinion'));
    submit.disabled = true;
    submit.textContent = t('submitting');
    answerConsultation(c.id, { opinion: opinion.value, authorName: author.value.trim(), authorInstitution: institution.value.trim() })
      .then(onAnswered)
      .catch((e: unknown) => {
        showFormError(error, describeError(e));
        submit.disabled = false;
        submit.textContent = t('submit');
      });
  });
  return form;
}

function line(testid: string, text: string, className?: string): HTMLParagraphElement {
  return element('p', { className, testid, text });
}
