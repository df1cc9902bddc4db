import { codeItem, type Code } from '../../shared/dicom/code-item';
import { getItem, getNumber, getString, type DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { isValidUid } from '../../shared/dicom/uid';
import { AppError } from '../../shared/errors';
import type { KeyImageTitle } from '../../shared/api/key-images';
import { dicomDateTime } from '../consultation/content-date-time';
import { newUid } from '../consultation/new-uid';
import { hierarchicalReference } from '../sr/hierarchical-reference';
import { writePart10 } from '../sr/part10-file';
import { documentHeader, observerName } from '../sr/study-modules';

/**
 * The key images of a study as a DICOM Key Object Selection document (PS3.3 A.59), in a series of
 * that study, so any DICOM viewer and PACS sees them. Content: TID 2010 Key Object Selection,
 * the root titled from CID 7010, the observer context (TID 1002: who made this version), then one
 * IMAGE item per referenced instance, with its frames when it is a multi-frame image.
 *
 * Modules written: Patient, General Study, Patient Study (copied from the study), Key Object
 * Document Series, General Equipment, Key Object Document, SR Document Content, SOP Common.
 * Referenced Request Sequence is left out: it is required only for a document made in answer
 * to a request (PS3.3 C.17.6.2), which a viewer's key images are not.
 */

export const KEY_OBJECT_SELECTION_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.88.59';
export const KEY_IMAGE_SERIES_NUMBER = 9902;
export const KEY_IMAGE_SERIES_DESCRIPTION = 'Key images';

/** CID 7010 Key Object Selection Document Title. */
export const KOS_TITLES: Record<KeyImageTitle, Code> = {
  'of-interest': { value: '113000', scheme: 'DCM', meaning: 'Of Interest' },
  'for-referring-provider': { value: '113002', scheme: 'DCM', meaning: 'For Referring Provider' },
};
/** TID 1003 row 1. */
const PERSON_OBSERVER_NAME: Code = { value: '121008', scheme: 'DCM', meaning: 'Person Observer Name' };

export interface KeyFrame {
  seriesInstanceUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
  /** 1-based */
  frame: number;
  /** Whether the instance has more than one frame (then the frames are named, PS3.3 C.18.4.1). */
  multiFrame: boolean;
}

export interface KeyObjectSelectionInput {
  /** Study-level DICOM JSON of the study, as the index holds it. */
  study: DicomJson;
  title: KeyImageTitle;
  /** At least one: TID 2010 has IMAGE 1-n. In the order they were marked. */
  frames: readonly KeyFrame[];
  /** Who made this version, a PN ("Nguyễn^Văn An") or one free-text name. */
  observer: string;
  createdAt: Date;
  /** The series of the earlier version and the number after its instance number; a new series when absent. */
  series?: { uid: string; instanceNumber: number };
}

export interface KeyObjectSelection {
  part10: Buffer;
  sopInstanceUid: string;
  seriesInstanceUid: string;
}

export function buildKeyObjectSelection(input: KeyObjectSelectionInput): KeyObjectSelection {
  const studyInstanceUid = getString(input.study, Tag.StudyInstanceUID)?.trim();
  if (!isValidUid(studyInstanceUid)) throw new AppError('INVALID_UID', 'The study has no valid Study Instance UID (PS3.5 9.1).');
  if (input.frames.length === 0) throw new AppError('BAD_REQUEST', 'A key object selection names at least one image.');
  const seriesInstanceUid = input.series?.uid ?? newUid();
  const sopInstanceUid = newUid();
  const when = dicomDateTime(input.createdAt, getString(input.study, Tag.TimezoneOffsetFromUTC));

  const dataset: DicomJson = {
    ...documentHeader({ study: input.study, studyInstanceUid, sopClassUid: KEY_OBJECT_SELECTION_SOP_CLASS_UID, sopInstanceUid, when }),
    // Key Object Document Series (PS3.3 C.17.6.1)
    [Tag.Modality]: { vr: 'CS', Value: ['KO'] },
    [Tag.SeriesInstanceUID]: { vr: 'UI', Value: [seriesInstanceUid] },
    [Tag.SeriesNumber]: { vr: 'IS', Value: [KEY_IMAGE_SERIES_NUMBER] },
    [Tag.SeriesDescription]: { vr: 'LO', Value: [KEY_IMAGE_SERIES_DESCRIPTION] },
    [Tag.ReferencedPerformedProcedureStepSequence]: { vr: 'SQ', Value: [] }, // type 2
    // General Equipment
    [Tag.Manufacturer]: { vr: 'LO', Value: [] },
    // Key Object Document (PS3.3 C.17.6.2)
    [Tag.InstanceNumber]: { vr: 'IS', Value: [input.series?.instanceNumber ?? 1] },
    [Tag.ContentDate]: { vr: 'DA', Value: [when.date] },
    [Tag.ContentTime]: { vr: 'TM', Value: [when.time] },
    [Tag.CurrentRequestedProcedureEvidenceSequence]: {
      vr: 'SQ',
      Value: [hierarchicalReference(studyInstanceUid, input.frames)],
    },
    // SR Document Content: TID 2010
    [Tag.ValueType]: { vr: 'CS', Value: ['CONTAINER'] },
    [Tag.ConceptNameCodeSequence]: { vr: 'SQ', Value: [codeItem(KOS_TITLES[input.title])] },
    [Tag.ContinuityOfContent]: { vr: 'CS', Value: ['SEPARATE'] },
    [Tag.ContentTemplateSequence]: {
      vr: 'SQ',
      Value: [{ [Tag.MappingResource]: { vr: 'CS', Value: ['DCMR'] }, [Tag.TemplateIdentifier]: { vr: 'CS', Value: ['2010'] } }],
    },
    [Tag.ContentSequence]: { vr: 'SQ', Value: [observerItem(input.observer), ...imageItems(input.frames)] },
  };
  return { part10: writePart10(dataset, KEY_OBJECT_SELECTION_SOP_CLASS_UID, sopInstanceUid), sopInstanceUid, seriesInstanceUid };
}

function observerItem(observer: string): DicomJson {
  return {
    [Tag.RelationshipType]: { vr: 'CS', Value: ['HAS OBS CONTEXT'] },
    [Tag.ValueType]: { vr: 'CS', Value: ['PNAME'] },
    [Tag.ConceptNameCodeSequence]: { vr: 'SQ', Value: [codeItem(PERSON_OBSERVER_NAME)] },
    [Tag.PersonName]: { vr: 'PN', Value: [{ Alphabetic: observerName(observer) }] },
  };
}

/** TID 2010 row 5: IMAGE items without concept name, one per instance, frames in marking order. */
function imageItems(frames: readonly KeyFrame[]): DicomJson[] {
  const bySop = new Map<string, { frame: KeyFrame; numbers: number[] }>();
  for (const frame of frames) {
    const entry = bySop.get(frame.sopInstanceUid) ?? { frame, numbers: [] };
    if (!entry.numbers.includes(frame.frame)) entry.numbers.push(frame.frame);
    bySop.set(frame.sopInstanceUid, entry);
  }
  return [...bySop.values()].map(({ frame, numbers }) => ({
    [Tag.RelationshipType]: { vr: 'CS', Value: ['CONTAINS'] },
    [Tag.ValueType]: { vr: 'CS', Value: ['IMAGE'] },
    [Tag.ReferencedSOPSequence]: {
      vr: 'SQ',
      Value: [
        {
          [Tag.ReferencedSOPClassUID]: { vr: 'UI', Value: [frame.sopClassUid] },
          [Tag.ReferencedSOPInstanceUID]: { vr: 'UI', Value: [frame.sopInstanceUid] },
          ...(frame.multiFrame ? { [Tag.ReferencedFrameNumber]: { vr: 'IS', Value: numbers } } : {}),
        },
      ],
    },
  }));
}

/** What a stored KOS says: its title and the frames its IMAGE items reference (frame 1 of a single-frame image). */
export interface ReadKeyObjectSelection {
  title: KeyImageTitle | undefined;
  observer: string;
  frames: Array<{ seriesInstanceUid: string; sopClassUid: string; sopInstanceUid: string; frame: number }>;
}

/**
 * Reads a KOS's DICOM JSON (ours or another system's): the series of each image from the
 * Current Requested Procedure Evidence Sequence, the frames from the IMAGE items; a reference
 * without frame numbers to a multi-frame image means all its frames, which we show as its first.
 */
export function readKeyObjectSelection(kos: DicomJson): ReadKeyObjectSelection {
  const seriesOf = new Map<string, string>();
  for (const evidence of kos[Tag.CurrentRequestedProcedureEvidenceSequence]?.Value ?? []) {
    for (const series of (evidence as DicomJson)[Tag.ReferencedSeriesSequence]?.Value ?? []) {
      const seriesUid = getString(series as DicomJson, Tag.SeriesInstanceUID);
      for (const sop of (series as DicomJson)[Tag.ReferencedSOPSequence]?.Value ?? []) {
        const sopUid = getString(sop as DicomJson, Tag.ReferencedSOPInstanceUID);
        if (seriesUid && sopUid) seriesOf.set(sopUid, seriesUid);
      }
    }
  }
  const titleCode = getItem(kos, Tag.ConceptNameCodeSequence);
  const title = (Object.keys(KOS_TITLES) as KeyImageTitle[]).find(
    (t) => KOS_TITLES[t].value === getString(titleCode, Tag.CodeValue) && getString(titleCode, Tag.CodingSchemeDesignator) === 'DCM',
  );
  let observer = '';
  const frames: ReadKeyObjectSelection['frames'] = [];
  for (const raw of kos[Tag.ContentSequence]?.Value ?? []) {
    const item = raw as DicomJson;
    const type = getString(item, Tag.ValueType);
    if (type === 'PNAME' && getString(getItem(item, Tag.ConceptNameCodeSequence), Tag.CodeValue) === PERSON_OBSERVER_NAME.value) {
      const name = item[Tag.PersonName]?.Value?.[0] as { Alphabetic?: string } | undefined;
      observer = name?.Alphabetic ?? observer;
    }
    if (type !== 'IMAGE') continue;
    const sop = getItem(item, Tag.ReferencedSOPSequence);
    const sopInstanceUid = getString(sop, Tag.ReferencedSOPInstanceUID);
    const sopClassUid = getString(sop, Tag.ReferencedSOPClassUID);
    const seriesInstanceUid = sopInstanceUid && seriesOf.get(sopInstanceUid);
    if (!sopInstanceUid || !sopClassUid || !seriesInstanceUid) continue;
    const numbers = (sop?.[Tag.ReferencedFrameNumber]?.Value ?? []).map(Number).filter((n) => Number.isInteger(n) && n >= 1);
    for (const frame of numbers.length > 0 ? numbers : [1]) frames.push({ seriesInstanceUid, sopClassUid, sopInstanceUid, frame });
  }
  return { title, observer, frames };
}

/** Instance Number of a stored KOS (to number the next version after it). */
export function instanceNumberOf(kos: DicomJson): number {
  return getNumber(kos, Tag.InstanceNumber) ?? 0;
}
