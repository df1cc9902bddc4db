import { AppError } from '../../shared/errors';
import { renderColor } from './color';
import { encodeImage, type EncodeOptions } from './encode-image';
import type { FramePixels } from './frame-pixels';
import { renderGrayscale } from './grayscale';
import type { RenderingAttributes } from './rendering-attributes';
import type { WindowSetting } from './render-options';

export interface FrameToRender {
  pixels: FramePixels;
  attributes: RenderingAttributes;
}

const GRAYSCALE = new Set(['MONOCHROME1', 'MONOCHROME2']);

/**
 * Renders frames into one image: one frame, or several of the same size as the pages of an
 * animated GIF. Frames are rasterized as they arrive, so only 8-bit rasters accumulate.
 * `window` is the requested window (PS3.18 8.3.5.1.5); it applies to grayscale only.
 */
export async function renderImage(
  frames: Iterable<FrameToRender> | AsyncIterable<FrameToRender>,
  encode: EncodeOptions,
  window?: WindowSetting,
): Promise<Buffer> {
  const rasters: Uint8Array[] = [];
  let shape: { rows: number; columns: number; channels: 1 | 3 } | undefined;
  for await (const { pixels, attributes } of frames) {
    const { rows, columns } = pixels;
    if (!(rows > 0 && columns > 0)) throw new AppError('NOT_ACCEPTABLE', 'The image has no Rows or Columns, so it cannot be rendered.');
    shape ??= { rows, columns, channels: GRAYSCALE.has(pixels.photometricInterpretation) ? 1 : 3 };
    if (rows !== shape.rows || columns !== shape.columns)
      throw new AppError('NOT_ACCEPTABLE', 'The frames differ in size and cannot form one animation.');
    rasters.push(rasterize(pixels, attributes, window));
  }
  if (!shape) throw new Error('renderImage needs at least one frame');
  const data = rasters.length === 1 ? rasters[0]! : Buffer.concat(rasters);
  return encodeImage({ data, width: shape.columns, height: shape.rows, channels: shape.channels, pages: rasters.length }, encode);
}

/** One frame as 8-bit gray or RGB samples. */
export function rasterize(pixels: FramePixels, attributes: RenderingAttributes, window?: WindowSetting): Uint8Array {
  const photometric = pixels.photometricInterpretation;
  if (GRAYSCALE.has(photometric)) {
    if (pixels.samplesPerPixel !== 1) throw notRenderable(`${photometric} with ${pixels.samplesPerPixel} samples per pixel`);
    return renderGrayscale(pixels, attributes, window);
  }
  if (photometric === 'PALETTE COLOR' && !attributes.palette) throw notRenderable('PALETTE COLOR without readable palette lookup tables');
  if (photometric !== 'PALETTE COLOR' && pixels.samplesPerPixel !== 3)
    throw notRenderable(`${photometric} with ${pixels.samplesPerPixel} samples per pixel`);
  return renderColor(pixels, attributes.palette);
}

function notRenderable(what: string): AppError {
  return new AppError('NOT_ACCEPTABLE', `Frames in ${what} cannot be rendered.`);
}
