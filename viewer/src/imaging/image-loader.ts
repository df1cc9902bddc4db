/**
 * The cornerstone image loader for `dicomweb:` ids: one frame from Retrieve Frames, described by
 * the series metadata already fetched. Grey frames come as stored when the browser can decode
 * their syntax (fewer bytes over slow links; decoded in a worker, viewer/src/codecs), else
 * decoded by the archive; colour frames always decoded by the archive, PALETTE COLOR and YBR
 * through its rendering.
 */
import type { Image, ImageLoadObject } from 'cornerstone-core';
import { COMPRESSED_FRAMES_ACCEPT, NATIVE_FRAMES_ACCEPT, decodableInBrowser } from '../codecs/browser-syntaxes';
import { decodeInBrowser } from '../codecs/decode-in-browser';
import { retrieveFrameParts } from '../dicomweb/retrieve';
import type { FrameRef } from './image-ids';
import { frameAttributes, type FrameAttributes } from './image-attributes';
import { instanceOf, parseImageId } from './image-ids';
import { decodePixels } from './pixel-decode';
import { needsRendering, retrieveRenderedFrame } from './rendered-frame';

export function loadDicomwebImage(imageId: string): ImageLoadObject {
  return { promise: loadImage(imageId) };
}

async function loadImage(imageId: string): Promise<Image> {
  const ref = parseImageId(imageId);
  const instance = instanceOf(ref.sopUid);
  if (!instance) throw new Error(`no metadata for ${ref.sopUid}`);
  const a = frameAttributes(instance, ref.frame);
  if (needsRendering(a.photometricInterpretation)) {
    const rendered = await retrieveRenderedFrame(ref);
    return colorImage(imageId, rendered.rgba, rendered.rows, rendered.columns, a);
  }
  const bytes = await nativeFrame(ref, a);
  const decoded = decodePixels(bytes, a);
  if (decoded.color) return colorImage(imageId, decoded.pixels as Uint8Array, a.rows, a.columns, a);
  const windowWidth = a.windowWidth !== undefined && a.windowWidth > 0 ? a.windowWidth : Math.max(1, (decoded.max - decoded.min) * a.slope);
  const windowCenter = a.windowCenter ?? decoded.min * a.slope + a.intercept + windowWidth / 2;
  const pixels = decoded.pixels;
  return {
    ...geometry(imageId, a.rows, a.columns, a),
    minPixelValue: decoded.min,
    maxPixelValue: decoded.max,
    slope: a.slope,
    intercept: a.intercept,
    windowCenter,
    windowWidth,
    getPixelData: () => pixels,
    color: false,
    invert: a.photometricInterpretation === 'MONOCHROME1',
    sizeInBytes: pixels.byteLength,
  };
}

/** Native little-endian bytes of the frame, decoded here or by the archive. */
async function nativeFrame(ref: FrameRef, a: FrameAttributes): Promise<Uint8Array> {
  // Colour stays with the archive's decoding: its output is interleaved RGB whatever the header says.
  const accept = a.samplesPerPixel === 1 ? COMPRESSED_FRAMES_ACCEPT : NATIVE_FRAMES_ACCEPT;
  const [part] = await retrieveFrameParts(ref.studyUid, ref.seriesUid, ref.sopUid, [ref.frame], accept);
  if (!part) throw new Error(`frame ${ref.frame} of ${ref.sopUid} is empty`);
  if (!decodableInBrowser(part.transferSyntax)) return part.body;
  const shape = { rows: a.rows, columns: a.columns, samplesPerPixel: a.samplesPerPixel, bitsAllocated: a.bitsAllocated };
  try {
    return await decodeInBrowser(part.transferSyntax!, part.body, shape);
  } catch {
    // e.g. a 12-bit DCT frame labelled baseline: ask the archive to decode it.
    const [native] = await retrieveFrameParts(ref.studyUid, ref.seriesUid, ref.sopUid, [ref.frame], NATIVE_FRAMES_ACCEPT);
    if (!native) throw new Error(`frame ${ref.frame} of ${ref.sopUid} is empty`);
    return native.body;
  }
}

function geometry(imageId: string, rows: number, columns: number, a: FrameAttributes) {
  return {
    imageId,
    rows,
    columns,
    height: rows,
    width: columns,
    rowPixelSpacing: a.pixelSpacing?.[0],
    columnPixelSpacing: a.pixelSpacing?.[1],
  };
}

/** An RGBA image; cornerstone applies window/level to colour through a LUT on each channel. */
function colorImage(imageId: string, rgba: Uint8Array, rows: number, columns: number, a: FrameAttributes): Image {
  return {
    ...geometry(imageId, rows, columns, a),
    minPixelValue: 0,
    maxPixelValue: 255,
    slope: 1,
    intercept: 0,
    windowCenter: 128,
    windowWidth: 256,
    getPixelData: () => rgba,
    color: true,
    rgba: false,
    invert: false,
    sizeInBytes: rgba.byteLength,
  };
}
