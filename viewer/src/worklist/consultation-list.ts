/**
 * The worklist's "Consultations" section (users who may share): the caller's open and answered
 * consultations with patient, study (date, description), status, urgency, specialist, question,
 * times and the opinion once answered, a link opening the study in the viewer, and Close (which
 * also ends the specialist's link).
 * `data-state` (loading | done | error) and `data-loads` (lists drawn) are for tests.
 */
import { showErrorFor } from '../app/error-banner';
import { element } from '../ui/element';
import { button } from '../ui/form-parts';
import { sectionWithHeading } from '../ui/section-with-heading';
import { confirmAction } from '../ui/confirm-dialog';
import { tableWithHead } from '../ui/table-with-head';
import { closeConsultation, listActiveConsultations, type Consultation } from '../consultation/consultation-api';
import { statusLabel, urgencyLabel } from '../consultation/labels';
import { formatInstant } from '../sharing/date-time';
import { consultationMessages } from '../consultation/messages';
import { formatDicomDate, translator } from '../i18n/i18n';
import { searchForStudiesByUid, type StudySummary } from '../dicomweb/search';

const t = translator(consultationMessages);

export function createConsultationList(): HTMLElement {
  const section = sectionWithHeading('worklist-consultations', 'consultations', t('listTitle'));
  section.dataset.loads = '0';
  const body = document.createElement('div');
  section.append(body);

  const load = async () => {
    section.dataset.state = 'loading';
    if (!body.firstChild) body.textContent = t('listLoading');
    try {
      const list = await listActiveConsultations();
      // Which patient and study each is about, from the archive's index (one QIDO-RS request).
      const studies = new Map((await searchForStudiesByUid(list.map((c) => c.studyInstanceUID))).map((s) => [s.studyInstanceUid, s]));
      body.replaceChildren(list.length === 0 ? empty() : table(list, studies, load));
      section.dataset.state = 'done';
    } catch (error) {
      body.replaceChildren();
      section.dataset.state = 'error';
      showErrorFor(error);
    }
    section.dataset.loads = String(Number(section.dataset.loads) + 1);
  };
  void load();
  return section;
}

function empty(): HTMLElement {
  return element('p', { className: 'worklist-empty', testid: 'consultations-empty', text: t('listEmpty') });
}

function table(list: Consultation[], studies: Map<string, StudySummary>, reload: () => Promise<void>): HTMLTableElement {
  const headings = (
    [
      'colPatient',
      'colStudy',
      'colStatus',
      'colUrgency',
      'colSpecialist',
      'colQuestion',
      'colRequested',
      'colAnswered',
      'colOpinion',
    ] as const
  ).map((key) => t(key));
  const { table: el, body: rows } = tableWithHead('consultation-table', [...headings, ''], 'worklist-table consultation-table');
  for (const c of list) {
    const row = rows.insertRow();
    row.dataset.testid = 'consultation-row';
    row.dataset.id = c.id;
    row.dataset.status = c.status;
    row.dataset.urgency = c.urgency;
    const cell = (column: string, text: string) => {
      const td = row.insertCell();
      td.dataset.column = column;
      td.textContent = text;
      return td;
    };
    const study = studies.get(c.studyInstanceUID);
    cell('patient', study ? [study.patientName, study.patientId].filter(Boolean).join(', ') : '');
    cell('study', study ? [formatDicomDate(study.studyDate), study.studyDescription].filter(Boolean).join(' ') : '');
    cell('status', statusLabel(c.status));
    cell('urgency', urgencyLabel(c.urgency));
    cell('specialist', c.specialist.institution ? `${c.specialist.name}, ${c.specialist.institution}` : c.specialist.name);
    cell('question', c.question);
    cell('requestedAt', formatInstant(c.requestedAt));
    cell('answeredAt', formatInstant(c.answeredAt));
    cell('opinion', c.opinion ?? '');
    const actions = cell('actions', '');
    const open = element('a', { testid: 'consultation-open', text: t('openStudy') });
    open.href = `/viewer?StudyInstanceUIDs=${encodeURIComponent(c.studyInstanceUID)}`;
    const close = button(t('closeConsultation'), 'consultation-close');
    const closeNow = () => {
      close.disabled = true;
      close.textContent = t('closing');
      closeConsultation(c.id)
        .then(reload)
        .catch((error: unknown) => {
          close.disabled = false;
          close.textContent = t('closeConsultation');
          showErrorFor(error);
        });
    };
    close.addEventListener('click', () => {
      void confirmAction(t('closeConfirm'), t('closeConsultation')).then((yes) => yes && closeNow());
    });
    actions.append(open, close);
  }
  return el;
}
