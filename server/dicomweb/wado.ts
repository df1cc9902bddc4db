import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Request, Response } from 'express';
import { AppError } from '../../shared/errors';
import { multipartPartsOf, parseAccept } from '../../shared/dicomweb/media-types';
import { MultipartWriter } from '../http/multipart-writer';
import { resourceScope } from './resource-scope';
import { matchesIfNoneMatch, sendDicomJson } from '../http/send-json';
import { studyVersionQuery } from '../index/study-version';
import type { ArchiveIndex, StoredInstance } from '../index/archive-index';
import { resolveBulkDataUris } from '../ingest/bulk-data-uri';
import type { BlobStore } from '../storage/blob-store';

export interface WadoDeps {
  index: ArchiveIndex;
  blobStore: BlobStore;
  dicomWebBase: () => string;
  log: (message: string, error?: unknown) => void;
}

function scopeOf(req: Request): [string, string | undefined, string | undefined] {
  const { study, series, instance } = resourceScope(req);
  return [study, series, instance];
}

/**
 * Retrieve Study / Series / Instance (WADO-RS, PS3.18 10.4) as
 * `multipart/related; type="application/dicom"`, streamed from object storage.
 * Negotiate first, then locate by the full UID path, then stream (STYLE.md §2).
 */
export function retrieveInstances(deps: WadoDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const accepted = negotiateDicom(req.headers.accept);
    const instances = deps.index.findInstances(...scopeOf(req));
    if (instances.length === 0) throw new AppError('NOT_FOUND', 'No such study, series or instance.');
    const wanted = accepted.transferSyntax;
    if (wanted !== '*' && wanted !== undefined && instances.some((i) => i.transferSyntax !== wanted)) {
      throw new AppError('NOT_ACCEPTABLE', `Transfer syntax ${wanted} was asked for; the archive holds these instances in another one and transcoding is not available yet.`);
    }
    // Open the first object before answering so that a storage problem is a clean error status.
    const first = await deps.blobStore.get(instances[0]!.blobKey);
    const writer = new MultipartWriter(res);
    res.status(200);
    res.setHeader('Content-Type', writer.contentType('application/dicom', wanted === undefined ? {} : { 'transfer-syntax': wanted }));
    let body: Readable | undefined = first;
    try {
      for (const [n, instance] of instances.entries()) {
        body = n === 0 ? first : await deps.blobStore.get(instance.blobKey);
        await writer.writePart(partHeaders(instance, deps.dicomWebBase()), body);
      }
      await writer.end();
    } catch (error) {
      body?.destroy(); // release the object's file or socket even if the client went away
      // Headers are gone: the only honest signal left is an aborted transfer.
      if (!res.destroyed) deps.log('WADO-RS retrieval aborted while streaming', error);
      res.destroy(error instanceof Error ? error : undefined);
    }
  };
}

function partHeaders(instance: StoredInstance, base: string): Record<string, string> {
  return {
    'Content-Type': `application/dicom; transfer-syntax=${instance.transferSyntax}`,
    'Content-Length': String(instance.size),
    'Content-Location': `${base}/studies/${instance.studyUid}/series/${instance.seriesUid}/instances/${instance.sopUid}`,
  };
}

/**
 * Accept negotiation for DICOM instances. We produce `application/dicom` inside
 * multipart/related as stored. A request without a transfer-syntax parameter is answered as
 * stored (see README Decisions); a named transfer syntax must match what is stored.
 */
export function negotiateDicom(accept: string | undefined): { transferSyntax: string | undefined } {
  if (accept === undefined || accept.trim() === '') return { transferSyntax: undefined };
  for (const range of parseAccept(accept)) {
    if (range.q <= 0) continue;
    if (range.type === '*/*' || range.type === 'multipart/*') return { transferSyntax: undefined };
    if (range.type !== 'multipart/related') continue;
    const parts = multipartPartsOf(range);
    if (parts.type !== undefined && parts.type !== 'application/dicom') continue;
    return { transferSyntax: parts.transferSyntax };
  }
  throw new AppError('NOT_ACCEPTABLE', 'Instances can be retrieved as multipart/related; type="application/dicom".');
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
    if (etag !== undefined && matchesIfNoneMatch(req.headers['if-none-match'], etag) && deps.index.findInstances(...scope).length > 0) {
      return sendDicomJson(req, res, '', { etag });
    }
    const jsons = deps.index.metadataJson(...scope);
    if (jsons.length === 0) throw new AppError('NOT_FOUND', 'No such study, series or instance.');
    sendDicomJson(req, res, resolveBulkDataUris(`[${jsons.join(',')}]`, base), etag === undefined ? {} : { etag });
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
