import { codeItem, type Code } from '../../shared/dicom/code-item';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { REPORT_SECTIONS, type ReportLanguage, type ReportSection, type ReportSections } from '../../shared/api/reports';
import { AppError } from '../../shared/errors';
import { longText, personName, shortText } from '../consultation/opinion-text';
import { CONCEPTS as OBSERVER, personNameItem, rootContainer, textItem } from '../consultation/sr-content';
import { writeBasicTextSr, type InstanceReference, type SrDocument } from '../sr/sr-document';

/**
 * A final diagnostic report as a DICOM Basic Text SR (PS3.3 A.35.1) in the study, signed:
 * Verification Flag VERIFIED with the Verifying Observer Sequence (PS3.3 C.17.2). An amendment
 * is a new instance in the same series whose Predecessor Documents Sequence names the version it
 * replaces. Content, after TID 2000 (Basic Diagnostic Imaging Report): the language
 * (TID 1204), the observer context (TID 1002), then one CONTAINER per section with a CID 7001
 * heading holding one TEXT item with its CID 7002 concept.
 */

export const REPORT_SERIES_NUMBER = 9903;
export const REPORT_SERIES_DESCRIPTION = 'Diagnostic report';

/** Document title: LOINC "Diagnostic Imaging Report" (CID 7000). */
export const DIAGNOSTIC_IMAGING_REPORT: Code = { value: '18748-4', scheme: 'LN', meaning: 'Diagnostic Imaging Report' };

/** Each section's heading (CID 7001) and the concept of its text (CID 7002). */
export const SECTION_CONCEPTS: Record<ReportSection, { heading: Code; text: Code }> = {
  clinicalInformation: {
    heading: { value: '55752-0', scheme: 'LN', meaning: 'Clinical Information' },
    text: { value: '121060', scheme: 'DCM', meaning: 'History' },
  },
  technique: {
    heading: { value: '121064', scheme: 'DCM', meaning: 'Current Procedure Descriptions' },
    text: { value: '121065', scheme: 'DCM', meaning: 'Procedure Description' },
  },
  findings: {
    heading: { value: '121070', scheme: 'DCM', meaning: 'Findings' },
    text: { value: '121071', scheme: 'DCM', meaning: 'Finding' },
  },
  impression: {
    heading: { value: '121072', scheme: 'DCM', meaning: 'Impressions' },
    text: { value: '121073', scheme: 'DCM', meaning: 'Impression' },
  },
  recommendations: {
    heading: { value: '121074', scheme: 'DCM', meaning: 'Recommendations' },
    text: { value: '121075', scheme: 'DCM', meaning: 'Recommendation' },
  },
};

const LANGUAGE_OF_CONTENT: Code = { value: '121049', scheme: 'DCM', meaning: 'Language of Content Item and Descendants' };
const LANGUAGES: Record<ReportLanguage, Code> = {
  en: { value: 'en', scheme: 'RFC5646', meaning: 'English' },
  vi: { value: 'vi', scheme: 'RFC5646', meaning: 'Vietnamese' },
};

export interface ReportSrInput {
  study: DicomJson;
  language: ReportLanguage;
  sections: ReportSections;
  /** Author and Verifying Observer: the radiologist who signs. */
  signer: { name: string; organization: string };
  signedAt: Date;
  /** The final version this one amends, and the series and number the new version takes. */
  amends?: { previous: InstanceReference; seriesInstanceUid: string; version: number };
}

export function buildReportSr(input: ReportSrInput): SrDocument {
  const name = personName('signer name', input.signer.name);
  const organization = shortText('organization', input.signer.organization);
  const sections = REPORT_SECTIONS.flatMap((section) => {
    const text = input.sections[section];
    if (text === undefined || text.trim() === '') return [];
    const concepts = SECTION_CONCEPTS[section];
    return [container(concepts.heading, [textItem('CONTAINS', concepts.text, longText(section, text))])];
  });
  if (sections.length === 0) throw new AppError('BAD_REQUEST', 'The report is empty: write at least the findings or the impression.');
  return writeBasicTextSr({
    study: input.study,
    series: {
      number: REPORT_SERIES_NUMBER,
      description: REPORT_SERIES_DESCRIPTION,
      ...(input.amends ? { uid: input.amends.seriesInstanceUid } : {}),
    },
    instanceNumber: input.amends?.version ?? 1,
    completedAt: input.signedAt,
    author: { name, institution: organization },
    verifiedBy: { name, organization, at: input.signedAt },
    ...(input.amends ? { predecessors: [input.amends.previous] } : {}),
    content: rootContainer(DIAGNOSTIC_IMAGING_REPORT, [
      languageItem(input.language),
      personNameItem('HAS OBS CONTEXT', OBSERVER.personObserverName, name),
      textItem('HAS OBS CONTEXT', OBSERVER.personObserverOrganization, organization),
      ...sections,
    ]),
  });
}

/** A section: a CONTAINER under the root, its heading as concept name. */
function container(heading: Code, children: DicomJson[]): DicomJson {
  return {
    [Tag.RelationshipType]: { vr: 'CS', Value: ['CONTAINS'] },
    [Tag.ValueType]: { vr: 'CS', Value: ['CONTAINER'] },
    [Tag.ConceptNameCodeSequence]: { vr: 'SQ', Value: [codeItem(heading)] },
    [Tag.ContinuityOfContent]: { vr: 'CS', Value: ['SEPARATE'] },
    [Tag.ContentSequence]: { vr: 'SQ', Value: children },
  };
}

/** TID 1204: the language of the whole document, as a concept modifier of the root. */
function languageItem(language: ReportLanguage): DicomJson {
  return {
    [Tag.RelationshipType]: { vr: 'CS', Value: ['HAS CONCEPT MOD'] },
    [Tag.ValueType]: { vr: 'CS', Value: ['CODE'] },
    [Tag.ConceptNameCodeSequence]: { vr: 'SQ', Value: [codeItem(LANGUAGE_OF_CONTENT)] },
    [Tag.ConceptCodeSequence]: { vr: 'SQ', Value: [codeItem(LANGUAGES[language])] },
  };
}
