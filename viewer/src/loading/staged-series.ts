/**
 * The staged loading of one series over a slow link (issue 11 item 4): after the first image, a
 * preview of every slice (a prefix of its .202 codestream), then the lossless rest of each slice
 * (the remainder of the same codestream, so no byte is sent twice), both outward from the slice
 * on screen (load-order.ts). The slice the viewport asks for has a request slot of its own, so
 * it never waits behind the background queue. Each slice has one cornerstone Image from its first
 * pixels on, upgraded in place when better pixels arrive (image-quality.ts).
 */
import type { Image } from 'cornerstone-core';
import { readHtj2kLayout } from '../../../shared/codecs/htj2k-codestream';
import { prepareDecoding } from '../codecs/decode-in-browser';
import { frameAttributes, type FrameAttributes } from '../imaging/image-attributes';
import { imageFromNative } from '../imaging/grey-image';
import { parseImageId, type FrameRef } from '../imaging/image-ids';
import { decodePixels } from '../imaging/pixel-decode';
import type { SeriesModel } from '../viewer/study-model';
import { codestreamPixels } from './codestream-pixels';
import { fetchCodestreamRange, HTJ2K_RPCL } from './htj2k-range';
import { qualityOf, setQuality, upgradeImage } from './image-quality';
import { linkEstimate, seedFromResourceTiming } from './link-estimate';
import { addSeriesBytes, seriesBytes } from './series-bytes';
import { focusJob, nextJob, nextRemainder, outward, type Job, type SliceState } from './load-order';
import { planStages, type StagePlan } from './stage-plan';

/** Enough for the main header (about 160 bytes for one grey component) and the smallest resolutions. */
const PROBE_BYTES = 2048;

export interface SeriesProgress {
  /** Slices with an image (preview or better). */
  loaded: number;
  lossless: number;
  /** Slices whose image will not get better (lossless, lossy as stored, or failed). */
  final: number;
  total: number;
  /** Frame bytes received for this series. */
  bytes: number;
  bitsPerSecond: number | undefined;
  /** Seconds until every slice is lossless at the current rate, when known. */
  etaSeconds: number | undefined;
}

interface Slice extends SliceState {
  imageId: string;
  ref: FrameRef;
  attributes: FrameAttributes;
  received?: Uint8Array;
  total?: number;
  etag?: string;
  image?: Image;
  waiting: { resolve(image: Image): void; reject(error: unknown): void }[];
  failed?: unknown;
}

export interface StagedSeries {
  /** The slice's image, fetched first if it has none yet; undefined if the id is not in this series. */
  load(imageId: string): Promise<Image> | undefined;
  /** The viewport now shows this image: its slice goes first. */
  focus(imageId: string): void;
  /** Undefined until the first prefix has been read. */
  readonly plan: StagePlan | undefined;
  progress(): SeriesProgress;
  stop(): void;
}

const running = new Map<string, StagedSeries>();

export function stagedSeriesOf(seriesUid: string): StagedSeries | undefined {
  return running.get(seriesUid);
}

export function stopAllStaging(): void {
  for (const staged of running.values()) staged.stop();
  running.clear();
}

/**
 * Stages `series`, whose first image is already loaded lossless. The previews are sized from the
 * codestream layout of one slice, read from a first small prefix of it (its main header's TLM
 * gives every tile-part's length), which is then that slice's start; `onUnstaged` is called
 * instead when the archive cannot send .202 or the plan says the link does not need stages, and
 * the slices asked for meanwhile are loaded by `asStored`.
 */
export function startStaging(
  series: SeriesModel,
  onProgress: (progress: SeriesProgress) => void,
  onUnstaged: () => void,
  asStored: (imageId: string) => Promise<Image>,
): StagedSeries {
  let plan: StagePlan | undefined;
  const slices: Slice[] = series.imageIds.map((imageId, i) => {
    const ref = parseImageId(imageId);
    // The first image was loaded whole before staging began.
    const stage = qualityOf(imageId) === 'lossless' ? 'lossless' : 'none';
    return { imageId, ref, attributes: frameAttributes(series.instances[i]!, ref.frame), stage, busy: false, waiting: [] };
  });
  const byId = new Map(slices.map((s, i) => [s.imageId, i]));
  let focus = slices.findIndex((s) => s.stage === 'lossless');
  if (focus < 0) focus = 0;
  let foregroundBusy = false;
  let backgroundBusy = 0;
  let stopped = false;

  const progress = (): SeriesProgress => {
    const lossless = slices.filter((s) => s.stage === 'lossless' && !s.failed).length;
    const totals = slices.flatMap((s) => (s.total !== undefined ? [s.total] : []));
    const average = totals.length > 0 ? totals.reduce((a, b) => a + b, 0) / totals.length : undefined;
    const rate = linkEstimate().bitsPerSecond;
    let remaining = 0;
    for (const s of slices) if (s.stage !== 'lossless') remaining += (s.total ?? average ?? 0) - (s.received?.length ?? 0);
    return {
      loaded: slices.filter((s) => s.image !== undefined || (s.stage === 'lossless' && !s.failed)).length,
      lossless,
      final: slices.filter((s) => s.stage === 'lossless').length,
      total: slices.length,
      bytes: seriesBytes(series.seriesUid),
      bitsPerSecond: rate,
      etaSeconds: rate && average !== undefined ? (remaining * 8) / rate : undefined,
    };
  };

  const settle = (slice: Slice) => {
    // A prefix without a whole resolution leaves its waiters for the remainder.
    if (!slice.image && !slice.failed) return;
    const waiting = slice.waiting.splice(0);
    for (const w of waiting) {
      if (slice.image) w.resolve(slice.image);
      else w.reject(slice.failed ?? new Error(`no image for ${slice.imageId}`));
    }
  };

  /** Bytes [from, end) of the slice's codestream, appended to what it has. */
  const receive = async (slice: Slice, end: number | undefined, priority: RequestPriority) => {
    const from = slice.received?.length ?? 0;
    const range = await fetchCodestreamRange(slice.ref, from, end, slice.etag, priority);
    addSeriesBytes(series.seriesUid, range.bytes.length);
    if (range.start === 0) slice.received = range.bytes;
    else if (range.start === from) slice.received = concat(slice.received!, range.bytes);
    else throw new Error(`range ${range.start} of ${slice.imageId} does not follow the ${from} bytes received`);
    slice.total = range.total;
    slice.etag = range.etag;
  };

  /** `received`: the bytes are in, the request slot is free; decoding follows. */
  const fetchJob = async (slice: Slice, job: Job, foreground: boolean, received: () => void) => {
    const end = job.kind === 'preview' ? plan!.previewBytes : undefined;
    // The probed slice may already hold its preview's bytes.
    if (end === undefined || (slice.received?.length ?? 0) < Math.min(end, slice.total ?? Infinity))
      await receive(slice, end, foreground ? 'high' : 'low');
    received();
    const pixels = await codestreamPixels(slice.received!, slice.total!, slice.attributes);
    if (!pixels) {
      slice.noPreview = true; // the prefix held no whole resolution: the rest comes with the remainder
      return;
    }
    decoderLoaded = true;
    const quality = pixels.quality;
    if (!slice.image) {
      slice.image = imageFromNative(slice.imageId, pixels.bytes, slice.attributes);
      setQuality(slice.imageId, quality);
    } else {
      const decoded = decodePixels(pixels.bytes, slice.attributes);
      upgradeImage(slice.image, decoded.pixels, decoded.min, decoded.max, quality);
    }
    slice.stage = quality;
  };

  /** Background remainders started in the slot plan.remaindersDuringPreviews keeps for them. */
  let remaindersDuringPreviews = 0;

  /** A slice has decoded: the HTJ2K decoder has loaded. */
  let decoderLoaded = false;

  /** The slice whose request holds the foreground slot, while it does. */
  let foregroundIndex: number | undefined;

  const run = (index: number, job: Job, foreground: boolean, duringPreviews = false) => {
    const slice = slices[index]!;
    slice.busy = true;
    if (foreground) {
      foregroundBusy = true;
      foregroundIndex = index;
    } else backgroundBusy++;
    if (duringPreviews) remaindersDuringPreviews++;
    let holding = true;
    const release = () => {
      if (!holding) return;
      holding = false;
      // Still holding the foreground slot, or demoted to the background by a scroll (focus).
      if (foregroundBusy && foregroundIndex === index) {
        foregroundBusy = false;
        foregroundIndex = undefined;
      } else backgroundBusy--;
      if (duringPreviews) remaindersDuringPreviews--;
    };
    // Once the decoder has loaded, the slot is freed as soon as the bytes are in, so the next
    // request goes out while this slice decodes. Before, it is held: the decoder's download, which
    // every preview waits for, then has the link (a jump right after the first image was 0.1–0.2 s
    // slower at 4 Mbit/s when previews kept coming meanwhile). The slice stays busy until decoded,
    // so it is not asked for twice.
    const received = () => {
      if (!decoderLoaded) return;
      release();
      if (!stopped) pump();
    };
    fetchJob(slice, job, foreground, received)
      .catch((error: unknown) => {
        // Shown by the viewport when it asks for this slice; the others go on.
        slice.failed = error;
        slice.stage = 'lossless';
      })
      .finally(() => {
        slice.busy = false;
        release();
        settle(slice);
        if (!stopped) {
          onProgress(progress());
          pump();
        }
      });
  };

  const pump = () => {
    if (stopped || !plan) return;
    if (!foregroundBusy) {
      const job = focusJob(slices, focus);
      if (job) run(job.index, job, true);
    }
    for (;;) {
      const job = nextJob(slices, focus);
      if (!job) break;
      const previewing = job.kind === 'preview';
      if (
        backgroundBusy - (previewing ? remaindersDuringPreviews : 0) >=
        (previewing ? plan.previewConcurrency : plan.remainderConcurrency)
      )
        break;
      run(job.index, job, false);
    }
    while (nextJob(slices, focus)?.kind === 'preview' && remaindersDuringPreviews < plan.remaindersDuringPreviews) {
      const job = nextRemainder(slices, focus);
      if (!job) break;
      run(job.index, job, false, true);
    }
  };

  /** One slice's first bytes, next to the one on screen: its main header sizes the plan. */
  const probe = async () => {
    const index = outward(focus, slices.length).find((i) => slices[i]!.stage === 'none');
    if (index === undefined) return;
    const slice = slices[index]!;
    slice.busy = true;
    try {
      await receive(slice, PROBE_BYTES, 'high');
      const ends = readHtj2kLayout(slice.received!).resolutionEnds;
      seedFromResourceTiming(); // the first image's transfer
      plan = ends ? planStages(linkEstimate(), slices.length, ends) : undefined;
    } catch {
      plan = undefined; // e.g. 406: the archive does not make .202
    } finally {
      slice.busy = false;
    }
    if (stopped) return;
    if (!plan?.staged) {
      staged.stop();
      onUnstaged();
      // Slices asked for while the prefix was on its way are loaded as the series now is.
      for (const slice of slices) for (const w of slice.waiting.splice(0)) asStored(slice.imageId).then(w.resolve, w.reject);
      return;
    }
    for (const slice of slices) if (slice.stage === 'none' && qualityOf(slice.imageId) === 'lossless') slice.stage = 'lossless';
    pump();
  };

  const staged: StagedSeries = {
    get plan() {
      return plan;
    },
    load(imageId) {
      const index = byId.get(imageId);
      if (index === undefined) return undefined;
      const slice = slices[index]!;
      if (slice.image) return Promise.resolve(slice.image);
      if (slice.failed) return Promise.reject(slice.failed);
      if (slice.stage === 'lossless') return undefined; // loaded by the loader before the plan
      const promise = new Promise<Image>((resolve, reject) => slice.waiting.push({ resolve, reject }));
      staged.focus(imageId);
      return promise;
    },
    focus(imageId) {
      const index = byId.get(imageId);
      if (index === undefined) return;
      focus = index;
      // The user moved on: the request for the slice left goes on in the background, and frees the slot.
      if (foregroundBusy && foregroundIndex !== index) {
        foregroundBusy = false;
        foregroundIndex = undefined;
        backgroundBusy++;
      }
      pump();
    },
    progress,
    stop() {
      stopped = true;
      running.delete(series.seriesUid);
    },
  };
  running.set(series.seriesUid, staged);
  onProgress(progress());
  // The decoder loads beside the probe, after the first image's bytes and before the previews',
  // which otherwise wait for it (0.2–0.3 s at 4 Mbit/s).
  prepareDecoding(HTJ2K_RPCL);
  void probe();
  return staged;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Series whose loading was chosen to be as stored (a fast link): their images no longer try JPEG-LS first. */
const unstaged = new Set<string>();

export function markUnstaged(seriesUid: string): void {
  unstaged.add(seriesUid);
}

export function isUnstaged(seriesUid: string): boolean {
  return unstaged.has(seriesUid);
}

export function forgetUnstaged(): void {
  unstaged.clear();
}
