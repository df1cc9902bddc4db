import type { Readable } from 'node:stream';
import { isAppError } from '../../shared/errors';
import type { StowInstanceOutcome } from '../../shared/dicomweb/stow-outcome';
import { boundaryFromContentType, readMultipartRelated } from '../http/multipart-reader';
import { receiveInstance, type IngestDeps } from '../ingest/store-instance';
import { header, statusError } from './peer-answer';
import { discardBody, unreachable, type PeerConnection, type PeerResponse } from './peer-connection';

/** Instances as the peer stores them (PS3.18 8.7.3.5.2): no re-encoding on either side. */
const AS_STORED = 'multipart/related; type="application/dicom"; transfer-syntax=*';
/** For a peer that cannot send as stored (406): its default, Explicit VR Little Endian. */
const DEFAULT_SYNTAX = 'multipart/related; type="application/dicom"';
/** Preamble, headers, delimiters and epilogue of an answer: anything more outside its parts is garbage. */
const MAX_BYTES_OUTSIDE_PARTS = 1024 * 1024;
/** Received instances waiting for their storage flush and index write (as STOW-RS bounds them). */
const MAX_PENDING_COMPLETIONS = 16;

export interface RetrieveContext {
  peer: PeerConnection;
  studyUid: string;
  ingest: IngestDeps;
  /** The routing rules' source of what is stored. */
  source: string;
  maxInstanceBytes: number;
  signal: AbortSignal;
  /** An asked instance is stored here (or already was, identical); `bytes` came over the link for it. */
  onStored(sopUid: string, bytes: number): void;
  /** Our ingest refused an asked instance (the peer's copy is invalid, or differs from ours). */
  onRefused(sopUid: string, reason: string): void;
  /** Bytes of the answer as they arrive, for the live rate. */
  onBytes(bytes: number): void;
}

/** Why an answer did not bring every instance asked: `too-large` is final, the others are worth one more try. */
export type RetrieveProblem = { kind: 'too-large' | 'garbled' | 'unexpected' | 'absent'; message: string };

export interface RetrieveResult {
  /** Asked instances neither stored nor refused. */
  missing: string[];
  /** Why they are missing (set when `missing` is not empty). */
  problem: RetrieveProblem | undefined;
}

/**
 * One Retrieve Instances request (WADO-RS, PS3.18 10.4) to the peer, as stored, with its
 * multipart/related answer read as it arrives and each part fed into our ingest path
 * (store-instance.ts), which stores, validates and indexes it as for STOW-RS. The answer is
 * untrusted: each part at most `maxInstanceBytes` (then the answer is cut), at most 1 MiB outside
 * its parts, every instance of the job's study and one of those asked. Memory holds a chunk or
 * two of the answer, never an instance. Throws a PeerStatusError for 401/403/429/5xx and a
 * PeerUnreachableError when the link fails; anything else wrong with the answer is a problem of
 * the instances it should have brought.
 */
export async function retrieveInto(ctx: RetrieveContext, path: string, what: string, asked: ReadonlySet<string>): Promise<RetrieveResult> {
  const missing = new Set(asked);
  const result = (problem: RetrieveProblem | undefined): RetrieveResult => ({
    missing: [...missing],
    problem: missing.size > 0 ? (problem ?? { kind: 'absent', message: `the peer's answer to ${what} did not include it` }) : undefined,
  });
  let response = await request(ctx, path, AS_STORED);
  if (response.status === 406) {
    discardBody(response.body);
    response = await request(ctx, path, DEFAULT_SYNTAX);
  }
  if (response.status !== 200) {
    const error = await statusError(response, what);
    if (error.refusedCredentials || error.retryable) throw error;
    return result({ kind: 'garbled', message: error.message });
  }
  let boundary: string;
  try {
    boundary = boundaryFromContentType(header(response, 'content-type'), 'application/dicom');
  } catch (error) {
    discardBody(response.body);
    const type = header(response, 'content-type')?.split(';')[0]?.trim().slice(0, 60) || 'no Content-Type';
    return result({
      kind: 'garbled',
      message: `the peer answered ${what} with ${type}, not multipart/related of application/dicom (${(error as Error).message})`,
    });
  }

  const counter = { total: 0, inParts: 0 };
  const pending = new Set<Promise<void>>();
  let unexpected: string | undefined;
  let problem: RetrieveProblem | undefined;
  let fatal: unknown;
  const settle = (outcome: StowInstanceOutcome, size: number) => {
    const sop = outcome.sopInstanceUid;
    if (sop === undefined || !missing.has(sop)) {
      // Not asked, a second copy of one already settled, or unreadable: nothing of the job changes.
      if (!outcome.ok) unexpected ??= outcome.message;
      return;
    }
    missing.delete(sop);
    if (outcome.ok) ctx.onStored(sop, size);
    else ctx.onRefused(sop, `our archive refused the peer's copy: ${outcome.message}`);
  };
  try {
    for await (const part of readMultipartRelated(counted(response.body, counter, what), boundary)) {
      const body = limited(part.body, counter, ctx);
      const received = await receiveInstance(body, { studyUid: ctx.studyUid, sopUids: asked }, ctx.ingest, ctx.source);
      const done: Promise<void> = received
        .complete()
        .then((outcome) => settle(outcome, received.size))
        .catch((error: unknown) => ctx.ingest.log('fetch: an instance could not be completed', error))
        .finally(() => pending.delete(done));
      pending.add(done);
      while (pending.size >= MAX_PENDING_COMPLETIONS) await Promise.race(pending);
    }
  } catch (error) {
    if (error instanceof InstanceTooLarge)
      problem = { kind: 'too-large', message: `the instance is larger than ${mib(ctx.maxInstanceBytes)} (PACS_FETCH_MAX_INSTANCE_MB)` };
    else if (error instanceof GarbledAnswer) problem = { kind: 'garbled', message: error.message };
    else if (isAppError(error) && error.code === 'MALFORMED_MULTIPART')
      problem = { kind: 'garbled', message: `the peer's answer to ${what} is not valid multipart: ${error.message}` };
    else fatal = error;
  } finally {
    discardBody(response.body);
  }
  await Promise.all(pending);
  if (fatal !== undefined) throw fatal;
  return result(problem ?? (unexpected ? { kind: 'unexpected', message: `the peer sent something else: ${unexpected}` } : undefined));
}

function request(ctx: RetrieveContext, path: string, accept: string): Promise<PeerResponse> {
  return ctx.peer.request({ method: 'GET', path, headers: { accept }, signal: ctx.signal });
}

class InstanceTooLarge extends Error {}
class GarbledAnswer extends Error {}

/** The answer's chunks, counted; a link failure becomes a PeerUnreachableError, and too much outside the parts garbage. */
async function* counted(body: Readable, counter: { total: number; inParts: number }, what: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      counter.total += chunk.length;
      if (counter.total - counter.inParts > MAX_BYTES_OUTSIDE_PARTS)
        throw new GarbledAnswer(`more than ${mib(MAX_BYTES_OUTSIDE_PARTS)} of the peer's answer to ${what} lies outside its parts`);
      yield chunk;
    }
  } catch (error) {
    throw unreachable(error, `reading the answer to ${what}`);
  }
}

/** One part's bytes, cut (InstanceTooLarge) once past the instance limit. */
async function* limited(body: AsyncIterable<Buffer>, counter: { inParts: number }, ctx: RetrieveContext): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    counter.inParts += chunk.length;
    if (size > ctx.maxInstanceBytes) throw new InstanceTooLarge();
    ctx.onBytes(chunk.length);
    yield chunk;
  }
}

function mib(bytes: number): string {
  return `${Math.round((bytes / 2 ** 20) * 10) / 10} MiB`;
}
