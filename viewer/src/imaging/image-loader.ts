/**
 * The cornerstone image loader for `dicomweb:` ids: one frame from Retrieve Frames, described by
 * the series metadata already fetched. Grey frames come as stored (nothing encoded on the
 * archive) and are decoded in a worker (viewer/src/codecs) when the browser can decode their
 * syntax, else by the archive; colour frames always decoded by the archive, PALETTE COLOR and YBR
 * through its rendering. Over a slow link the first grey image comes as JPEG-LS lossless and the
 * rest of its series is staged (viewer/src/loading): the loader then hands out the staged slices. Every image's quality is recorded for the viewport's badge.
 */
import type { Image, ImageLoadObject } from 'cornerstone-core';
import { getString, type DicomJson } from '../../../shared/dicom/dicom-json';
import { Tag } from '../../../shared/dicom/tags';
import { transferSyntax } from '../../../shared/dicom/transfer-syntaxes';
import {
  JPEG_LS_ACCEPT,
  JPEG_LS_LOSSLESS,
  NATIVE_FRAMES_ACCEPT,
  STORED_FRAMES_ACCEPT,
  decodableInBrowser,
  isNativeLittleEndian,
} from '../codecs/browser-syntaxes';
import { decodeInBrowser } from '../codecs/decode-in-browser';
import { retrieveFrameParts, type FramePart } from '../dicomweb/retrieve';
import { setQuality } from '../loading/image-quality';
import { isFastLink, seedFromResourceTiming } from '../loading/link-estimate';
import { addSeriesBytes } from '../loading/series-bytes';
import { isUnstaged, stagedSeriesOf } from '../loading/staged-series';
import { colorImage, imageFromNative } from './grey-image';
import type { FrameRef } from './image-ids';
import { frameAttributes, type FrameAttributes } from './image-attributes';
import { instanceOf, parseImageId } from './image-ids';
import { needsRendering, retrieveRenderedFrame } from './rendered-frame';

export function loadDicomwebImage(imageId: string): ImageLoadObject {
  return { promise: loadImage(imageId) };
}

async function loadImage(imageId: string): Promise<Image> {
  const ref = parseImageId(imageId);
  const staged = stagedSeriesOf(ref.seriesUid)?.load(imageId);
  if (staged) return staged;
  const instance = instanceOf(ref.sopUid);
  if (!instance) throw new Error(`no metadata for ${ref.sopUid}`);
  const a = frameAttributes(instance, ref.frame);
  if (needsRendering(a.photometricInterpretation)) {
    const rendered = await retrieveRenderedFrame(ref);
    setQuality(imageId, storedLossy(instance) ? 'lossy' : 'lossless'); // PNG: nothing lost on the way
    return colorImage(imageId, rendered.rgba, rendered.rows, rendered.columns, a);
  }
  // Only until the series' loading is chosen (viewer-page.ts): a series loaded as stored stays so.
  if (stageable(instance, a) && !isUnstaged(ref.seriesUid)) {
    seedFromResourceTiming();
    if (!isFastLink()) {
      const image = await smallestLosslessImage(imageId, ref, a);
      if (image) return image;
    }
  }
  const frame = await nativeFrame(ref, a);
  setQuality(imageId, storedLossy(instance) || (receivedLossy(frame.transferSyntax) && !storedLossless(instance)) ? 'lossy' : 'lossless');
  return imageFromNative(imageId, frame.bytes, a);
}

/** Stored lossy (Lossy Image Compression 01, PS3.3 C.7.6.1.1.5): shown as stored, labelled lossy, never staged. */
function storedLossy(instance: DicomJson): boolean {
  return getString(instance, Tag.LossyImageCompression)?.trim() === '01';
}

function storedLossless(instance: DicomJson): boolean {
  return getString(instance, Tag.LossyImageCompression)?.trim() === '00';
}

/** A syntax that may be lossy (JPEG DCT, JPEG-LS near-lossless, JPEG 2000 / HTJ2K without "lossless only"). */
function receivedLossy(uid: string | undefined): boolean {
  return uid !== undefined && transferSyntax(uid)?.lossy === true;
}

/** Grey, one sample, not stored lossy: its frames can be had as lossless .202 prefixes. */
export function stageable(instance: DicomJson, a: FrameAttributes): boolean {
  return a.samplesPerPixel === 1 && !storedLossy(instance) && !needsRendering(a.photometricInterpretation);
}

/**
 * Over a slow link the first image of a series: JPEG-LS lossless, the smallest lossless form the
 * archive makes (3.65:1 on the corpus CT against 3.28:1 for HTJ2K), decoded by the smallest
 * decoder (CharLS, 33 KB against OpenJPH's 77 KB); undefined if the archive cannot make it.
 */
async function smallestLosslessImage(imageId: string, ref: FrameRef, a: FrameAttributes): Promise<Image | undefined> {
  let part: FramePart;
  try {
    part = await framePart(ref, JPEG_LS_ACCEPT);
  } catch {
    return undefined; // e.g. 406 from an archive that does not encode: as stored, then
  }
  if (part.transferSyntax !== JPEG_LS_LOSSLESS) return undefined;
  const shape = { rows: a.rows, columns: a.columns, samplesPerPixel: a.samplesPerPixel, bitsAllocated: a.bitsAllocated };
  const bytes = await decodeInBrowser(JPEG_LS_LOSSLESS, part.body, shape);
  setQuality(imageId, 'lossless');
  return imageFromNative(imageId, bytes, a);
}

/** Native little-endian bytes of the frame, decoded here or by the archive, and the syntax it came in. */
async function nativeFrame(ref: FrameRef, a: FrameAttributes): Promise<{ bytes: Uint8Array; transferSyntax: string | undefined }> {
  // Colour stays with the archive's decoding: its output is interleaved RGB whatever the header says.
  const part = await framePart(ref, a.samplesPerPixel === 1 ? STORED_FRAMES_ACCEPT : NATIVE_FRAMES_ACCEPT);
  if (isNativeLittleEndian(part.transferSyntax)) return { bytes: part.body, transferSyntax: part.transferSyntax };
  const shape = { rows: a.rows, columns: a.columns, samplesPerPixel: a.samplesPerPixel, bitsAllocated: a.bitsAllocated };
  try {
    if (decodableInBrowser(part.transferSyntax))
      return { bytes: await decodeInBrowser(part.transferSyntax!, part.body, shape), transferSyntax: part.transferSyntax };
  } catch {
    // e.g. a 12-bit DCT frame labelled baseline: the archive decodes it below.
  }
  const native = await framePart(ref, NATIVE_FRAMES_ACCEPT);
  return { bytes: native.body, transferSyntax: part.transferSyntax };
}

/** One frame through Retrieve Frames, counted for the series' progress. */
async function framePart(ref: FrameRef, accept: string): Promise<FramePart> {
  const [part] = await retrieveFrameParts(ref.studyUid, ref.seriesUid, ref.sopUid, [ref.frame], accept);
  if (!part) throw new Error(`frame ${ref.frame} of ${ref.sopUid} is empty`);
  addSeriesBytes(ref.seriesUid, part.body.length);
  return part;
}
