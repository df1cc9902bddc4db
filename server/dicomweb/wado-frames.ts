import type { Request, Response } from 'express';
import { EXPLICIT_VR_LITTLE_ENDIAN, transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import { OCTET_STREAM } from '../../shared/dicomweb/media-types';
import { AppError } from '../../shared/errors';
import type { PixelDataLocation } from '../ingest/part10-parser';
import { collect } from './byte-streams';
import { negotiateBulk, partContentType, type Representation } from './bulk-negotiation';
import {
  checkFrameNumbers,
  fragmentRunsFromMarkers,
  fragmentRunsFromTable,
  nativeFrameRange,
  parseFrameList,
  startMarkerTest,
  type FragmentRun,
  type ImageGeometry,
} from './frame-locator';
import { locateInstance, type LocatedInstance } from './instance-bulk';
import { sendParts, type OutgoingPart } from './send-parts';
import { openSpans, openValueRange, swapWidthOf } from './stored-value';
import type { WadoDeps } from './wado';

/**
 * Retrieve Frames (WADO-RS, PS3.18 10.4.1.1.4): `…/instances/{i}/frames/{list}` as
 * multipart/related, one part per listed frame in the order asked, read from storage with range
 * reads (a frame's bytes only). Frames are served as stored (PS3.18 8.7.3.3): native pixel data
 * as `application/octet-stream` in Explicit VR Little Endian (big endian data swapped on the
 * way), encapsulated pixel data in its compressed media type (Table 8.7.3-5) when the client
 * accepts it. 400 for a malformed list, 404 for a frame past the end, 406 when the stored form is
 * not acceptable (no transcoding yet).
 */
export function retrieveFrames(deps: WadoDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const numbers = parseFrameList(req.params.frames as string);
    const located = locateInstance(deps.index, req);
    const { instance, bulk } = located;
    const pixel = bulk.pixelData;
    if (!pixel || pixel.length === 0) throw new AppError('NOT_FOUND', 'The instance has no Pixel Data, so it has no frames.');
    const offered = representationOf(instance.transferSyntax, pixel);
    const packaging = negotiateBulk(req.headers.accept, offered, numbers.length === 1);
    if (!packaging) throw notAcceptable(offered);
    if (bulk.deflated) {
      throw new AppError('NOT_ACCEPTABLE', 'Frames of instances stored deflated (1.2.840.10008.1.2.1.99) cannot be served yet; retrieve the Pixel Data bulk data or the instance instead.');
    }
    const image: ImageGeometry = {
      rows: instance.rows ?? 0,
      columns: instance.columns ?? 0,
      samplesPerPixel: Number(instance.samplesPerPixel ?? 1),
      bitsAllocated: instance.bitsAllocated ?? 0,
      numberOfFrames: Math.max(1, instance.numberOfFrames ?? 1),
    };
    checkFrameNumbers(numbers, image.numberOfFrames);
    const base = `${deps.dicomWebBase()}/${located.path}/frames`;
    const bodies = pixel.encapsulated ? await encapsulatedFrames(deps, located, pixel, image, numbers) : nativeFrames(deps, located, pixel, image, numbers);
    const parts = bodies.map((body, i): OutgoingPart => ({ ...body, contentType: partContentType(offered), location: `${base}/${numbers[i]}` }));
    await sendParts(res, packaging, offered.mediaType, parts, deps.log);
  };
}

type FrameBody = Pick<OutgoingPart, 'length' | 'open'>;

function representationOf(uid: string, pixel: PixelDataLocation): Representation {
  if (!pixel.encapsulated) return { mediaType: OCTET_STREAM, transferSyntax: EXPLICIT_VR_LITTLE_ENDIAN, uncompressed: true };
  const syntax = transferSyntax(uid);
  return { mediaType: syntax?.encapsulated ? syntax.mediaType : OCTET_STREAM, transferSyntax: uid, uncompressed: false };
}

function notAcceptable(offered: Representation): AppError {
  if (offered.uncompressed) {
    return new AppError('NOT_ACCEPTABLE', 'The frames of this instance are uncompressed: ask for multipart/related; type="application/octet-stream".');
  }
  return new AppError(
    'NOT_ACCEPTABLE',
    `The frames of this instance are stored as ${offered.mediaType} (transfer syntax ${offered.transferSyntax}) and transcoding is not available yet: ` +
      `ask for multipart/related; type="${offered.mediaType}", or add transfer-syntax=* to accept them as stored.`,
  );
}

function nativeFrames(deps: WadoDeps, located: LocatedInstance, pixel: PixelDataLocation, image: ImageGeometry, numbers: number[]): FrameBody[] {
  const { instance } = located;
  const bigEndian = transferSyntax(instance.transferSyntax)?.bigEndian === true;
  if (bigEndian && (image.bitsAllocated === 1 || (pixel.vr === 'OW' && image.bitsAllocated > 16))) {
    throw new AppError('NOT_ACCEPTABLE', `Frames of big endian pixel data with ${image.bitsAllocated}-bit samples cannot be converted to little endian yet.`);
  }
  const value = {
    key: instance.blobKey,
    objectSize: instance.size,
    offset: pixel.offset,
    length: pixel.length,
    swapWidth: swapWidthOf(pixel.vr, bigEndian),
    deflated: false,
  };
  return numbers.map((frame) => {
    const { start, end } = nativeFrameRange(pixel.length, image, frame);
    return { length: end - start, open: () => openValueRange(deps.blobStore, value, start, end) };
  });
}

async function encapsulatedFrames(deps: WadoDeps, located: LocatedInstance, pixel: PixelDataLocation, image: ImageGeometry, numbers: number[]): Promise<FrameBody[]> {
  const fragments = pixel.fragments ?? [];
  const key = located.instance.blobKey;
  let runs: FragmentRun[] | undefined = fragmentRunsFromTable(pixel, image.numberOfFrames);
  if (!runs) {
    const isStart = startMarkerTest(transferSyntax(located.instance.transferSyntax)?.mediaType ?? '');
    if (!isStart) {
      throw new AppError('NOT_ACCEPTABLE', `The stored Pixel Data has ${fragments.length} fragments for ${image.numberOfFrames} frames and no usable Basic Offset Table, and its transfer syntax has no frame start marker to split it by.`);
    }
    const readStarts = (from: number, to: number) =>
      Promise.all(
        fragments.slice(from, to).map(async ({ offset, length }) => {
          const head = await collect(await deps.blobStore.get(key, { start: offset, end: offset + Math.min(8, length) }));
          return isStart(head);
        }),
      );
    runs = await fragmentRunsFromMarkers(fragments.length, image.numberOfFrames, Math.max(...numbers), readStarts);
  }
  const frameRuns = runs;
  return numbers.map((frame) => {
    const run = frameRuns[frame - 1]!;
    const spans = fragments.slice(run.first, run.end).map(({ offset, length }) => ({ start: offset, end: offset + length }));
    return { length: spans.reduce((sum, s) => sum + s.end - s.start, 0), open: () => openSpans(deps.blobStore, key, spans) };
  });
}
