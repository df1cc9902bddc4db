/**
 * Loads the images of a series into cornerstone's cache in the background, at most `concurrency`
 * requests at a time, reporting progress at most every PROGRESS_MS (a report redraws the series
 * list: per image, on loopback, that is 100 redraws a second for nobody to read) and always at
 * the end; `cancel` stops starting new loads.
 */
import cornerstone from 'cornerstone-core';

export interface Prefetch {
  readonly done: Promise<void>;
  cancel(): void;
}

const PROGRESS_MS = 100;

export function prefetchImages(
  imageIds: readonly string[],
  onProgress: (loaded: number, total: number) => void,
  concurrency = 6,
): Prefetch {
  let next = 0;
  let loaded = 0;
  let cancelled = false;
  let reportedAt = -Infinity;
  let pending: ReturnType<typeof setTimeout> | undefined;
  const report = () => {
    pending = undefined;
    reportedAt = performance.now();
    if (!cancelled) onProgress(loaded, imageIds.length);
  };
  const progressed = () => {
    if (loaded === imageIds.length || performance.now() - reportedAt >= PROGRESS_MS) {
      clearTimeout(pending);
      report();
    } else pending ??= setTimeout(report, PROGRESS_MS - (performance.now() - reportedAt));
  };
  const worker = async () => {
    while (!cancelled && next < imageIds.length) {
      const imageId = imageIds[next++]!;
      try {
        await cornerstone.loadAndCacheImage(imageId);
      } catch {
        // the viewport shows the error when that image is displayed
      }
      loaded++;
      progressed();
    }
  };
  const done = Promise.all(Array.from({ length: Math.min(concurrency, imageIds.length) }, worker)).then(() => undefined);
  return {
    done,
    cancel() {
      cancelled = true;
      clearTimeout(pending);
    },
  };
}
