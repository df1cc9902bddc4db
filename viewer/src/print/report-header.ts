/** The patient and study lines at the top of a printed report, from one Search for Studies (QIDO-RS). */
import { getString, type DicomJson, type PersonName } from '../../../shared/dicom/dicom-json';
import { Tag } from '../../../shared/dicom/tags';
import { DICOM_JSON } from '../../../shared/dicomweb/media-types';
import { DICOMWEB_ROOT, fetchOk } from '../dicomweb/base';
import { formatPersonName } from '../dicomweb/search';
import { currentLanguage, formatDicomDate, translator } from '../i18n/i18n';
import { formatPatientAge } from '../i18n/patient-age';
import { formatPatientSex } from '../i18n/patient-sex';
import { element } from '../ui/element';
import { printMessages } from './messages';

const t = translator(printMessages);

/** The study as the report's header shows it; `institution` also names who signs by default. */
export interface ReportStudyHeader {
  patientName: string;
  patientId: string;
  sexAge: string;
  studyDate: string;
  description: string;
  institution: string;
  modalities: string[];
}

export async function loadReportHeader(studyUid: string): Promise<ReportStudyHeader | undefined> {
  const params = new URLSearchParams({ StudyInstanceUID: studyUid, includefield: 'PatientAge,InstitutionName', limit: '1' });
  const res = await fetchOk(`${DICOMWEB_ROOT}/studies?${params}`, { headers: { accept: DICOM_JSON } });
  const text = await res.text();
  const [ds] = (text ? JSON.parse(text) : []) as DicomJson[];
  if (!ds) return undefined;
  const value = (tag: string) => getString(ds, tag) ?? '';
  const language = currentLanguage();
  return {
    patientName: formatPersonName(ds[Tag.PatientName]?.Value?.[0] as PersonName | undefined),
    patientId: value(Tag.PatientID),
    sexAge: [formatPatientSex(value(Tag.PatientSex), language), formatPatientAge(value(Tag.PatientAge), language)]
      .filter(Boolean)
      .join(' / '),
    studyDate: value(Tag.StudyDate),
    description: value(Tag.StudyDescription),
    institution: value(Tag.InstitutionName),
    modalities: (ds[Tag.ModalitiesInStudy]?.Value ?? []).map(String),
  };
}

export function reportHeaderView(h: ReportStudyHeader): HTMLElement {
  const header = element('header', { className: 'film-header report-print-header', testid: 'report-print-header' });
  const fields: [string, string, string][] = [
    ['patientName', t('patientName'), h.patientName],
    ['patientId', t('patientId'), h.patientId],
    ['sexAge', t('sexAge'), h.sexAge],
    ['studyDate', t('studyDate'), formatDicomDate(h.studyDate)],
    ['description', t('description'), h.description],
    ['institution', t('institution'), h.institution],
  ];
  for (const [name, label, value] of fields) {
    header.append(
      element(
        'div',
        { className: `film-field film-${name}`, testid: `report-print-${name}` },
        element('span', { className: 'film-label', text: `${label}: ` }),
        element('span', { className: 'film-value', text: value }),
      ),
    );
  }
  return header;
}
