/**
 * For end-to-end tests and benchmarks: `globalThis.pacsCachedPixels(imageId)` gives the pixels
 * cornerstone holds for an image (base64 of the typed array's bytes) and what they are, so a test
 * can check that the final image equals the stored pixels bit for bit. Reads what is loaded;
 * asks the loader only for an image of a staged series, which is then already there.
 */
import cornerstone from 'cornerstone-core';
import { qualityOf, type ImageQuality } from './image-quality';
import { stagedSeriesOf } from './staged-series';
import { parseImageId } from '../imaging/image-ids';

export interface CachedPixels {
  quality: ImageQuality | undefined;
  base64: string;
}

async function cachedPixels(imageId: string): Promise<CachedPixels | undefined> {
  const cached = cornerstone.imageCache.getImageLoadObject(imageId)?.promise;
  const image = await (cached ?? (stagedSeriesOf(parseImageId(imageId).seriesUid) ? cornerstone.loadAndCacheImage(imageId) : undefined));
  if (!image) return undefined;
  const pixels = image.getPixelData();
  const bytes = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { quality: qualityOf(imageId), base64: btoa(binary) };
}

export function exposeCachedPixelsProbe(): void {
  (globalThis as { pacsCachedPixels?: typeof cachedPixels }).pacsCachedPixels = cachedPixels;
}
