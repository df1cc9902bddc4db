import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Request, Response } from 'express';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { anonymizedInstance } from '../sharing/anonymized-instance';
import { shareViewOf, type ShareView } from '../sharing/share-view';
import { EXPLICIT_VR_LITTLE_ENDIAN, transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import { AppError } from '../../shared/errors';
import { multipartPartsOf, parseAccept } from '../../shared/dicomweb/media-types';
import { instancePath } from '../../shared/dicomweb/paths';
import { MultipartWriter } from '../http/multipart-writer';
import { resourceScope } from './resource-scope';
import { matchesIfNoneMatch } from '../http/cache-policy';
import { sendDicomJson } from '../http/send-json';
import { studyVersionQuery } from '../index/study-version';
import type { IndexedInstance } from '../index/archive-index';
import { resolveBulkDataUris } from '../ingest/bulk-data-uri';
import { LOSSLESS_ENCODINGS, LOSSY_ENCODINGS } from '../codecs/encode-registry';
import { indexedInstance, type StoredInstance } from '../stored/stored-instance';
import type { DerivedFrames } from '../stored/derived-frames';
import type { ObjectCopy } from '../storage/blob-store';
import { planTranscode, transcodeInstance, type TranscodePlan } from '../stored/transcoded-instance';
import { findInstancesInScope, metadataJsonInScope, storedInstancesInScope } from './share-scope';
import type { WadoDeps } from './wado-deps';

function scopeOf(req: Request): [string, string | undefined, string | undefined] {
  const { study, series, instance } = resourceScope(req);
  return [study, series, instance];
}

/**
 * Retrieve Study / Series / Instance (WADO-RS, PS3.18 10.4) as
 * `multipart/related; type="application/dicom"`. Each instance is streamed from storage as
 * stored when the client accepts its transfer syntax (`transfer-syntax=*`, or the stored one
 * named); otherwise it is re-encoded in the syntax named: Explicit VR Little Endian, the default
 * when none is named (PS3.18 8.7.3.5.2), compressed pixel data decoded; or JPEG-LS Lossless,
 * HTJ2K Lossless (RPCL), or, only when named, lossy HTJ2K or JPEG baseline, each frame encoded
 * on the worker pool (stored/transcoded-instance.ts; instances without Pixel Data are written in
 * the syntax named too). With several syntaxes in Accept, each instance gets the first (by q,
 * then order) it can be produced in (PS3.18 8.7.8.2 Note 1: the Selected Transfer Syntax may
 * differ per part). Which instances can be produced is decided before the response starts: when
 * none can, 406; when only some can, those are sent with 206 (Partial Content) and a Warning
 * header per instance left out (PS3.18 10.4.3; "either a Not Acceptable response if no data is
 * returned or a Partial Content response if only some data is returned"). An instance whose
 * stored frames turn out not to decode once its part is made takes the next acceptable syntax,
 * else is left out if it is the first part; past the first part the status is sent, and the
 * transfer is aborted. Re-encoding holds one instance at a time.
 * Negotiate first, then locate by the full UID path, then stream (STYLE.md §2).
 */
export function retrieveInstances(deps: InstancesDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const wanted = negotiateDicom(req.headers.accept);
    // Sent as stored (the first choice is `*` or the stored syntax) needs only the object keys;
    // re-encoding plans with the pixel description too.
    const asStored = findInstancesInScope(deps.index, res, ...scopeOf(req));
    const storedFirst = asStored.every((i) => wanted[0] === '*' || wanted[0] === i.transferSyntax);
    const instances: Array<IndexedInstance | StoredInstance> = storedFirst
      ? asStored
      : storedInstancesInScope(deps.index, res, ...scopeOf(req));
    if (instances.length === 0) throw new AppError('NOT_FOUND', 'No such study, series or instance.');
    // An anonymized share receives every instance de-identified (server/sharing).
    const view = shareViewOf(res)?.anonymized ? shareViewOf(res) : undefined;
    const { plans, leftOut } = planParts(instances, wanted, view);
    // The first part is made before answering, so that a storage, decoding or encoding problem is
    // a clean status: an instance that fails here joins those left out. PS3.18 8.7.3.5 / 10.4.3:
    // 406 when no instance can be produced; 206 with the rest left out when some can.
    let first: OpenedPart | undefined;
    while (!first && plans.length > 0) {
      try {
        first = await openPlanned(deps, plans[0]!);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'NOT_ACCEPTABLE') throw error;
        leftOut.push({ instance: plans.shift()!.instance, error });
      }
    }
    if (!first) throw leftOut[0]!.error;
    const writer = new MultipartWriter(res);
    res.status(leftOut.length > 0 ? 206 : 200);
    if (leftOut.length > 0) res.setHeader('Warning', warningsFor(leftOut, instances.length, view));
    const named: Record<string, string> = wanted.length === 1 ? { 'transfer-syntax': wanted[0]! } : {};
    res.setHeader('Content-Type', writer.contentType('application/dicom', named));
    const base = deps.dicomWebBase();
    // As stored, every part's length is the object's: the answer gets a Content-Length.
    if (plans.every((plan) => !plan.transcode && !plan.view)) {
      const parts = plans.map((plan) => ({ headers: partHeaders(plan, storedPart(plan), base), length: plan.instance.size }));
      res.setHeader('Content-Length', String(writer.bodyLength(parts)));
    }
    let part: OpenedPart | undefined = first;
    try {
      for (const [n, plan] of plans.entries()) {
        part = n === 0 ? first : await openPlanned(deps, plan);
        await writer.writePart(partHeaders(plan, part, base), part.body);
        release(part.body);
        part = undefined;
      }
      await writer.end();
    } catch (error) {
      if (part) release(part.body);
      // Headers are gone: the only honest signal left is an aborted transfer.
      if (!res.destroyed) deps.log('WADO-RS retrieval aborted while streaming', error);
      res.destroy(error instanceof Error ? error : undefined);
    }
  };
}

/** What Retrieve Study / Series / Instance needs: the WADO handlers' deps, and the derived frame cache that encoding shares with Retrieve Frames. */
export type InstancesDeps = WadoDeps & { derived?: DerivedFrames };

/** An instance that cannot be produced in the transfer syntax asked for, and why. */
interface LeftOut {
  instance: IndexedInstance;
  error: AppError;
}

/** Each instance's plan, or why it cannot be produced (NOT_ACCEPTABLE only: anything else still fails the request). */
function planParts(
  instances: ReadonlyArray<IndexedInstance | StoredInstance>,
  wanted: readonly string[],
  view: ShareView | undefined,
): { plans: PartPlan[]; leftOut: LeftOut[] } {
  const plans: PartPlan[] = [];
  const leftOut: LeftOut[] = [];
  for (const row of instances) {
    const instance = 'bulk' in row ? indexedInstance(row) : row;
    let reason: AppError | undefined;
    for (const [n, syntax] of wanted.entries()) {
      try {
        plans.push({ ...planPart(row, instance, syntax, view), row, rest: wanted.slice(n + 1) });
        reason = undefined;
        break;
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'NOT_ACCEPTABLE') throw error;
        reason ??= error;
      }
    }
    if (reason) leftOut.push({ instance, error: reason });
  }
  return { plans, leftOut };
}

/** The transfer syntaxes the archive writes instances in besides the stored one. */
const PRODUCED: readonly string[] = [EXPLICIT_VR_LITTLE_ENDIAN, ...LOSSLESS_ENCODINGS, ...LOSSY_ENCODINGS];
const PRODUCED_NAMES = PRODUCED.map((uid) => `${transferSyntax(uid)?.name ?? uid} (${uid})`).join(', ');

function planPart(row: IndexedInstance | StoredInstance, instance: IndexedInstance, wanted: string, view: ShareView | undefined): PartPlan {
  if (wanted === '*' || wanted === instance.transferSyntax) return { instance, view };
  if (!PRODUCED.includes(wanted) || !('bulk' in row)) {
    const name = transferSyntax(wanted)?.name;
    throw new AppError(
      'NOT_ACCEPTABLE',
      `Transfer syntax ${wanted} was asked for${name ? ` (${name})` : ', a UID the archive does not know as a transfer syntax'}; the archive holds this instance in ${instance.transferSyntax} and makes besides the stored one only ${PRODUCED_NAMES}.`,
    );
  }
  return { instance, view, transcode: planTranscode(row, wanted) };
}

/** Warnings listed one per instance, at most this many (then a count of the rest): a header stays a few KB. */
const MAX_WARNINGS = 20;

/**
 * RFC 7234 5.5 Warning values (code 299, "miscellaneous persistent warning"; no agent name, "-"),
 * the text led by a DICOM status as PS3.18 recommends (B000: sub-operations complete, one or more
 * failures, PS3.4 C.4.3.1.4) and naming each left-out instance by its SOP Instance UID (as presented to a share).
 */
function warningsFor(leftOut: LeftOut[], total: number, view: ShareView | undefined): string[] {
  const text = (t: string) => `299 - "${t.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, "'")}"`;
  const uid = (u: string) => view?.presented(u) ?? u;
  const shown = leftOut
    .slice(0, MAX_WARNINGS)
    .map(({ instance, error }) => text(`B000 ${uid(instance.sopUid)} left out: ${error.message}`));
  const rest = leftOut.length - shown.length;
  const summary = text(`B000 ${leftOut.length} of ${total} instances left out${rest > 0 ? ` (${rest} not listed)` : ''}`);
  return [summary, ...shown];
}

interface PartPlan {
  instance: IndexedInstance;
  transcode?: TranscodePlan;
  /** De-identify for this anonymized share. */
  view?: ShareView | undefined;
  /** What it was planned from, and the syntaxes acceptable after the one planned, to fall back on. */
  row?: IndexedInstance | StoredInstance;
  rest?: readonly string[];
}

interface OpenedPart {
  transferSyntax: string;
  length: number;
  body: Readable | ObjectCopy;
}

/** Releases the object's file or socket, also when the client went away mid-part. */
function release(body: Readable | ObjectCopy): void {
  if (body instanceof Readable) body.destroy();
  else void body.close().catch(() => {});
}

/**
 * The part in its planned syntax, or, when making it fails (a stored frame that does not decode),
 * in the next syntax the client accepts, e.g. as stored for `…, transfer-syntax=*; q=0.5`.
 */
async function openPlanned(deps: InstancesDeps, plan: PartPlan): Promise<OpenedPart> {
  try {
    return await openPart(deps, plan);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'NOT_ACCEPTABLE' || !plan.row || !plan.rest?.length) throw error;
    const next = planParts([plan.row], plan.rest, plan.view).plans[0];
    if (!next) throw error;
    return openPlanned(deps, next);
  }
}

async function openPart(deps: InstancesDeps, plan: PartPlan): Promise<OpenedPart> {
  if (plan.transcode) {
    const bytes = await transcodeInstance(deps, plan.transcode, plan.view?.deidContext());
    return { transferSyntax: plan.transcode.target, length: bytes.length, body: Readable.from([bytes]) };
  }
  if (plan.view) {
    const { bytes, transferSyntax } = await anonymizedInstance(deps, plan.view, plan.instance);
    return { transferSyntax, length: bytes.length, body: Readable.from([bytes]) };
  }
  const key = plan.instance.blobKey;
  return { ...storedPart(plan), body: deps.blobStore.openCopy ? await deps.blobStore.openCopy(key) : await deps.blobStore.get(key) };
}

/** What a part sent as stored says about itself. */
function storedPart({ instance }: PartPlan): Omit<OpenedPart, 'body'> {
  return { transferSyntax: instance.transferSyntax, length: instance.size };
}

function partHeaders({ instance, view }: PartPlan, part: Omit<OpenedPart, 'body'>, base: string): Record<string, string> {
  const uid = (u: string) => view?.presented(u) ?? u;
  return {
    'Content-Type': `application/dicom; transfer-syntax=${part.transferSyntax}`,
    'Content-Length': String(part.length),
    'Content-Location': `${base}/${instancePath(uid(instance.studyUid), uid(instance.seriesUid), uid(instance.sopUid))}`,
  };
}

/**
 * Accept negotiation for DICOM instances: `application/dicom` inside multipart/related; the
 * transfer syntaxes acceptable, most preferred first (`*`: as stored; a range naming none:
 * Explicit VR Little Endian, PS3.18 8.7.3.5.2).
 */
export function negotiateDicom(accept: string | undefined): string[] {
  if (accept === undefined || accept.trim() === '') return [EXPLICIT_VR_LITTLE_ENDIAN];
  const syntaxes: string[] = [];
  for (const range of parseAccept(accept)) {
    if (range.q <= 0) continue;
    let syntax: string | undefined;
    if (range.type === '*/*' || range.type === 'multipart/*') syntax = EXPLICIT_VR_LITTLE_ENDIAN;
    else if (range.type === 'multipart/related') {
      const parts = multipartPartsOf(range);
      if (parts.type !== undefined && parts.type !== 'application/dicom') continue;
      syntax = parts.transferSyntax ?? EXPLICIT_VR_LITTLE_ENDIAN;
    } else continue;
    if (!syntaxes.includes(syntax)) syntaxes.push(syntax);
  }
  if (syntaxes.length === 0)
    throw new AppError('NOT_ACCEPTABLE', 'Instances can be retrieved as multipart/related; type="application/dicom".');
  return syntaxes;
}

/**
 * Retrieve Study / Series / Instance Metadata (PS3.18 10.4.1.1.2, 10.4.3.x): a DICOM JSON array
 * built from the index only, never from the stored objects.
 */
export function retrieveMetadata(deps: WadoDeps) {
  const studyVersion = studyVersionQuery(deps.index.db);
  return (req: Request, res: Response): void => {
    negotiateJson(req.headers.accept);
    const scope = scopeOf(req);
    const base = deps.dicomWebBase();
    // The validator: the study's version, and the base URL that the BulkDataURIs carry.
    const version = studyVersion(scope[0]);
    const etag = version === undefined ? undefined : `W/"${version}.${shortHash(base)}"`;
    // Revalidation answered without building the body (the scope must still exist).
    if (
      etag !== undefined &&
      !shareViewOf(res)?.anonymized &&
      matchesIfNoneMatch(req.headers['if-none-match'], etag) &&
      findInstancesInScope(deps.index, res, ...scope).length > 0
    ) {
      return sendDicomJson(req, res, '', { etag });
    }
    const jsons = metadataJsonInScope(deps.index, res, ...scope);
    if (jsons.length === 0) throw new AppError('NOT_FOUND', 'No such study, series or instance.');
    const body = resolveBulkDataUris(`[${jsons.join(',')}]`, base);
    // An anonymized share sees the metadata de-identified (and so without a shared validator).
    const view = shareViewOf(res);
    if (view?.anonymized) return sendDicomJson(req, res, JSON.stringify(view.present(JSON.parse(body) as DicomJson[])));
    sendDicomJson(req, res, body, etag === undefined ? {} : { etag });
  };
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 8);
}

/** `application/dicom+json` (or `application/json`, or anything) for metadata and search results. */
export function negotiateJson(accept: string | undefined): void {
  if (accept === undefined || accept.trim() === '') return;
  const ok = parseAccept(accept).some(
    (r) => r.q > 0 && ['application/dicom+json', 'application/json', 'application/*', '*/*'].includes(r.type),
  );
  if (!ok) throw new AppError('NOT_ACCEPTABLE', 'This resource is available as application/dicom+json.');
}
