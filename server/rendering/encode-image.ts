import type Sharp from 'sharp';
import { AppError } from '../../shared/errors';
import type { RenderedType } from './rendered-media-type';
import type { Viewport } from './render-options';

/** Interleaved 8-bit samples: gray (1 channel) or RGB (3); `pages` frames stacked top to bottom. */
export interface RasterImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
  pages: number;
}

export interface EncodeOptions {
  type: RenderedType;
  quality?: number;
  viewport?: Viewport;
  /** Without a viewport: fit into this square, never enlarging (thumbnails). */
  fitWithin?: number;
}

const DEFAULT_JPEG_QUALITY = 90;

/** sharp and libvips load with the first image rendered: ~15 MB an archive that never renders does not hold. */
let sharpModule: Promise<typeof Sharp> | undefined;
const loadSharp = () => (sharpModule ??= import('sharp').then((module) => module.default));

/**
 * Source region, flips and scaling to the viewport (PS3.18 8.3.5.1.3: region first, then the
 * viewport; the region keeps its aspect ratio inside the viewport), then encoding, all by sharp.
 */
export async function encodeImage(image: RasterImage, options: EncodeOptions): Promise<Buffer> {
  const { width, height, channels, pages } = image;
  const sharp = await loadSharp();
  let pipeline = sharp(image.data, { raw: { width, height: height * pages, channels, ...(pages > 1 ? { pageHeight: height } : {}) } });
  const region = options.viewport?.region;
  if (region) {
    const crop = regionBox(region, width, height);
    if (crop.left !== 0 || crop.top !== 0 || crop.width !== width || crop.height !== height) {
      pipeline = pipeline.extract({ left: crop.left, top: crop.top, width: crop.width, height: crop.height });
    }
    if (crop.flop) pipeline = pipeline.flop();
    if (crop.flip) pipeline = pipeline.flip();
  }
  if (options.viewport) {
    pipeline = pipeline.resize(options.viewport.width, options.viewport.height, { fit: 'inside' });
  } else if (options.fitWithin !== undefined && (width > options.fitWithin || height > options.fitWithin)) {
    pipeline = pipeline.resize(options.fitWithin, options.fitWithin, { fit: 'inside', withoutEnlargement: true });
  }
  // Gray stays one channel: smaller and faster than the sRGB sharp would otherwise produce.
  if (channels === 1) pipeline = pipeline.toColourspace('b-w');
  switch (options.type) {
    case 'image/jpeg':
      return pipeline.jpeg({ quality: options.quality ?? DEFAULT_JPEG_QUALITY }).toBuffer();
    case 'image/png':
      return pipeline.png({ compressionLevel: 4 }).toBuffer();
    case 'image/gif':
      // Least palette effort: 4× faster on a 96-frame cine. 256 grays need no dithering.
      return pipeline.gif({ effort: 1, ...(channels === 1 ? { dither: 0 } : {}), ...(pages > 1 ? { loop: 0 } : {}) }).toBuffer();
  }
}

/** The pixel box of a source region; a negative width or height reaches left or up from (sx, sy) and flips. */
function regionBox(region: NonNullable<Viewport['region']>, width: number, height: number) {
  const axis = (start: number, size: number | undefined, extent: number, name: string) => {
    const from = size !== undefined && size < 0 ? start + size : start;
    const length = size === undefined ? extent - start : Math.abs(size);
    if (from < 0 || length < 1 || from + length > extent) {
      throw new AppError('INVALID_QUERY', `The viewport's source region lies outside the ${width}×${height} image along ${name}.`);
    }
    return { from, length, flipped: size !== undefined && size < 0 };
  };
  const x = axis(region.x, region.width, width, 'x');
  const y = axis(region.y, region.height, height, 'y');
  return { left: x.from, top: y.from, width: x.length, height: y.length, flop: x.flipped, flip: y.flipped };
}
