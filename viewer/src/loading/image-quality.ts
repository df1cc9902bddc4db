/**
 * What each image in cornerstone's cache is: a preview (a lower resolution shown upscaled), a lossy
 * image (stored lossy, or received in a lossy syntax) or the lossless image. Viewports show it as
 * a badge and in `data-quality`; measurements on a preview are marked. When better pixels arrive
 * the image object itself is upgraded, so the cache, the viewports showing it and the
 * measurements keyed by its imageId all see the new pixels, and the viewports keep their window,
 * zoom and pan.
 */
import cornerstone, { type Image, type PixelArray } from 'cornerstone-core';
import { loadedMeasurementTools } from '../imaging/load-measurement-tools';

export type ImageQuality = 'preview' | 'lossy' | 'lossless';

const qualities = new Map<string, ImageQuality>();

export function qualityOf(imageId: string | undefined): ImageQuality | undefined {
  return imageId === undefined ? undefined : qualities.get(imageId);
}

export function setQuality(imageId: string, quality: ImageQuality): void {
  qualities.set(imageId, quality);
}

/**
 * Previews leave cornerstone's cache with the stages that would have upgraded them; lossless and
 * lossy images stay, and so does what they are.
 */
export function forgetPreviews(): void {
  for (const [imageId, quality] of qualities) {
    if (quality !== 'preview') continue;
    if (cornerstone.imageCache.getImageLoadObject(imageId)) cornerstone.imageCache.removeImageLoadObject(imageId);
    qualities.delete(imageId);
  }
}

/** Replaces the pixels of an image already in the cache and redraws every viewport showing it. */
export function upgradeImage(image: Image, pixels: PixelArray, min: number, max: number, quality: ImageQuality): void {
  image.getPixelData = () => pixels;
  image.minPixelValue = min;
  image.maxPixelValue = max;
  // cornerstone keeps the LUT it built from the old min/max on the image.
  delete (image as Image & { cachedLut?: unknown }).cachedLut;
  qualities.set(image.imageId, quality);
  // Measurement statistics are recomputed on the new pixels at the next render.
  for (const m of loadedMeasurementTools()?.measurementsOfImage(image.imageId) ?? []) m.data.invalidated = true;
  for (const enabled of cornerstone.getEnabledElements()) {
    if (enabled.image?.imageId === image.imageId) cornerstone.updateImage(enabled.element, true);
  }
}
