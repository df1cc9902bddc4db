/**
 * A series after its first image is shown: staged over a slow link (previews, then lossless),
 * else the whole series as stored, four images at a time; progress goes to the series browser.
 */
import cornerstone from 'cornerstone-core';
import { frameAttributes } from '../imaging/image-attributes';
import { stageable } from '../imaging/image-loader';
import { prefetchImages, type Prefetch } from '../imaging/prefetch';
import { qualityOf } from '../loading/image-quality';
import { isFastLink, linkEstimate, seedFromResourceTiming } from '../loading/link-estimate';
import { seriesBytes } from '../loading/series-bytes';
import { markUnstaged, startStaging } from '../loading/staged-series';
import type { SeriesProgress } from '../loading/staged-series';
import type { SeriesModel } from './study-model';

export interface SeriesLoading {
  /** Starts loading the series unless it is loading already. */
  start(series: SeriesModel): void;
  cancelAll(): void;
}

export function createSeriesLoading(onProgress: (seriesUid: string, progress: SeriesProgress) => void): SeriesLoading {
  const loading = new Map<string, Prefetch>();

  const loadAsStored = (s: SeriesModel) => {
    markUnstaged(s.seriesUid);
    const report = (loaded: number, total: number) =>
      onProgress(s.seriesUid, {
        loaded,
        lossless: s.imageIds.filter((id) => qualityOf(id) === 'lossless').length,
        final: loaded,
        total,
        bytes: seriesBytes(s.seriesUid),
        bitsPerSecond: linkEstimate().bitsPerSecond,
        etaSeconds: undefined,
      });
    report(0, s.imageIds.length);
    loading.set(s.seriesUid, prefetchImages(s.imageIds, report));
  };

  return {
    start(s) {
      if (loading.has(s.seriesUid)) return;
      const first = s.instances[0];
      seedFromResourceTiming(); // with the first image's transfer
      if (!isFastLink() && s.imageIds.length > 1 && first && stageable(first, frameAttributes(first))) {
        const staged = startStaging(
          s,
          (progress) => onProgress(s.seriesUid, progress),
          () => loadAsStored(s),
          (imageId) => cornerstone.loadImage(imageId),
        );
        loading.set(s.seriesUid, { done: Promise.resolve(), cancel: () => staged.stop() });
        return;
      }
      loadAsStored(s);
    },
    cancelAll() {
      for (const p of loading.values()) p.cancel();
      loading.clear();
    },
  };
}
