import { Readable } from 'node:stream';
import type { Request, Response } from 'express';
import { EXPLICIT_VR_LITTLE_ENDIAN, transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import { OCTET_STREAM, multipartPartsOf, parseAccept } from '../../shared/dicomweb/media-types';
import { framesPath } from '../../shared/dicomweb/paths';
import { AppError } from '../../shared/errors';
import { requestedRange, setRangeHeaders } from '../http/byte-range';
import { answeredNotModified, cacheEntry, setCacheHeaders, type CacheEntry } from '../http/cache-policy';
import { shareViewOf } from '../sharing/share-view';
import { negotiateAmong, partContentType, type Representation } from './bulk-negotiation';
import { LOSSLESS_ENCODINGS, LOSSY_ENCODINGS } from '../codecs/encode-registry';
import { nativeFrameBytes } from '../codecs/frame-geometry';
import { slice } from '../stored/byte-streams';
import { ENCODER_GENERATION, type DerivedFrame } from '../stored/derived-frames';
import { encodedFrames, encodingProblem, type EncodingDeps } from '../stored/encoded-frames';
import { checkFrameNumbers, parseFrameList } from '../stored/frame-locator';
import { locate, type StoredInstance } from '../stored/stored-instance';
import { resourceScope } from './resource-scope';
import { nativeFramesOf, nativeProblem, storedFrames, storedImage, type StoredFrame, type StoredImage } from '../stored/native-frame';
import { sendBody, sendParts, type OutgoingPart } from './send-parts';
import type { WadoDeps } from './wado-deps';
import { presentedPath } from './share-scope';

/** What Retrieve Frames needs: the WADO handlers' deps and the derived-representation cache. */
export type FramesDeps = WadoDeps & EncodingDeps;

/**
 * Retrieve Frames (WADO-RS, PS3.18 10.4.1.1.4): `…/instances/{i}/frames/{list}` as
 * multipart/related, one part per listed frame in the order asked, or one bare body for one
 * frame. Offered, in this order within each Accept range (Tables 8.7.3-4 and 8.7.3-5):
 * 1. the frames as stored: native pixel data as `application/octet-stream` in Explicit VR Little
 *    Endian (big endian data swapped, deflated data sets inflated on the way), encapsulated
 *    frames in their compressed media type, read from storage with range reads;
 * 2. encoded on request, when the stored frames can be made native and the encoder takes their
 *    geometry: JPEG-LS Lossless (.80), HTJ2K Lossless (.201), HTJ2K RPCL (.202), kept in the
 *    derived-representation cache (stored/derived-frames.ts);
 * 3. decoded to `application/octet-stream` (compressed frames);
 * 4. lossy HTJ2K (.203) and JPEG Baseline (.50) only to a range that names that syntax.
 * A bare single-frame answer honours one `Range: bytes=…` (206 / 416, If-Range with the ETag),
 * so a client can fetch an HTJ2K RPCL prefix first and the rest later; a Range on a multipart
 * answer is ignored (RFC 9110 14.2).
 * 400 for a malformed list, 404 for a frame past the end, 406 when no form is acceptable or the
 * frames cannot be made. Answers carry a strong ETag and are cached as `http/cache-policy.ts`
 * says; a matching If-None-Match is a 304 before any stored byte is read.
 */
export function retrieveFrames(deps: FramesDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const numbers = parseFrameList(req.params.frames as string);
    const { study, series, instance: sop } = resourceScope(req);
    const located = locate(deps.index, study, series!, sop!);
    const image = storedImage(located);
    const stored = storedRepresentation(image);
    const chosen = negotiateAmong(req.headers.accept, offersFor(image, stored), numbers.length === 1);
    if (!chosen) throw notAcceptable(req.headers.accept, image, stored);
    checkFrameNumbers(numbers, image.numberOfFrames);
    const { representation, packaging } = chosen;
    const made = representation !== stored; // decoded or encoded, not read as stored
    if (made && nativeFrameBytes(image) * numbers.length > MAX_MADE_BYTES) {
      throw new AppError(
        'NOT_ACCEPTABLE',
        `Decoded, these ${numbers.length} frames would be more than ${MAX_MADE_BYTES / 2 ** 20} MiB: ask for fewer frames at a time.`,
      );
    }
    const instance = `${deps.dicomWebBase()}/${presentedPath(res, located.path)}`;
    const cache = framesCacheEntry(res, located.instance.blobKey, instance, numbers, chosen);
    if (answeredNotModified(req, res, cache)) return;

    const frames = await framesIn(deps, located, image, numbers, made ? representation : undefined);
    const contentType = partContentType(representation);
    if (packaging === 'single') {
      const [frame] = frames;
      const range = requestedRange(req, res, cache.etag, frame!.length);
      const body = await frame!.open(range);
      setCacheHeaders(res, cache);
      res.setHeader('Content-Type', contentType);
      setRangeHeaders(res, range, frame!.length);
      await sendBody(res, body, deps.log);
      return;
    }
    const parts = frames.map((frame, i): OutgoingPart => ({
      length: frame.length,
      open: () => frame.open(),
      contentType,
      location: framesPath(instance, [numbers[i]!]),
    }));
    await sendParts(res, packaging, representation.mediaType, parts, deps.log, cache);
  };
}

/**
 * What fully determines the answer's bytes: the stored object (its key is random and never
 * reused, and the object never changes under it), the frames, the negotiated packaging, media
 * type and transfer syntax, the encoders' generation (encoding is deterministic: a frame made
 * again, after eviction or by another process, has the same bytes, so byte ranges of it combine),
 * and the Content-Locations (public base and the path as presented, replacement UIDs for an
 * anonymized share, whose id is added so its tags never match another's).
 */
function framesCacheEntry(
  res: Response,
  blobKey: string,
  instance: string,
  numbers: readonly number[],
  chosen: { packaging: string; representation: Representation },
): CacheEntry {
  const view = shareViewOf(res);
  const { mediaType, transferSyntax: syntax } = chosen.representation;
  return cacheEntry(
    [
      'frames',
      blobKey,
      numbers,
      chosen.packaging,
      mediaType,
      syntax,
      ENCODER_GENERATION,
      instance,
      view?.anonymized ? view.share.id : null,
    ],
    'immutable',
  );
}

/** Frames decoded or encoded for one request are held in memory until all are made (see decodedFrames). */
const MAX_MADE_BYTES = 512 * 2 ** 20;

const NATIVE: Representation = { mediaType: OCTET_STREAM, transferSyntax: EXPLICIT_VR_LITTLE_ENDIAN, uncompressed: true };

function storedRepresentation(image: StoredImage): Representation {
  if (!image.pixel.encapsulated) return NATIVE;
  const syntax = transferSyntax(image.transferSyntax);
  return { mediaType: syntax?.encapsulated ? syntax.mediaType : OCTET_STREAM, transferSyntax: image.transferSyntax, uncompressed: false };
}

/** The stored form, the lossless encodings, the decoded form, then the lossy encodings (named only). */
function offersFor(image: StoredImage, stored: Representation): Representation[] {
  const decodable = nativeProblem(image) === undefined;
  const encoded = (uids: readonly string[], explicitOnly: boolean) =>
    decodable
      ? uids
          .filter((uid) => uid !== stored.transferSyntax && encodingProblem(image, uid) === undefined)
          .map((uid): Representation => ({
            mediaType: transferSyntax(uid)!.mediaType,
            transferSyntax: uid,
            uncompressed: false,
            explicitOnly,
          }))
      : [];
  const decoded = image.pixel.encapsulated && decodable ? [NATIVE] : [];
  return [stored, ...encoded(LOSSLESS_ENCODINGS, false), ...decoded, ...encoded(LOSSY_ENCODINGS, true)];
}

/** The listed frames as stored (`made` undefined), decoded (NATIVE) or encoded, each with its length and ranged opener. */
async function framesIn(
  deps: FramesDeps,
  located: StoredInstance,
  image: StoredImage,
  numbers: readonly number[],
  made: Representation | undefined,
): Promise<DerivedFrame[]> {
  if (made && made !== NATIVE) return encodedFrames(deps, located, image, numbers, made.transferSyntax);
  const stored = await storedFrames(deps, located, image, numbers);
  return (made ? await decodedFrames(image, stored) : stored).map(rangeable);
}

/** A frame read whole from storage (or decoded), with ranges cut from its stream. */
function rangeable(frame: StoredFrame): DerivedFrame {
  return {
    length: frame.length,
    open: async (range) => {
      const body = await frame.open();
      return range ? slice(body, range.start, range.end - range.start) : body;
    },
  };
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

/** A 406 that says why each transfer syntax the client named cannot be had, and what can. */
function notAcceptable(accept: string | undefined, image: StoredImage, stored: Representation): AppError {
  const named = new Set<string>();
  for (const range of parseAccept(accept ?? '')) {
    const syntax = range.type.startsWith('multipart/') ? multipartPartsOf(range).transferSyntax : range.params['transfer-syntax'];
    if (syntax !== undefined && syntax !== '*' && syntax !== stored.transferSyntax) named.add(syntax);
  }
  const reasons = [...named].map((uid) => {
    const name = transferSyntax(uid)?.name;
    const canMake = LOSSLESS_ENCODINGS.includes(uid) || LOSSY_ENCODINGS.includes(uid) || uid === EXPLICIT_VR_LITTLE_ENDIAN;
    if (!name) return `${uid} is not a transfer syntax the archive knows.`;
    if (!canMake) return `The archive does not encode frames in ${name} (${uid}).`;
    const problem = uid === EXPLICIT_VR_LITTLE_ENDIAN ? nativeProblem(image) : encodingProblem(image, uid);
    return problem ? `Not in ${name} (${uid}): ${problem}` : `${name} (${uid}) is available, but not in the media type asked with it.`;
  });
  const can = stored.uncompressed
    ? 'The frames of this instance are uncompressed: ask for multipart/related; type="application/octet-stream"'
    : `The frames of this instance are stored as ${stored.mediaType} (transfer syntax ${stored.transferSyntax}): ` +
      `ask for multipart/related; type="${stored.mediaType}", or add transfer-syntax=* to accept them as stored`;
  const lossless = nativeProblem(image) === undefined ? LOSSLESS_ENCODINGS.filter((uid) => encodingProblem(image, uid) === undefined) : [];
  const encodings = lossless.length > 0 ? `, or name one of ${lossless.join(', ')} to have them encoded losslessly` : '';
  const decode =
    image.pixel.encapsulated && nativeProblem(image) === undefined
      ? ', or ask for type="application/octet-stream" to have them decoded'
      : '';
  const why = image.pixel.encapsulated ? (nativeProblem(image) ?? '') : '';
  return new AppError('NOT_ACCEPTABLE', [...reasons, `${can}${encodings}${decode}.`, why].filter(Boolean).join(' '));
}
