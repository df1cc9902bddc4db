/**
 * Store Instances (STOW-RS, PS3.18 10.5) from the browser: one multipart/related request per
 * call, with each file's outcome read back from the archive's DICOM JSON answer.
 * https://dicom.nema.org/medical/dicom/current/output/chtml/part18/sect_10.5.html
 */
import type { DicomJson } from '../../../shared/dicom/dicom-json';
import { DICOM_JSON, parseMediaType } from '../../../shared/dicomweb/media-types';
import { decodeStowResponse, type StowResponse } from '../../../shared/dicomweb/stow-outcome';
import { csrfHeaders } from '../app/session';
import { ArchiveError, DICOMWEB_ROOT, archiveErrorOfText } from './base';
import { inspectPart10 } from './inspect-part10';
import { postWithProgress, type PostOptions } from './post-with-progress';
import { stowBody } from './stow-body';

export interface FileToStore {
  /** Shown to the user; the path inside a dropped folder. */
  name: string;
  bytes: ArrayBuffer;
}

/**
 * - stored / duplicate: in the archive (duplicate: it was already there, warning B000)
 * - refused: the archive failed it (FailedSOPSequence) or gave no outcome for it
 * - not-dicom: no "DICM" at byte 128, not sent
 * - directory: a DICOMDIR (Media Storage Directory), not sent
 */
export type StoreStatus = 'stored' | 'duplicate' | 'refused' | 'not-dicom' | 'directory';

export interface FileStoreResult {
  name: string;
  size: number;
  status: StoreStatus;
  sopInstanceUid?: string;
  /** From the archive's RetrieveURL of the instance. */
  studyInstanceUid?: string;
  /** FailureReason (0008,1197) of a refused file. */
  failureReason?: number;
  /** The archive's ErrorComment (0000,0902) of a refused file, as text. */
  reason?: string;
}

/** Progress and cancellation of the one request `storeInstances` makes. */
export type StoreOptions = PostOptions;

interface InstanceOutcome {
  sopInstanceUid: string | undefined;
  status: 'stored' | 'duplicate' | 'refused';
  studyInstanceUid?: string;
  failureReason?: number;
  reason?: string;
}

/** The per-instance outcomes of a STOW-RS answer, in the upload's terms. */
function instanceOutcomes({ referenced, failed }: StowResponse): InstanceOutcome[] {
  return [
    ...referenced.map(({ sopInstanceUid, alreadyStored, studyInstanceUid }): InstanceOutcome => ({
      sopInstanceUid,
      status: alreadyStored ? 'duplicate' : 'stored',
      ...(studyInstanceUid ? { studyInstanceUid } : {}),
    })),
    ...failed.map(({ sopInstanceUid, failureReason, errorComment }): InstanceOutcome => ({
      sopInstanceUid,
      status: 'refused',
      ...(failureReason !== undefined ? { failureReason } : {}),
      ...(errorComment ? { reason: errorComment } : {}),
    })),
  ];
}

/**
 * Sends the DICOM files among `files` in one STOW-RS request and returns one result per file,
 * in the order given. Outcomes are matched to files by SOP Instance UID; a file whose UID could
 * not be read (or is not among the outcomes) takes the first outcome left, as the archive
 * answers in part order.
 * Throws `ArchiveError` when the request as a whole fails (archive unreachable, 413, 415…), and
 * `StoreCancelledError` when `options.signal` aborts it.
 */
export async function storeInstances(files: readonly FileToStore[], options: StoreOptions = {}): Promise<FileStoreResult[]> {
  const results: FileStoreResult[] = [];
  const toSend: { index: number; sopInstanceUid: string | undefined }[] = [];
  files.forEach((file, index) => {
    const inspected = inspectPart10(file.bytes);
    results.push({ name: file.name, size: file.bytes.byteLength, status: inspected.kind === 'instance' ? 'refused' : inspected.kind });
    if (inspected.kind === 'instance') toSend.push({ index, sopInstanceUid: inspected.sopInstanceUid });
  });
  if (toSend.length === 0) return results;

  const { outcomes, comment } = await postStow(
    toSend.map(({ index }) => files[index]!.bytes),
    options,
  );
  const unused = new Set(outcomes);
  const take = (outcome: InstanceOutcome | undefined) => (outcome ? (unused.delete(outcome), outcome) : undefined);
  const matched = toSend.map(({ sopInstanceUid }) =>
    sopInstanceUid ? take([...unused].find((o) => o.sopInstanceUid === sopInstanceUid)) : undefined,
  );
  toSend.forEach(({ index, sopInstanceUid }, n) => {
    const outcome = matched[n] ?? take(unused.values().next().value);
    const result = results[index]!;
    if (sopInstanceUid) result.sopInstanceUid = sopInstanceUid;
    if (!outcome) {
      // No outcome of its own: the request was cut short (the answer's comment says why).
      if (comment) result.reason = comment;
      return;
    }
    result.status = outcome.status;
    if (outcome.studyInstanceUid) result.studyInstanceUid = outcome.studyInstanceUid;
    if (outcome.failureReason !== undefined) result.failureReason = outcome.failureReason;
    if (outcome.reason) result.reason = outcome.reason;
  });
  return results;
}

async function postStow(
  parts: ArrayBuffer[],
  options: StoreOptions,
): Promise<{ outcomes: InstanceOutcome[]; comment: string | undefined }> {
  const { body, contentType } = stowBody(parts);
  const res = await postWithProgress(
    `${DICOMWEB_ROOT}/studies`,
    body,
    { 'Content-Type': contentType, Accept: DICOM_JSON, ...csrfHeaders() },
    options,
  );
  // 200/202/409 (and a 400/413 cut short after some instances) carry per-instance outcomes.
  if (parseMediaType(res.contentType)?.type === DICOM_JSON) {
    const answer = decodeStowResponse(JSON.parse(res.body) as DicomJson);
    const outcomes = instanceOutcomes(answer);
    const comment = answer.errorComment;
    if (outcomes.length > 0 || isOk(res.status)) return { outcomes, comment };
    throw new ArchiveError(comment ?? `${res.status} ${res.statusText}`, res.status);
  }
  throw archiveErrorOfText(res.status, res.statusText, res.body);
}

const isOk = (status: number) => status >= 200 && status < 300;
