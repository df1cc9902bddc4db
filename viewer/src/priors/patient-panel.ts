/**
 * The patient panel in the viewer's side panel: every study of the patient (patient-studies.ts),
 * newest first, with date, modalities, description and number of images; the studies on screen
 * are marked (the current one, and priors opened beside it). Choosing another study opens it
 * beside those on screen. `data-state` on the panel: loading | loaded | failed.
 */
import { formatDicomDate, translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { errorText } from '../ui/error-text';
import { sectionWithHeading } from '../ui/section-with-heading';
import { priorMessages } from './messages';
import './patient-panel.css';
import { PATIENT_STUDY_LIMIT, searchForPatientStudies, type PatientIdentity, type PatientStudy } from './patient-studies';
import { firstImageShown } from '../viewer/first-image-shown';

const t = translator(priorMessages);

export interface PatientPanel {
  element: HTMLElement;
  /** Stops the search when the viewer closes before it answered. */
  close(): void;
}

/**
 * `opened`: the studies on screen, the current one first. Without a Patient ID nothing can be
 * told to be the same patient: the panel lists the current study only.
 */
export function createPatientPanel(
  patient: PatientIdentity | undefined,
  opened: readonly string[],
  onOpen: (studyUid: string) => void,
): PatientPanel {
  const panel = sectionWithHeading('patient-panel', 'patient-panel', t('patientStudies'));
  const list = element('ul', { className: 'patient-studies' });
  const note = element('p', { className: 'patient-panel-note', testid: 'patient-panel-note', text: t('loadingStudies') });
  panel.append(list, note);
  panel.dataset.state = 'loading';
  const abort = new AbortController();

  const show = (studies: PatientStudy[], noteText: string) => {
    list.replaceChildren(...studies.map((s) => studyItem(s, opened, onOpen)));
    note.textContent = noteText;
    note.hidden = noteText === '';
    panel.dataset.state = 'loaded';
    panel.dataset.count = String(studies.length);
  };
  if (!patient) show([], t('noPatientId'));
  else
    firstImageShown()
      .then(() => searchForPatientStudies(patient, abort.signal))
      .then(
        ({ studies, hasMore }) => show(studies, noteFor(studies, hasMore, opened[0])),
        (error: unknown) => {
          if (abort.signal.aborted) return;
          note.textContent = t('studiesFailed', { message: errorText(error) });
          panel.dataset.state = 'failed';
        },
      );
  return { element: panel, close: () => abort.abort() };
}

/** Under the list: more studies than listed, or none besides the current one (priors on screen are listed, marked). */
function noteFor(studies: readonly PatientStudy[], hasMore: boolean, currentUid: string | undefined): string {
  if (hasMore) return t('moreStudies', { count: PATIENT_STUDY_LIMIT });
  return studies.every((s) => s.studyInstanceUid === currentUid) ? t('noOtherStudies') : '';
}

function studyItem(study: PatientStudy, opened: readonly string[], onOpen: (studyUid: string) => void): HTMLElement {
  const uid = study.studyInstanceUid;
  const position = opened.indexOf(uid);
  const images = study.numberOfInstances;
  const item = element(
    'li',
    { className: 'patient-study', testid: 'patient-study' },
    element(
      'div',
      { className: 'patient-study-head' },
      element('span', {
        className: 'patient-study-date',
        testid: 'patient-study-date',
        text: formatDicomDate(study.studyDate) || t('noDate'),
      }),
      element('span', { className: 'patient-study-modalities', text: study.modalities.join('/') }),
    ),
    element('div', { className: 'patient-study-description', text: study.studyDescription || t('noDescription') }),
    element('div', {
      className: 'patient-study-count',
      text: images === undefined ? '' : t(images === 1 ? 'imagesOne' : 'images', { count: images }),
    }),
  );
  item.dataset.studyUid = uid;
  item.dataset.studyDate = study.studyDate;
  if (position >= 0) {
    item.dataset.state = position === 0 ? 'current' : 'opened';
    item.classList.add('on-screen');
    item.querySelector('.patient-study-head')?.append(
      element('span', {
        className: 'patient-study-badge',
        testid: 'patient-study-badge',
        text: t(position === 0 ? 'current' : 'opened'),
      }),
    );
    if (position === 0) item.setAttribute('aria-current', 'true');
    return item;
  }
  item.dataset.state = 'other';
  item.tabIndex = 0;
  item.setAttribute('role', 'button');
  item.title = t('openBeside');
  item.addEventListener('click', () => onOpen(uid));
  item.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onOpen(uid);
    }
  });
  return item;
}
