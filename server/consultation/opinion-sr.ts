import type { DicomJson } from '../../shared/dicom/dicom-json';
import { writeBasicTextSr, type InstanceReference, type SrDocument } from '../sr/sr-document';
import { longText, personName, shortText } from './opinion-text';
import { CONCEPTS, personNameItem, rootContainer, textItem } from './sr-content';

/**
 * The opinion of a remote consultation as a DICOM Basic Text SR (PS3.3 A.35.1), in a new series
 * of the study it is about, so that it travels with the study to any PACS.
 *
 * The document itself is written by server/sr/sr-document.ts; this module makes its content.
 *
 * Verification Flag is UNVERIFIED: VERIFIED means "attested to (signed) by a Verifying Observer
 * or Legal Authenticator named in the document, who is accountable for its content" (PS3.3
 * C.17.2), and the consultation workflow has no signing step; the author is named in the
 * Author Observer Sequence and in the content tree's observer context (TID 1002/1003) instead.
 */

export interface OpinionSrInput {
  /** Study-level DICOM JSON of the study, as the index holds it (patient and study attributes). */
  study: DicomJson;
  /** Our id of the consultation (e.g. a UUID); written as a TEXT item. */
  consultationId: string;
  /** The clinical question (any language, multi-line). */
  question: string;
  /** The specialist's opinion (any language, multi-line, at most 64 KiB of UTF-8). */
  opinion: string;
  /** `name` in DICOM PN form ("Nguyễn^Văn An") or as one free-text name. */
  author: { name: string; institution?: string; contact?: string };
  requester?: { name: string; institution?: string };
  urgency?: string;
  completedAt: Date;
  /**
   * The study's instances the opinion is about, for the Current Requested Procedure Evidence
   * Sequence; omitted when not given.
   */
  evidence?: ReadonlyArray<InstanceReference>;
}

export type OpinionSr = SrDocument;

export { BASIC_TEXT_SR_SOP_CLASS_UID } from '../sr/sr-document';
export const OPINION_SERIES_NUMBER = 9901;
export const OPINION_SERIES_DESCRIPTION = 'Consultation opinion';

export function buildOpinionSr(input: OpinionSrInput): OpinionSr {
  return writeBasicTextSr({
    study: input.study,
    series: { number: OPINION_SERIES_NUMBER, description: OPINION_SERIES_DESCRIPTION },
    completedAt: input.completedAt,
    author: input.author,
    ...(input.evidence ? { evidence: input.evidence } : {}),
    content: rootContainer(CONCEPTS.consultNote, contentItems(input)),
    localSchemeName: 'PACS consultation concepts',
  });
}

/**
 * The content tree under the root "Consult note" CONTAINER: the observer context first
 * (TID 1002: who made the observations), then the question, the opinion and the consultation's
 * own identifiers.
 */
function contentItems(input: OpinionSrInput): DicomJson[] {
  const items = [personNameItem('HAS OBS CONTEXT', CONCEPTS.personObserverName, personName('author name', input.author.name))];
  if (input.author.institution !== undefined) {
    items.push(textItem('HAS OBS CONTEXT', CONCEPTS.personObserverOrganization, shortText('author institution', input.author.institution)));
  }
  // Not Person's Telecom Information in the Author Observer Sequence: the SR Document General
  // Module does not list it there (dciodvfy: "not present in standard DICOM IOD").
  if (input.author.contact !== undefined) {
    items.push(textItem('HAS OBS CONTEXT', CONCEPTS.observerContact, shortText('author contact', input.author.contact)));
  }
  items.push(textItem('CONTAINS', CONCEPTS.request, longText('question', input.question)));
  items.push(textItem('CONTAINS', CONCEPTS.impression, longText('opinion', input.opinion)));
  if (input.requester) {
    items.push(personNameItem('CONTAINS', CONCEPTS.requester, personName('requester name', input.requester.name)));
    if (input.requester.institution !== undefined) {
      items.push(textItem('CONTAINS', CONCEPTS.requesterOrganization, shortText('requester institution', input.requester.institution)));
    }
  }
  if (input.urgency !== undefined) items.push(textItem('CONTAINS', CONCEPTS.urgency, shortText('urgency', input.urgency)));
  items.push(textItem('CONTAINS', CONCEPTS.consultationId, shortText('consultation id', input.consultationId)));
  return items;
}
