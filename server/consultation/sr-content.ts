import { codeItem, type Code } from '../../shared/dicom/code-item';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';

/**
 * SR content items (PS3.3 C.17.3 SR Document Content Module) as DICOM JSON, and the coded
 * concepts the consultation opinion uses. Every item is by value: Basic Text SR allows no
 * by-reference relationships (PS3.3 A.35.1).
 */

/** Our own concepts, for what no DICOM context group covers (private schemes start with "99", PS3.16 8). */
export const LOCAL_SCHEME = '99PACS';

/**
 * The concepts of the opinion and where each comes from. LOINC and DCM codes are taken from the
 * PS3.16 context groups named; the 99PACS ones have no standard equivalent.
 */
export const CONCEPTS = {
  /** LOINC document type "Consult note" (Document Ontology). Not in CID 7000, which Basic Text SR does not require. */
  consultNote: { value: '11488-4', scheme: 'LN', meaning: 'Consult note' },
  /** CID 7002 Diagnostic Imaging Report Element: the clinical question the requester asks. */
  request: { value: '55115-0', scheme: 'LN', meaning: 'Request' },
  /** CID 7002 Diagnostic Imaging Report Element: the specialist's opinion. */
  impression: { value: '121073', scheme: 'DCM', meaning: 'Impression' },
  /** TID 1003 Person Observer Identifying Attributes, row 1 (PNAME). */
  personObserverName: { value: '121008', scheme: 'DCM', meaning: 'Person Observer Name' },
  /** TID 1003 row 2 (TEXT). */
  personObserverOrganization: { value: '121009', scheme: 'DCM', meaning: "Person Observer's Organization Name" },
  consultationId: { value: 'CONSULT-ID', scheme: LOCAL_SCHEME, meaning: 'Consultation identifier' },
  requester: { value: 'REQUESTER', scheme: LOCAL_SCHEME, meaning: 'Consultation requester' },
  requesterOrganization: { value: 'REQUESTER-ORG', scheme: LOCAL_SCHEME, meaning: "Consultation requester's organization" },
  urgency: { value: 'URGENCY', scheme: LOCAL_SCHEME, meaning: 'Consultation urgency' },
  observerContact: { value: 'OBSERVER-CONTACT', scheme: LOCAL_SCHEME, meaning: "Person observer's contact" },
} as const satisfies Record<string, Code>;

/** How a child item relates to its parent (PS3.3 C.17.3.2.4): the two this document uses. */
export type Relationship = 'CONTAINS' | 'HAS OBS CONTEXT';

function item(relationship: Relationship | undefined, valueType: string, concept: Code): DicomJson {
  return {
    ...(relationship ? { [Tag.RelationshipType]: { vr: 'CS', Value: [relationship] } } : {}),
    [Tag.ValueType]: { vr: 'CS', Value: [valueType] },
    [Tag.ConceptNameCodeSequence]: { vr: 'SQ', Value: [codeItem(concept)] },
  };
}

/** A TEXT item: Text Value (0040,A160) is UT, so long multi-line text fits. */
export function textItem(relationship: Relationship, concept: Code, text: string): DicomJson {
  return { ...item(relationship, 'TEXT', concept), [Tag.TextValue]: { vr: 'UT', Value: [text] } };
}

/** A PNAME item; `name` is in DICOM PN form (components separated by ^). */
export function personNameItem(relationship: Relationship, concept: Code, name: string): DicomJson {
  return { ...item(relationship, 'PNAME', concept), [Tag.PersonName]: { vr: 'PN', Value: [{ Alphabetic: name }] } };
}

/**
 * The root CONTAINER: its attributes go into the top level of the data set (PS3.3 C.17.3),
 * so it has no Relationship Type. Continuity SEPARATE: the items are independent statements.
 */
export function rootContainer(concept: Code, children: DicomJson[]): DicomJson {
  return {
    ...item(undefined, 'CONTAINER', concept),
    [Tag.ContinuityOfContent]: { vr: 'CS', Value: ['SEPARATE'] },
    [Tag.ContentSequence]: { vr: 'SQ', Value: children },
  };
}
