import { Readable } from 'node:stream';
import { anonymizedInstance } from '../sharing/anonymized-instance';
import { shareViewOf } from '../sharing/share-view';
import type { Request, RequestHandler, Response } from 'express';
import { ZipFile } from 'yazl';
import { parseAccept } from '../../shared/dicomweb/media-types';
import { AppError } from '../../shared/errors';
import type { ArchiveIndex, IndexedInstance } from '../index/archive-index';
import type { BlobStore } from '../storage/blob-store';
import { fileSetIdRequested, fileSetOf } from './file-set-request';
import { resourceScope } from './resource-scope';
import { findInstancesInScope } from './share-scope';

export const ZIP = 'application/zip';

export interface ZipDeps {
  index: ArchiveIndex;
  blobStore: BlobStore;
  log: (message: string, error?: unknown) => void;
}

/**
 * Whether a retrieve request asks for a ZIP of Part 10 files (PS3.18 10.4.4, Table 10.4.4-1):
 * the first range the client prefers in the `accept` query parameter (8.3.3.1), which takes
 * precedence, or else in the Accept header, is `application/zip`.
 */
export function wantsZip(req: Request): boolean {
  const query = new URL(req.originalUrl, 'http://localhost').searchParams.getAll('accept').join(',');
  for (const list of [query, req.headers.accept ?? '']) {
    const preferred = parseAccept(list).find((range) => range.q > 0);
    if (preferred) return preferred.type === ZIP;
  }
  return false;
}

/** Sends `application/zip` requests to the ZIP download and the rest to `otherwise` (the multipart retrieve). */
export function zipOr(zip: RequestHandler, otherwise: RequestHandler): RequestHandler {
  return (req, res, next) => (wantsZip(req) ? zip(req, res, next) : otherwise(req, res, next));
}

/**
 * Retrieve Study / Series / Instance as one ZIP of the Part 10 files as stored, named
 * `<StudyUID>/<SeriesUID>/<SOPInstanceUID>.dcm` (PS3.3 Annex P.1.2.1: stored, not deflated, no
 * encryption; ZIP64 when past 4 GiB or 65 534 entries). Streamed: one object is open at a time,
 * and a client that goes away releases it.
 */
export function retrieveZip(deps: ZipDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const scope = resourceScope(req);
    const { study, series, instance } = scope;
    const fileSetId = fileSetIdRequested(req);
    const instances = findInstancesInScope(deps.index, res, study, series, instance);
    const first = instances[0];
    if (!first) throw new AppError('NOT_FOUND', 'No such study, series or instance.');
    // An anonymized share gets each object de-identified (sizes then known only as each is made).
    const view = shareViewOf(res)?.anonymized ? shareViewOf(res) : undefined;
    const open = async (item: IndexedInstance): Promise<Readable> =>
      view ? Readable.from([(await anonymizedInstance(deps, view, item)).bytes]) : deps.blobStore.get(item.blobKey);
    const name = (uid: string | undefined) => (uid === undefined ? undefined : (view?.presented(uid) ?? uid));
    const fileSet = fileSetId === undefined ? undefined : fileSetOf(deps.index, res, scope, instances, view, fileSetId);
    // The first object is opened before the status goes out, so that a storage failure is a clean error.
    let current: Readable | undefined = await open(first);
    const opened = current;
    let aborted = false;

    const zip = new ZipFile();
    const mtime = new Date();
    if (fileSet) zip.addBuffer(fileSet.dicomdir, 'DICOMDIR', { compress: false, mtime });
    for (const [n, item] of instances.entries()) {
      const entry = fileSet?.paths[n] ?? `${name(item.studyUid)}/${name(item.seriesUid)}/${name(item.sopUid)}.dcm`;
      zip.addReadStreamLazy(entry, { compress: false, ...(view ? {} : { size: item.size }), mtime }, (cb) => {
        if (aborted) return;
        if (n === 0) return cb(null, opened);
        open(item).then(
          (stream) => {
            if (aborted) stream.destroy();
            else cb(null, (current = stream));
          },
          (error: unknown) => cb(error, undefined as unknown as Readable),
        );
      });
    }

    const output = zip.outputStream as Readable;
    const abort = (error?: unknown): void => {
      if (aborted) return;
      aborted = true;
      current?.destroy(); // release the object's file or socket
      output.destroy();
      if (error !== undefined && !res.destroyed) deps.log('ZIP download aborted while streaming', error);
      res.destroy(error instanceof Error ? error : undefined);
    };
    zip.on('error', abort);
    res.on('close', () => {
      if (!res.writableFinished) abort();
    });

    res.status(200);
    res.setHeader('Content-Type', ZIP);
    res.setHeader('Content-Disposition', `attachment; filename="${name(instance) ?? name(series) ?? name(study)}.zip"`);
    // Every entry is stored with a known size, so the archive's length is known before the first byte.
    // (@types/yazl declares this callback without its parameter.)
    const setLength = (total: number): void => {
      if (total >= 0 && !res.headersSent) res.setHeader('Content-Length', String(total));
    };
    zip.end(undefined, setLength as () => void);
    if (req.method === 'HEAD') {
      aborted = true;
      opened.destroy();
      res.end();
      return;
    }
    output.pipe(res);
  };
}

// Entry and archive names are built from UIDs, validated (digits and dots): safe as path segments.
