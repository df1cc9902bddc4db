/**
 * The print / film sheet at `/print?StudyInstanceUIDs=<uid>`: the study's key images (its key
 * object selection document, with the view each was marked with, read from the archive) laid out
 * as film pages, printed through the browser (paper or PDF) with a print stylesheet that leaves
 * out the app around the sheet.
 */
import { getString, type DicomJson, type PersonName } from '../../../shared/dicom/dicom-json';
import { DICOM_JSON } from '../../../shared/dicomweb/media-types';
import { Tag } from '../../../shared/dicom/tags';
import type { Page } from '../app/page';
import { showError, showErrorFor } from '../app/error-banner';
import { fetchOk } from '../dicomweb/base';
import { instanceUrl } from '../dicomweb/resource-urls';
import { formatPersonName } from '../dicomweb/search';
import { currentLanguage, translator } from '../i18n/i18n';
import { formatPatientAge } from '../i18n/patient-age';
import { formatPatientSex } from '../i18n/patient-sex';
import { currentSession } from '../app/session';
import { KEY_IMAGE_TITLES } from '../../../shared/api/key-images';
import { loadKeyImages, setKeyImageTitle, type KeyImage, type KeyImageSet } from '../key-images/key-images';
import { createFilmSheet, FILM_LAYOUTS, type FilmLayout, type StudyHeader } from './film-sheet';
import { printMessages } from './messages';
import { createSheetReport } from './sheet-report';
import './print.css';

const t = translator(printMessages);
const LAYOUT_KEY = 'pacs.print.layout';
let generation = 0;

export const page: Page = {
  async mount(root, url) {
    const mine = ++generation;
    const studyUid = url.searchParams.get('StudyInstanceUIDs')?.split(',')[0]?.trim();
    const container = document.createElement('div');
    container.className = 'print-page';
    container.dataset.testid = 'print-view';
    root.replaceChildren(container);
    if (!studyUid) {
      showError(t('noStudy'));
      return;
    }
    // The study's key images as the archive keeps them: its KOS, with each image's view.
    let set: KeyImageSet;
    try {
      set = await loadKeyImages(studyUid);
    } catch (error) {
      showErrorFor(error);
      return;
    }
    if (mine !== generation) return;
    const keys = set.images;
    const controls = document.createElement('div');
    controls.className = 'print-controls';
    const back = document.createElement('a');
    back.href = `/viewer?StudyInstanceUIDs=${encodeURIComponent(studyUid)}`;
    back.textContent = t('backToViewer');
    back.dataset.testid = 'print-back';
    const count = document.createElement('span');
    count.textContent = t('keyImageCount', { count: keys.length });
    controls.append(back, count);
    container.append(controls, createSheetReport(studyUid));
    if (keys.length === 0) {
      const empty = document.createElement('p');
      empty.className = 'print-empty';
      empty.dataset.testid = 'print-empty';
      empty.textContent = t('empty');
      container.append(empty);
      return;
    }

    const label = document.createElement('label');
    label.textContent = `${t('layout')} `;
    const select = document.createElement('select');
    select.dataset.testid = 'print-layout';
    for (const layout of FILM_LAYOUTS) {
      const option = document.createElement('option');
      option.value = layout;
      option.textContent = layout.replace('x', '×');
      select.append(option);
    }
    select.value = storedLayout();
    label.append(select);
    const print = document.createElement('button');
    print.type = 'button';
    print.textContent = t('print');
    print.dataset.testid = 'print-button';
    print.addEventListener('click', () => window.print());
    controls.append(label, documentTitle(studyUid, set), print);

    const status = document.createElement('p');
    status.className = 'print-status';
    status.textContent = t('loading');
    container.append(status);
    let header: StudyHeader;
    try {
      header = await loadHeader(keys[0]!);
    } catch (error) {
      status.remove();
      showErrorFor(error);
      return;
    }
    status.remove();
    if (mine !== generation) return;

    let sheet: HTMLElement | undefined;
    const show = async (layout: FilmLayout) => {
      const film = createFilmSheet(keys, layout, header);
      if (sheet) sheet.replaceWith(film.element);
      else container.append(film.element);
      sheet = film.element;
      const drawn = film.element;
      await film.draw(() => mine === generation && sheet === drawn);
    };
    select.addEventListener('change', () => {
      const layout = select.value as FilmLayout;
      try {
        localStorage.setItem(LAYOUT_KEY, layout);
      } catch {
        // not remembered; still shown
      }
      void show(layout);
    });
    await show(select.value as FilmLayout);
  },
  unmount() {
    generation++;
  },
};

/**
 * The Document Title of the study's key object selection: a choice for who may annotate
 * (changing it stores a new KOS version), plain text for everyone else.
 */
function documentTitle(studyUid: string, set: KeyImageSet): HTMLElement {
  const label = document.createElement('label');
  label.textContent = `${t('documentTitle')} `;
  const names = { 'of-interest': t('titleOfInterest'), 'for-referring-provider': t('titleForReferringProvider') } as const;
  const title = set.title ?? 'of-interest';
  if (!currentSession()?.permissions.includes('annotate')) {
    const value = document.createElement('span');
    value.dataset.testid = 'print-document-title';
    value.textContent = names[title];
    label.append(value);
    return label;
  }
  const select = document.createElement('select');
  select.dataset.testid = 'print-document-title';
  for (const value of KEY_IMAGE_TITLES) {
    const option = document.createElement('option');
    option.value = value;
    option.textContent = names[value];
    select.append(option);
  }
  select.value = title;
  select.addEventListener('change', () => {
    select.disabled = true;
    setKeyImageTitle(studyUid, select.value as (typeof KEY_IMAGE_TITLES)[number])
      .then((saved) => {
        select.value = saved.title ?? select.value;
        select.dataset.saved = select.value;
      })
      .catch((error: unknown) => {
        select.value = title;
        showErrorFor(error);
      })
      .finally(() => {
        select.disabled = false;
      });
  });
  label.append(select);
  return label;
}

function storedLayout(): FilmLayout {
  try {
    const stored = localStorage.getItem(LAYOUT_KEY);
    if ((FILM_LAYOUTS as readonly string[]).includes(stored ?? '')) return stored as FilmLayout;
  } catch {
    // storage disabled
  }
  return '2x2';
}

/** The header from the first key image's instance metadata (WADO-RS, PS3.18 10.4.1.1.2). */
async function loadHeader(key: KeyImage): Promise<StudyHeader> {
  const res = await fetchOk(`${instanceUrl(key.studyUid, key.seriesUid, key.sopUid)}/metadata`, { headers: { accept: DICOM_JSON } });
  const [ds] = (await res.json()) as DicomJson[];
  const text = (tag: string) => getString(ds, tag) ?? '';
  return {
    patientName: formatPersonName(ds?.[Tag.PatientName]?.Value?.[0] as PersonName | undefined),
    patientId: text(Tag.PatientID),
    sex: formatPatientSex(text(Tag.PatientSex), currentLanguage()),
    age: formatPatientAge(text(Tag.PatientAge), currentLanguage()),
    studyDate: text(Tag.StudyDate),
    description: text(Tag.StudyDescription),
    institution: text(Tag.InstitutionName),
  };
}
