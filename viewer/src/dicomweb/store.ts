/**
 * Store Instances (STOW-RS, PS3.18 10.5) from the browser: one multipart/related request per
 * call, with each file's outcome read back from the archive's DICOM JSON answer.
 * https://dicom.nema.org/medical/dicom/current/output/chtml/part18/sect_10.5.html
 */
import { parseDicom } from 'dicom-parser';
import { getString, type DicomJson } from '../../../shared/dicom/dicom-json';
import { Tag } from '../../../shared/dicom/tags';
import { closeDelimiter, newBoundary, partHeader } from '../../../shared/dicomweb/multipart';
import { decodeStowResponse, type StowResponse } from '../../../shared/dicomweb/stow-outcome';
import { DICOM, DICOM_JSON, formatMediaType, parseMediaType } from '../../../shared/dicomweb/media-types';
import { ArchiveError, DICOMWEB_ROOT, archiveErrorOfText, archiveUnreachable, fetchOk } from './base';
import { csrfHeaders } from '../app/session';

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

const MEDIA_STORAGE_DIRECTORY = '1.2.840.10008.1.3.10';

type Inspected = { kind: 'not-dicom' } | { kind: 'directory' } | { kind: 'instance'; sopInstanceUid: string | undefined };

/**
 * Looks at a file before sending it. A Part 10 file that dicom-parser cannot read (truncated,
 * deflated) is still sent: the archive is the judge, and says why it refuses it.
 */
export function inspectPart10(bytes: ArrayBuffer): Inspected {
  const view = new Uint8Array(bytes);
  if (view.length < 132 || String.fromCharCode(view[128]!, view[129]!, view[130]!, view[131]!) !== 'DICM') return { kind: 'not-dicom' };
  try {
    const dataSet = parseDicom(view, { untilTag: 'x00080018' });
    if (dataSet.string('x00020002')?.trim() === MEDIA_STORAGE_DIRECTORY) return { kind: 'directory' };
    return { kind: 'instance', sopInstanceUid: dataSet.string('x00080018')?.trim() || undefined };
  } catch {
    return { kind: 'instance', sopInstanceUid: undefined };
  }
}

/** The request body as a Blob of parts (the file bytes are referenced, never copied into a string). */
export function stowBody(files: readonly ArrayBuffer[]): { body: Blob; contentType: string } {
  const boundary = newBoundary();
  const parts: BlobPart[] = [];
  files.forEach((bytes, n) => parts.push(partHeader(boundary, { 'Content-Type': DICOM }, n === 0), bytes));
  parts.push(closeDelimiter(boundary));
  return {
    body: new Blob(parts),
    contentType: formatMediaType('multipart/related', { type: DICOM, boundary }),
  };
}

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

export interface StoreOptions {
  /** Called as the request body goes out: bytes sent so far of `total` (the whole multipart body). */
  onProgress?: (sent: number, total: number) => void;
  /** Aborts the request in flight. Parts the archive had fully received before may be stored. */
  signal?: AbortSignal;
}

/** The request was aborted through `StoreOptions.signal`; what reached the archive is unknown. */
export class StoreCancelledError extends Error {
  constructor() {
    super('The upload was cancelled.');
    this.name = 'StoreCancelledError';
  }
}

interface TextAnswer {
  status: number;
  statusText: string;
  contentType: string;
  body: string;
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

/**
 * A POST through XMLHttpRequest, because `fetch` reports no upload progress: on a slow link a
 * 20 MiB batch would otherwise show no movement until its answer.
 */
function postWithProgress(url: string, body: Blob, headers: Record<string, string>, options: StoreOptions): Promise<TextAnswer> {
  const { onProgress, signal } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new StoreCancelledError());
      return;
    }
    const xhr = new XMLHttpRequest();
    const abort = () => xhr.abort();
    const settle = () => signal?.removeEventListener('abort', abort);
    xhr.open('POST', url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.responseType = 'text';
    if (onProgress) xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : body.size);
    xhr.onload = () => {
      settle();
      resolve({
        status: xhr.status,
        statusText: xhr.statusText,
        contentType: xhr.getResponseHeader('Content-Type') ?? '',
        body: xhr.responseText,
      });
    };
    xhr.onerror = () => {
      settle();
      reject(archiveUnreachable('network error'));
    };
    xhr.onabort = () => {
      settle();
      reject(new StoreCancelledError());
    };
    signal?.addEventListener('abort', abort, { once: true });
    xhr.send(body);
  });
}

/**
 * Which of these SOP Instance UIDs the archive holds, with their Study Instance UID (Search for
 * Instances, PS3.18 10.6, with a UID list): what an aborted request had stored after all.
 */
export async function findStoredInstances(sopInstanceUids: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (sopInstanceUids.length === 0) return found;
  const query = new URLSearchParams({
    SOPInstanceUID: sopInstanceUids.join(','),
    includefield: 'StudyInstanceUID',
    limit: String(sopInstanceUids.length),
  });
  const res = await fetchOk(`${DICOMWEB_ROOT}/instances?${query}`, { headers: { Accept: DICOM_JSON } });
  for (const ds of (await res.json()) as DicomJson[]) {
    const sop = getString(ds, Tag.SOPInstanceUID);
    const study = getString(ds, Tag.StudyInstanceUID);
    if (sop && study) found.set(sop, study);
  }
  return found;
}
