import type { IndexedNotice } from '../ingest/store-instance';
import { encodeStored, encodingProblem, type EncodingDeps } from './encoded-frames';
import { storedFrames, storedImage } from './native-frame';
import { locate } from './stored-instance';

/** HTJ2K with RPCL progression: what the viewer fetches by byte ranges, resolution by resolution. */
export const INGEST_SYNTAX = '1.2.840.10008.1.2.4.202';

/** Instances waiting at most; more are not derived at ingest (their first reader encodes them). */
const MAX_QUEUED = 10_000;

/** Ingest counts as quiet this long after the last instance arrived ... */
const QUIET_MS = 1_000;
/** ... and a frame waits for quiet at most this long, so a steady stream of instances delays derivation but never stops it. */
const MAX_WAIT_MS = 10_000;

/**
 * `PACS_DERIVE_AT_INGEST`: the frames of grey instances of the chosen modalities are encoded as
 * HTJ2K RPCL right after ingest commits, so the first reader does not wait for the encoder. It
 * never touches the STOW answer: `enqueue` only records the instance; the work runs in the
 * background, one frame at a time (so at most one codec worker of the pool is busy with it while
 * requests queue their own frames), each frame waiting until no instance has arrived for
 * QUIET_MS (at most MAX_WAIT_MS), so a series arriving in a burst is stored before its frames are
 * encoded (their reads, encodes and object writes would compete with the STOW's own disk flushes
 * and CPU). The queue is bounded. A failure is logged, never retried: the frame is then made when
 * first asked for.
 */
export class IngestDerivation {
  private readonly queue: IndexedNotice[] = [];
  private running: Promise<void> | undefined;
  private stopped = false;
  private dropped = 0;
  private lastArrival = 0;
  private wake: (() => void) | undefined;

  constructor(
    private readonly deps: EncodingDeps,
    private readonly modalities: ReadonlySet<string>,
    private readonly log: (message: string, error?: unknown) => void,
  ) {}

  enqueue(notice: IndexedNotice): void {
    if (this.stopped || !this.modalities.has(notice.modality.trim())) return;
    if (this.queue.length >= MAX_QUEUED) {
      if (this.dropped++ === 0)
        this.log(`derive at ingest: more than ${MAX_QUEUED} instances waiting; later ones are encoded when first read`);
      return;
    }
    this.queue.push(notice);
    this.lastArrival = Date.now();
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves when the queue is empty (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
    await this.deps.derived.idle();
  }

  /** Finishes the frame in hand and drops the rest (shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    this.wake?.();
    await this.running;
  }

  private async drain(): Promise<void> {
    for (let notice = this.queue.shift(); notice && !this.stopped; notice = this.queue.shift()) {
      try {
        await this.derive(notice);
      } catch (error) {
        this.log('derive at ingest: an instance was not encoded (its frames are made when first read)', error);
      }
    }
    this.dropped = 0;
  }

  private async derive({ studyUid, seriesUid, sopUid }: IndexedNotice): Promise<void> {
    let located;
    try {
      located = locate(this.deps.index, studyUid, seriesUid, sopUid);
    } catch {
      return; // deleted meanwhile
    }
    if (located.instance.transferSyntax === INGEST_SYNTAX || !located.bulk.pixelData?.length) return;
    const image = storedImage(located);
    if (image.samplesPerPixel !== 1 || encodingProblem(image, INGEST_SYNTAX) !== undefined) return;
    for (let frame = 1; frame <= image.numberOfFrames && !this.stopped; frame++) {
      await this.quiet();
      if (this.stopped) return;
      const source = { blobKey: located.instance.blobKey, frame, transferSyntax: INGEST_SYNTAX };
      const stored = () => storedFrames(this.deps, located, image, [frame]).then((frames) => frames[0]!);
      await this.deps.derived.frame(source, () => encodeStored(image, stored(), INGEST_SYNTAX));
    }
  }

  /** Resolves once no instance has arrived for QUIET_MS, or after MAX_WAIT_MS, or on stop. */
  private async quiet(): Promise<void> {
    const deadline = Date.now() + MAX_WAIT_MS;
    for (;;) {
      const now = Date.now();
      const wait = Math.min(this.lastArrival + QUIET_MS, deadline) - now;
      if (wait <= 0 || this.stopped) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        timer.unref();
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}
