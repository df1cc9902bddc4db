/**
 * The cornerstone image loader for `dicomweb:` ids: one frame from Retrieve Frames (native bytes,
 * the archive decodes compressed syntaxes), described by the series metadata already fetched;
 * PALETTE COLOR and YBR frames through the archive's rendering.
 */
import type { Image, ImageLoadObject } from 'cornerstone-core';
import { retrieveFrames } from '../dicomweb/retrieve';
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
  const [bytes] = await retrieveFrames(ref.studyUid, ref.seriesUid, ref.sopUid, [ref.frame]);
  if (!bytes) throw new Error(`frame ${ref.frame} of ${ref.sopUid} is empty`);
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

function geometry(imageId: string, rows: number, columns: number, a: FrameAttributes) {
  return { imageId, rows, columns, height: rows, width: columns, rowPixelSpacing: a.pixelSpacing?.[0], columnPixelSpacing: a.pixelSpacing?.[1] };
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
