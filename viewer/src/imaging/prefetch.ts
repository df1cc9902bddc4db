/**
 * Loads the images of a series into cornerstone's cache in the background, at most `concurrency`
 * requests at a time, reporting progress; `cancel` stops starting new loads.
 */
import cornerstone from 'cornerstone-core';

export interface Prefetch {
  readonly done: Promise<void>;
  cancel(): void;
}

export function prefetchImages(
  imageIds: readonly string[],
  onProgress: (loaded: number, total: number) => void,
  concurrency = 6,
): Prefetch {
  let next = 0;
  let loaded = 0;
  let cancelled = false;
  const worker = async () => {
    while (!cancelled && next < imageIds.length) {
      const imageId = imageIds[next++]!;
      try {
        await cornerstone.loadAndCacheImage(imageId);
      } catch {
        // the viewport shows the error when that image is displayed
      }
      loaded++;
      if (!cancelled) onProgress(loaded, imageIds.length);
    }
  };
  const done = Promise.all(Array.from({ length: Math.min(concurrency, imageIds.length) }, worker)).then(() => undefined);
  return {
    done,
    cancel() {
      cancelled = true;
    },
  };
}
