import type { Request, Response } from 'express';
import { shareViewOf } from '../sharing/share-view';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../../shared/dicom/transfer-syntaxes';
import { OCTET_STREAM } from '../../shared/dicomweb/media-types';
import { AppError } from '../../shared/errors';
import { requestedRange, setRangeHeaders } from '../http/byte-range';
import { answeredNotModified, cacheEntry, setCacheHeaders } from '../http/cache-policy';
import { negotiateBulk, type Representation } from './bulk-negotiation';
import { locate } from '../stored/stored-instance';
import { resourceScope } from './resource-scope';
import { sendBody, sendParts } from './send-parts';
import { openValueRange, storedValue } from '../stored/stored-value';
import type { WadoDeps } from './wado-deps';
import { presentedPath } from './share-scope';

/**
 * Retrieve Bulkdata (WADO-RS, PS3.18 10.4.1.1.5): the value of one element named by the
 * BulkDataURIs our metadata carries, `…/instances/{i}/bulkdata/{tag}[/{item}/{tag}…]`.
 * Answered as multipart/related; type="application/octet-stream" with one part, or as a bare
 * body when the client accepts `application/octet-stream` itself; a bare body honours one
 * `Range: bytes=…` (206 / 416, RFC 9110 14). Values are little endian (PS3.18 8.7.3.3.1): big
 * endian values are swapped by VR, deflated data sets are inflated on the way.
 * Encapsulated Pixel Data is returned as recorded: its items (Basic Offset Table item and
 * fragment items, with their item headers, without the Sequence Delimitation Item), labelled
 * with the stored transfer syntax; Retrieve Frames serves the frames themselves.
 * Answers carry a strong ETag and are cached as `http/cache-policy.ts` says; a matching
 * If-None-Match is a 304 before any stored byte is read, and an If-Range naming another tag
 * (or a date: there is no Last-Modified) has the whole value sent.
 */
export function retrieveBulkdata(deps: WadoDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const path = bulkPath(req.params.path);
    // An anonymized share reaches only the bulk data of attributes the profile keeps (pixels).
    if (shareViewOf(res)?.allowsBulkPath(path.split('/')) === false)
      throw new AppError('NOT_FOUND', 'This instance has no bulk data at that path.');
    const { study, series, instance: sop } = resourceScope(req);
    const located = locate(deps.index, study, series!, sop!);
    const { instance, bulk } = located;
    const item = bulk.items.find((i) => i.path === path);
    if (!item) throw new AppError('NOT_FOUND', 'This instance has no bulk data at that path.');

    const pixel = bulk.pixelData?.tag === path ? bulk.pixelData : undefined;
    const encapsulatedPixels = pixel?.encapsulated === true;
    const offered: Representation = {
      mediaType: OCTET_STREAM,
      transferSyntax: encapsulatedPixels ? instance.transferSyntax : EXPLICIT_VR_LITTLE_ENDIAN,
      uncompressed: true,
    };
    const packaging = negotiateBulk(req.headers.accept, offered, true);
    if (!packaging)
      throw new AppError('NOT_ACCEPTABLE', 'Bulk data is available as application/octet-stream, alone or in multipart/related.');
    const contentType = pixel ? `${OCTET_STREAM}; transfer-syntax=${offered.transferSyntax}` : OCTET_STREAM;

    const location = `${deps.dicomWebBase()}/${presentedPath(res, located.path)}/bulkdata/${path}`;
    // As for frames (wado-frames.ts): the stored object, what was negotiated, and what the answer names.
    const view = shareViewOf(res);
    const cache = cacheEntry(
      ['bulkdata', instance.blobKey, path, packaging, contentType, location, view?.anonymized ? view.share.id : null],
      'immutable',
    );
    if (answeredNotModified(req, res, cache)) return;
    const value = storedValue(located, item, encapsulatedPixels);
    const open = (start: number, end: number) => openValueRange(deps.blobStore, value, start, end);
    if (packaging === 'multipart') {
      await sendParts(
        res,
        'multipart',
        OCTET_STREAM,
        [{ contentType, length: value.length, location, open: () => open(0, value.length) }],
        deps.log,
        cache,
      );
      return;
    }
    const range = requestedRange(req, res, cache.etag, value.length);
    const { start, end } = range ?? { start: 0, end: value.length };
    const body = await open(start, end);
    setCacheHeaders(res, cache);
    res.setHeader('Content-Type', contentType);
    setRangeHeaders(res, range, value.length);
    await sendBody(res, body, deps.log);
  };
}

/** `7FE00010` or `00540016/0/00281201`: tags (8 hex digits) and item indexes, alternating; 400 otherwise. */
function bulkPath(segments: unknown): string {
  const parts = Array.isArray(segments) ? (segments as string[]) : [String(segments)];
  const valid = parts.length % 2 === 1 && parts.every((part, i) => (i % 2 === 0 ? /^[0-9A-Fa-f]{8}$/ : /^(0|[1-9][0-9]{0,8})$/).test(part));
  if (!valid)
    throw new AppError(
      'BAD_REQUEST',
      'A bulk data path is a tag of 8 hex digits, optionally followed by /item/tag pairs, e.g. bulkdata/7FE00010.',
    );
  return parts.join('/').toUpperCase();
}
