import type { Request, Response } from 'express';
import { AppError, isAppError } from '../../shared/errors';
import { DICOM_JSON, parseMediaType } from '../../shared/dicomweb/media-types';
import { FailureReason, encodeStowResponse, stowResponseStatus, type StowInstanceOutcome } from '../../shared/dicomweb/stow-outcome';
import { drainRequest } from '../http/drain-request';
import { boundaryFromContentType, readMultipartRelated } from '../http/multipart-reader';
import { receiveInstance, type IngestDeps } from '../ingest/store-instance';
import { principalLabel, principalOf } from '../auth/principal';

export interface StowDeps extends IngestDeps {
  maxRequestBytes: number;
  dicomWebBase: () => string;
}

/**
 * How many received instances may wait for their storage flush + index write at once, and how
 * many of their bytes: an S3 store holds an instance (up to one part) in memory until its PUT
 * has finished, so the byte cap is what bounds memory there.
 */
const MAX_PENDING_COMPLETIONS = 16;
const MAX_PENDING_BYTES = 64 * 1024 * 1024;

/**
 * Store Instances (STOW-RS, PS3.18 10.5): `POST /studies[/{study}]` with
 * `multipart/related; type="application/dicom"`. Parts are stored as they arrive; the answer
 * lists every instance as referenced or failed, with 200 / 202 / 409 (PS3.18 10.5.3).
 */
export function storeInstances(deps: StowDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const studyUid = req.params.study as string | undefined;
    const boundary = boundaryFromContentType(req.headers['content-type'], 'application/dicom');
    const declaredLength = Number(req.headers['content-length'] ?? 0);
    if (deps.maxRequestBytes > 0 && declaredLength > deps.maxRequestBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `The request body is ${declaredLength} bytes; the limit is ${deps.maxRequestBytes}.`);
    }
    // Under the free-space floor: refused before a byte is read, and the sender may retry later.
    const full = deps.refuseNew?.();
    if (full !== undefined) throw new AppError('STORAGE_FULL', full, { retryAfterSeconds: 60 });

    // The routing rules' "source": the account (password or API token) that stores.
    const source = principalLabel(principalOf(res)).id;
    const outcomes: StowInstanceOutcome[] = [];
    const pending = new Set<Promise<void>>();
    let pendingBytes = 0;
    let requestError: unknown;
    try {
      for await (const part of readMultipartRelated(limitBody(req, deps.maxRequestBytes), boundary)) {
        const partType = part.headers['content-type'];
        const mediaType = partType === undefined ? 'application/dicom' : parseMediaType(partType)?.type;
        if (mediaType !== 'application/dicom') {
          for await (const _ of part.body); // skip this part's bytes
          outcomes.push({
            ok: false,
            failureReason: FailureReason.CannotUnderstand,
            message: `A part has media type "${partType}"; only application/dicom is accepted.`,
          });
          continue;
        }
        const { size, complete } = await receiveInstance(part.body, studyUid, deps, source);
        const slot = outcomes.push({ ok: false, failureReason: FailureReason.ProcessingFailure, message: 'not completed' }) - 1;
        const done: Promise<void> = complete()
          .catch((error: unknown): StowInstanceOutcome => {
            deps.log('STOW-RS: an instance could not be completed', error);
            return { ok: false, failureReason: FailureReason.ProcessingFailure, message: 'The instance could not be stored.' };
          })
          .then((outcome) => {
            outcomes[slot] = outcome;
            pending.delete(done);
            pendingBytes -= size;
          });
        pending.add(done);
        pendingBytes += size;
        while (pending.size > 0 && (pending.size >= MAX_PENDING_COMPLETIONS || pendingBytes > MAX_PENDING_BYTES))
          await Promise.race(pending);
      }
    } catch (error) {
      requestError = error;
    }
    await Promise.all(pending);
    if (requestError !== undefined) {
      if (req.destroyed && !isAppError(requestError)) return; // the client went away: nobody to answer
      if (outcomes.length === 0 || !isAppError(requestError)) throw requestError;
    }

    const base = deps.dicomWebBase();
    // The audit trail records one store event per study touched (server/dicomweb/access-guard.ts).
    res.locals.auditStudyUids = [...new Set(outcomes.flatMap((o) => (o.ok ? [o.studyInstanceUid] : [])))];
    // The request broke after some instances were complete: they stay stored and are listed,
    // under the status of what went wrong (400 unparseable, 413 too large).
    const broken = requestError as AppError | undefined;
    const body = encodeStowResponse(outcomes, { base, studyUid, errorComment: broken?.message });
    const status = broken ? broken.status : stowResponseStatus(outcomes);
    // The rest of the body is read and dropped (within bounds) so that this answer reaches the
    // client, then the connection is closed: it cannot carry another request.
    if (!req.complete) {
      await drainRequest(req);
      res.setHeader('Connection', 'close');
    }
    res.status(status).type(DICOM_JSON).send(JSON.stringify(body));
  };
}

/** Passes the request through, failing with 413 once more than `max` bytes arrived (0 = no limit). */
async function* limitBody(req: Request, max: number): AsyncGenerator<Buffer> {
  let total = 0;
  // Not destroyed when the limit stops the reading: the rest is drained before the answer (drain-request.ts).
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (max > 0 && total > max) throw new AppError('PAYLOAD_TOO_LARGE', `The request body exceeds the limit of ${max} bytes.`);
    yield chunk;
  }
}
