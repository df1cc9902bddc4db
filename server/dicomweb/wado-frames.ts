import { Readable } from 'node:stream';
import type { Request, Response } from 'express';
import { EXPLICIT_VR_LITTLE_ENDIAN, transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import { OCTET_STREAM } from '../../shared/dicomweb/media-types';
import { framesPath } from '../../shared/dicomweb/paths';
import { AppError } from '../../shared/errors';
import { answeredNotModified, cacheEntry, type CacheEntry } from '../http/cache-policy';
import { shareViewOf } from '../sharing/share-view';
import { negotiateAmong, partContentType, type Representation } from './bulk-negotiation';
import { nativeFrameBytes } from '../codecs/frame-geometry';
import { checkFrameNumbers, parseFrameList } from '../stored/frame-locator';
import { locate } from '../stored/stored-instance';
import { resourceScope } from './resource-scope';
import { nativeFramesOf, nativeProblem, storedFrames, storedImage, type StoredFrame, type StoredImage } from '../stored/native-frame';
import { sendParts, type OutgoingPart } from './send-parts';
import type { WadoDeps } from './wado-deps';
import { presentedPath } from './share-scope';

/**
 * Retrieve Frames (WADO-RS, PS3.18 10.4.1.1.4): `…/instances/{i}/frames/{list}` as
 * multipart/related, one part per listed frame in the order asked, read from storage with range
 * reads (a frame's bytes only). Native pixel data is served as `application/octet-stream` in
 * Explicit VR Little Endian (big endian data swapped, deflated data sets inflated on the way).
 * Encapsulated frames are served in their compressed media type (Table 8.7.3-5) when the client
 * accepts it, or decoded to `application/octet-stream` (Explicit VR Little Endian, the default
 * of Table 8.7.3-4) when it asks for that; the stored form wins where both are acceptable.
 * 400 for a malformed list, 404 for a frame past the end, 406 when neither form is acceptable
 * or the frames cannot be decoded. Answers carry a strong ETag and are cached as
 * `http/cache-policy.ts` says; a matching If-None-Match is a 304 before any stored byte is read.
 */
export function retrieveFrames(deps: WadoDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const numbers = parseFrameList(req.params.frames as string);
    const { study, series, instance: sop } = resourceScope(req);
    const located = locate(deps.index, study, series!, sop!);
    const image = storedImage(located);
    const stored = storedRepresentation(image);
    const problem = nativeProblem(image);
    const offers = image.pixel.encapsulated && !problem ? [stored, NATIVE] : [stored];
    const chosen = negotiateAmong(req.headers.accept, offers, numbers.length === 1);
    if (!chosen) throw notAcceptable(stored, problem);
    checkFrameNumbers(numbers, image.numberOfFrames);
    const instance = `${deps.dicomWebBase()}/${presentedPath(res, located.path)}`;
    const cache = framesCacheEntry(res, located.instance.blobKey, instance, numbers, chosen);
    if (answeredNotModified(req, res, cache)) return;
    const frames = await storedFrames(deps, located, image, numbers);
    const decode = image.pixel.encapsulated && chosen.representation === NATIVE;
    if (decode && nativeFrameBytes(image) * numbers.length > MAX_DECODED_BYTES) {
      throw new AppError(
        'NOT_ACCEPTABLE',
        `Decoded, these ${numbers.length} frames would be more than ${MAX_DECODED_BYTES / 2 ** 20} MiB: ask for fewer frames at a time.`,
      );
    }
    const bodies = decode ? await decodedFrames(image, frames) : frames;
    const contentType = partContentType(chosen.representation);
    const parts = bodies.map((body, i): OutgoingPart => ({ ...body, contentType, location: framesPath(instance, [numbers[i]!]) }));
    await sendParts(res, chosen.packaging, chosen.representation.mediaType, parts, deps.log, cache);
  };
}

/**
 * What fully determines the answer's bytes: the stored object (its key is random and never
 * reused, and the object never changes under it), the frames, the negotiated packaging, media
 * type and transfer syntax, and the Content-Locations (public base and the path as presented,
 * replacement UIDs for an anonymized share, whose id is added so its tags never match another's).
 */
function framesCacheEntry(
  res: Response,
  blobKey: string,
  instance: string,
  numbers: readonly number[],
  chosen: { packaging: string; representation: Representation },
): CacheEntry {
  const view = shareViewOf(res);
  const { mediaType, transferSyntax } = chosen.representation;
  return cacheEntry(
    ['frames', blobKey, numbers, chosen.packaging, mediaType, transferSyntax, instance, view?.anonymized ? view.share.id : null],
    'immutable',
  );
}

/** Decoded frames of one request are held in memory until all are made (see decodedFrames). */
const MAX_DECODED_BYTES = 512 * 2 ** 20;

const NATIVE: Representation = { mediaType: OCTET_STREAM, transferSyntax: EXPLICIT_VR_LITTLE_ENDIAN, uncompressed: true };

function storedRepresentation(image: StoredImage): Representation {
  if (!image.pixel.encapsulated) return NATIVE;
  const syntax = transferSyntax(image.transferSyntax);
  return { mediaType: syntax?.encapsulated ? syntax.mediaType : OCTET_STREAM, transferSyntax: image.transferSyntax, uncompressed: false };
}

/**
 * Every asked frame is decoded before the status line, so that a frame that fails to decode is
 * a clean 406 and never a cut multipart body. The decoded frames of one request are held in
 * memory: as much as the instance's native pixel data at most.
 */
async function decodedFrames(image: StoredImage, frames: readonly StoredFrame[]): Promise<StoredFrame[]> {
  return (await nativeFramesOf(image, frames)).map(({ pixels }) => {
    const bytes = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
    return { length: bytes.length, open: async () => Readable.from([bytes]) };
  });
}

function notAcceptable(stored: Representation, decodeProblem: string | undefined): AppError {
  if (stored.uncompressed) {
    return new AppError(
      'NOT_ACCEPTABLE',
      'The frames of this instance are uncompressed: ask for multipart/related; type="application/octet-stream".',
    );
  }
  const asStored =
    `The frames of this instance are stored as ${stored.mediaType} (transfer syntax ${stored.transferSyntax}): ` +
    `ask for multipart/related; type="${stored.mediaType}", or add transfer-syntax=* to accept them as stored`;
  return new AppError(
    'NOT_ACCEPTABLE',
    decodeProblem
      ? `${asStored}. ${decodeProblem}`
      : `${asStored}, or ask for multipart/related; type="application/octet-stream" to have them decoded.`,
  );
}
