/** Cornerstone images built from a frame's native little-endian bytes and its attributes. */
import type { Image } from 'cornerstone-core';
import type { FrameAttributes } from './image-attributes';
import { decodePixels, type DecodedPixels } from './pixel-decode';

export function frameGeometry(imageId: string, rows: number, columns: number, a: FrameAttributes) {
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

/** A grey image; its window comes from the metadata, else from the pixel range. */
export function greyImage(imageId: string, decoded: DecodedPixels, a: FrameAttributes): Image {
  const windowWidth = a.windowWidth !== undefined && a.windowWidth > 0 ? a.windowWidth : Math.max(1, (decoded.max - decoded.min) * a.slope);
  const windowCenter = a.windowCenter ?? decoded.min * a.slope + a.intercept + windowWidth / 2;
  const pixels = decoded.pixels;
  return {
    ...frameGeometry(imageId, a.rows, a.columns, a),
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

/** An RGBA image; cornerstone applies window/level to colour through a LUT on each channel. */
export function colorImage(imageId: string, rgba: Uint8Array, rows: number, columns: number, a: FrameAttributes): Image {
  return {
    ...frameGeometry(imageId, rows, columns, a),
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

/** Native bytes → a grey or colour image. */
export function imageFromNative(imageId: string, bytes: Uint8Array, a: FrameAttributes): Image {
  const decoded = decodePixels(bytes, a);
  if (decoded.color) return colorImage(imageId, decoded.pixels as Uint8Array, a.rows, a.columns, a);
  return greyImage(imageId, decoded, a);
}
