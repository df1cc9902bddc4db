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

/**
 * Native bytes → a grey or colour image. A grey image's pixel range (and the masking to Bits Stored
 * it may call for) is found when something first reads it: of a series loaded in the background
 * most images are cached long before they are drawn, and the range of a 512×512 frame costs the
 * page's one thread as much as a tenth of its fetch (issue 11).
 */
export function imageFromNative(imageId: string, bytes: Uint8Array, a: FrameAttributes): Image {
  if (a.samplesPerPixel === 3) {
    const decoded = decodePixels(bytes, a);
    return colorImage(imageId, decoded.pixels as Uint8Array, a.rows, a.columns, a);
  }
  const sampleBytes = a.bitsAllocated === 8 ? 1 : 2;
  if (bytes.length < a.rows * a.columns * sampleBytes)
    throw new Error(`frame has ${bytes.length} bytes, ${a.rows}×${a.columns}×${sampleBytes} expected`);
  let decoded: DecodedPixels | undefined;
  const pixels = () => (decoded ??= decodePixels(bytes, a));
  return lazyGreyImage(imageId, pixels, a, a.rows * a.columns * sampleBytes);
}

/** greyImage, with the values that need the pixels read as properties that decode on first use (and may be set, as upgradeImage does). */
function lazyGreyImage(imageId: string, decoded: () => DecodedPixels, a: FrameAttributes, sizeInBytes: number): Image {
  const image = {
    ...frameGeometry(imageId, a.rows, a.columns, a),
    slope: a.slope,
    intercept: a.intercept,
    getPixelData: () => decoded().pixels,
    color: false,
    invert: a.photometricInterpretation === 'MONOCHROME1',
    sizeInBytes,
  } as Image;
  const windowWidth = () =>
    a.windowWidth !== undefined && a.windowWidth > 0 ? a.windowWidth : Math.max(1, (decoded().max - decoded().min) * a.slope);
  const lazy = (name: keyof Image, value: () => number) => {
    let set: number | undefined;
    Object.defineProperty(image, name, {
      get: () => set ?? value(),
      set: (v: number) => (set = v),
      enumerable: true,
      configurable: true,
    });
  };
  lazy('minPixelValue', () => decoded().min);
  lazy('maxPixelValue', () => decoded().max);
  lazy('windowWidth', windowWidth);
  lazy('windowCenter', () => a.windowCenter ?? decoded().min * a.slope + a.intercept + windowWidth() / 2);
  return image;
}
