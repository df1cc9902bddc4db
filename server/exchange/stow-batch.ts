import { STATUS_CODES } from 'node:http';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { closeDelimiter, newBoundary, partHeader } from '../../shared/dicomweb/multipart';
import { decodeStowResponse } from '../../shared/dicomweb/stow-outcome';
import { failureReasonText } from './failure-reason';
import { header, parseRetryAfter, readAnswer, statusError } from './peer-answer';
import { discardBody, type PeerConnection, type PeerResponse } from './peer-connection';
import type { WireInstance } from './send-encoding';
import { PermanentTransferError, RetryableTransferError } from './transfer-work';

/** The largest STOW-RS answer read: a thousand instances' outcomes are well under 1 MB. */
const MAX_ANSWER_BYTES = 16 * 2 ** 20;
/** Re-encoded instances are held whole; they go out in slices so the live rate moves smoothly. */
const SLICE = 64 * 1024;

/** What the peer said about one batch. */
export interface BatchAnswer {
  /** The HTTP status: 200 says every instance was stored (PS3.18 10.5.3), whatever the body. */
  status: number;
  /** 413: the request was too large for the peer (the instances it names before giving up still count). */
  tooLarge: boolean;
  /** SOP Instance UIDs in the ReferencedSOPSequence. */
  referenced: Set<string>;
  /** SOP Instance UIDs in the FailedSOPSequence, with the FailureReason and a readable text. */
  failed: Map<string, { code: number | undefined; text: string }>;
}

export interface BatchResult {
  answer: BatchAnswer;
  /** Bytes of each instance's part on the wire (its delimiter and headers included). */
  wireBytes: Map<string, number>;
  /** From the first byte sent to the end of the answer. */
  ms: number;
}

/**
 * One STOW-RS request (PS3.18 10.5) of a batch: `POST {base}/studies/{study}` with
 * `multipart/related; type="application/dicom"`, each part read from storage (or re-encoded,
 * one instance ahead of the one being sent) only when its turn comes, so a batch is never held in
 * memory. The answer's per-instance outcomes come back as data (200, 202, 409, and a 400 that
 * names instances); the other statuses become the queue's errors: 401/403 and 404/405 permanent,
 * 408, 429, 5xx retryable, 413 a smaller batch, 400/415 for the whole request permanent with the
 * peer's words.
 */
export async function stowBatch(
  peer: PeerConnection,
  studyUid: string,
  parts: ReadonlyArray<() => Promise<WireInstance>>,
  signal: AbortSignal,
  onBytes: (bytes: number) => void,
): Promise<BatchResult> {
  const boundary = newBoundary();
  const wireBytes = new Map<string, number>();
  const started = performance.now();

  async function* body(): AsyncGenerator<Uint8Array> {
    let next: Promise<WireInstance> | undefined = ahead(parts[0]);
    for (let k = 0; k < parts.length; k++) {
      const current: WireInstance = await next!;
      next = ahead(parts[k + 1]);
      let count = 0;
      const emit = (chunk: Uint8Array) => {
        count += chunk.length;
        onBytes(chunk.length);
        return chunk;
      };
      yield emit(Buffer.from(partHeader(boundary, { 'Content-Type': 'application/dicom' }, k === 0), 'latin1'));
      for await (const chunk of await current.open()) {
        for (let at = 0; at < chunk.length; at += SLICE) yield emit(chunk.subarray(at, at + SLICE));
      }
      wireBytes.set(current.sopUid, count);
    }
    yield Buffer.from(closeDelimiter(boundary), 'latin1');
  }

  const response = await peer.request({
    method: 'POST',
    path: `/studies/${studyUid}`,
    headers: {
      'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
      accept: 'application/dicom+json, application/json;q=0.9',
    },
    body: body(),
    signal,
  });
  const { status } = response;
  const where = `POST ${peer.url(`/studies/${studyUid}`).pathname}`;

  if (status === 200 || status === 202 || status === 409 || status === 400 || status === 413) {
    // A 413 may list the instances stored before the limit was reached (this archive does), or be no DICOM JSON at all.
    const text =
      status === 413 && !isJson(header(response, 'content-type')) ? (discardBody(response.body), '') : await answerText(response);
    const answer = outcomesOf(text, status);
    const named = answer.referenced.size + answer.failed.size;
    if (status !== 400 || named > 0) return { answer, wireBytes, ms: performance.now() - started };
    throw new PermanentTransferError(`the peer refused the request (400 Bad Request to ${where})${excerpt(text)}`);
  }
  if (status === 401 || status === 403) {
    discardBody(response.body);
    throw new PermanentTransferError(`the peer refused our credentials (${status})`);
  }
  if (status === 404 || status === 405) {
    discardBody(response.body);
    throw new PermanentTransferError(`the peer is not a DICOMweb STOW-RS endpoint (${status} ${STATUS_CODES[status]} to ${where})`);
  }
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(header(response, 'retry-after'));
    discardBody(response.body);
    throw new RetryableTransferError(`the peer answered ${status} ${STATUS_CODES[status] ?? ''} to ${where}`.trim(), retryAfterMs);
  }
  throw new PermanentTransferError((await statusError(response, where)).message);
}

async function answerText(response: PeerResponse): Promise<string> {
  return (await readAnswer(response, MAX_ANSWER_BYTES)).toString('utf8');
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/(dicom\+)?json\b/i.test(contentType.trim());
}

/** Starts preparing a part now (the one after the part being sent), without an unhandled rejection meanwhile. */
function ahead(part: (() => Promise<WireInstance>) | undefined): Promise<WireInstance> | undefined {
  if (!part) return undefined;
  const promise = part();
  promise.catch(() => undefined);
  return promise;
}

/** The STOW-RS answer data set (an object; a few archives wrap it in an array); nothing named when unreadable. */
function outcomesOf(text: string, status: number): BatchAnswer {
  const referenced = new Set<string>();
  const failed = new Map<string, { code: number | undefined; text: string }>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { status, tooLarge: status === 413, referenced, failed };
  }
  const dataset = Array.isArray(parsed) ? (parsed[0] as unknown) : parsed;
  if (typeof dataset !== 'object' || dataset === null) return { status, tooLarge: status === 413, referenced, failed };
  let decoded;
  try {
    decoded = decodeStowResponse(dataset as DicomJson);
  } catch {
    return { status, tooLarge: status === 413, referenced, failed };
  }
  for (const item of decoded.referenced) if (item.sopInstanceUid) referenced.add(item.sopInstanceUid);
  for (const item of decoded.failed) {
    if (item.sopInstanceUid && !referenced.has(item.sopInstanceUid))
      failed.set(item.sopInstanceUid, { code: item.failureReason, text: failureReasonText(item.failureReason, item.errorComment) });
  }
  return { status, tooLarge: status === 413, referenced, failed };
}

/** ": <the peer's message>", printable and bounded, or nothing. */
function excerpt(text: string): string {
  const message = /"message"\s*:\s*"([^"]*)"/.exec(text)?.[1] ?? text;
  const printable = message.replace(/[^\p{L}\p{N}\p{P}\p{S}\p{Zs}]+/gu, ' ').trim();
  if (!printable) return '';
  return `: ${printable.length > 200 ? `${printable.slice(0, 200)}…` : printable}`;
}
