/**
 * STOW-RS per-instance outcomes, the response status rule and the answer data set both ways
 * (PS3.18 10.5.3): the archive encodes it, the viewer's upload decodes it.
 * Partial success is data, not an exception (STYLE.md rule 3).
 * https://dicom.nema.org/medical/dicom/current/output/chtml/part18/sect_10.5.3.html
 */
import { getNumber, getString, type DicomJson } from '../dicom/dicom-json';
import { Tag } from '../dicom/tags';
import { instancePath, resourceUidsOf, studyPath } from './paths';

/** FailureReason (0008,1197) values this archive sends: the Storage Service statuses (PS3.4 Table B.2-1). */
export const FailureReason = {
  /** A7xx Refused: out of resources (object storage unavailable or full). */
  OutOfResources: 0xa700,
  /** A9xx Error: data set does not match the request (e.g. a different study than the URL names). */
  DataSetDoesNotMatch: 0xa900,
  /** Cxxx Error: cannot understand (not Part 10, missing or invalid required UIDs). */
  CannotUnderstand: 0xc000,
  /** 0110 Processing failure. */
  ProcessingFailure: 0x0110,
  /** 0111 Duplicate SOP Instance: the UID is stored with different content. */
  DuplicateSopInstance: 0x0111,
} as const;

/** WarningReason (0008,1196) values this archive sends (PS3.4 Table B.2-1). */
export const WarningReason = {
  /** B000, of the "coercion of data elements" class: sent for an identical instance that was already stored. */
  AlreadyStored: 0xb000,
} as const;

export type StowInstanceOutcome =
  | {
      ok: true;
      sopClassUid: string;
      sopInstanceUid: string;
      studyInstanceUid: string;
      seriesInstanceUid: string;
      /** True when the identical instance was already stored (idempotent success). */
      alreadyStored: boolean;
    }
  | {
      ok: false;
      sopClassUid?: string;
      sopInstanceUid?: string;
      failureReason: number;
      /** Readable, never contains patient data. */
      message: string;
    };

/**
 * 200 when every instance was stored, 202 when some failed, 409 when none was stored,
 * 400 when the request carried no instance at all.
 */
export function stowResponseStatus(outcomes: readonly StowInstanceOutcome[]): 200 | 202 | 400 | 409 {
  if (outcomes.length === 0) return 400;
  const stored = outcomes.filter((o) => o.ok).length;
  if (stored === outcomes.length) return 200;
  return stored === 0 ? 409 : 202;
}

export interface StowResponseOptions {
  /** The DICOMweb service root the RetrieveURLs start with (no trailing slash). */
  base: string;
  /** The study of the request URL (`POST /studies/{study}`), if any. */
  studyUid?: string | undefined;
  /** ErrorComment (0000,0902) of the whole request: why it was cut short. */
  errorComment?: string | undefined;
}

/**
 * The answer data set (PS3.18 Table 10.5.3-1): the study's RetrieveURL (the one of the request
 * URL, else the one study stored), the ReferencedSOPSequence of stored instances and the
 * FailedSOPSequence of refused ones, each failure with its FailureReason and a readable
 * ErrorComment (never patient data).
 */
export function encodeStowResponse(outcomes: readonly StowInstanceOutcome[], options: StowResponseOptions): DicomJson {
  const { base } = options;
  const referenced: DicomJson[] = [];
  const failed: DicomJson[] = [];
  const studies = new Set<string>();
  for (const outcome of outcomes) {
    if (outcome.ok) {
      studies.add(outcome.studyInstanceUid);
      const path = instancePath(outcome.studyInstanceUid, outcome.seriesInstanceUid, outcome.sopInstanceUid);
      const item: DicomJson = {
        [Tag.ReferencedSOPClassUID]: { vr: 'UI', Value: [outcome.sopClassUid] },
        [Tag.ReferencedSOPInstanceUID]: { vr: 'UI', Value: [outcome.sopInstanceUid] },
        [Tag.RetrieveURL]: { vr: 'UR', Value: [`${base}/${path}`] },
      };
      if (outcome.alreadyStored) item[Tag.WarningReason] = { vr: 'US', Value: [WarningReason.AlreadyStored] };
      referenced.push(item);
    } else {
      failed.push({
        [Tag.ReferencedSOPClassUID]: outcome.sopClassUid ? { vr: 'UI', Value: [outcome.sopClassUid] } : { vr: 'UI' },
        [Tag.ReferencedSOPInstanceUID]: outcome.sopInstanceUid ? { vr: 'UI', Value: [outcome.sopInstanceUid] } : { vr: 'UI' },
        [Tag.FailureReason]: { vr: 'US', Value: [outcome.failureReason] },
        [Tag.ErrorComment]: { vr: 'LO', Value: [outcome.message] },
      });
    }
  }
  const body: DicomJson = {};
  const retrieveStudy = options.studyUid ?? (studies.size === 1 ? [...studies][0] : undefined);
  if (retrieveStudy !== undefined) body[Tag.RetrieveURL] = { vr: 'UR', Value: [`${base}/${studyPath(retrieveStudy)}`] };
  if (failed.length > 0) body[Tag.FailedSOPSequence] = { vr: 'SQ', Value: failed };
  if (referenced.length > 0) body[Tag.ReferencedSOPSequence] = { vr: 'SQ', Value: referenced };
  if (options.errorComment !== undefined) body[Tag.ErrorComment] = { vr: 'LO', Value: [options.errorComment] };
  return body;
}

/** A ReferencedSOPSequence item as read back; the UIDs of the RetrieveURL when it has one. */
export interface StowReferenced {
  sopClassUid?: string;
  sopInstanceUid?: string;
  retrieveUrl?: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  warningReason?: number;
  /** WarningReason B000 from this archive: the identical instance was already stored. */
  alreadyStored: boolean;
}

/** A FailedSOPSequence item as read back. */
export interface StowFailed {
  sopClassUid?: string;
  sopInstanceUid?: string;
  failureReason?: number;
  errorComment?: string;
}

export interface StowResponse {
  /** ErrorComment (0000,0902) of the whole answer, if any. */
  errorComment?: string;
  referenced: StowReferenced[];
  failed: StowFailed[];
}

/** Reads a STOW-RS answer data set, any archive's: every attribute may be missing. */
export function decodeStowResponse(body: DicomJson): StowResponse {
  const items = (tag: string) => (body[tag]?.Value ?? []) as DicomJson[];
  const errorComment = getString(body, Tag.ErrorComment);
  return {
    ...(errorComment !== undefined && { errorComment }),
    referenced: items(Tag.ReferencedSOPSequence).map((item): StowReferenced => {
      const retrieveUrl = getString(item, Tag.RetrieveURL);
      const { study, series } = resourceUidsOf(retrieveUrl ?? '');
      const warningReason = getNumber(item, Tag.WarningReason);
      return {
        ...common(item),
        ...(retrieveUrl !== undefined && { retrieveUrl }),
        ...(study !== undefined && { studyInstanceUid: study }),
        ...(series !== undefined && { seriesInstanceUid: series }),
        ...(warningReason !== undefined && { warningReason }),
        alreadyStored: warningReason === WarningReason.AlreadyStored,
      };
    }),
    failed: items(Tag.FailedSOPSequence).map((item): StowFailed => {
      const failureReason = getNumber(item, Tag.FailureReason);
      const comment = getString(item, Tag.ErrorComment);
      return {
        ...common(item),
        ...(failureReason !== undefined && { failureReason }),
        ...(comment !== undefined && { errorComment: comment }),
      };
    }),
  };
}

function common(item: DicomJson): { sopClassUid?: string; sopInstanceUid?: string } {
  const sopClassUid = getString(item, Tag.ReferencedSOPClassUID);
  const sopInstanceUid = getString(item, Tag.ReferencedSOPInstanceUID);
  return { ...(sopClassUid !== undefined && { sopClassUid }), ...(sopInstanceUid !== undefined && { sopInstanceUid }) };
}
