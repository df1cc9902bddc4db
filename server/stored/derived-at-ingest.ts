import type { IndexedNotice } from '../ingest/store-instance';
import { encodeStored, encodingProblem, type EncodingDeps } from './encoded-frames';
import { IngestQuiet } from './ingest-quiet';
import { storedFrames, storedImage } from './native-frame';
import { locate } from './stored-instance';

/** HTJ2K with RPCL progression: what the viewer fetches by byte ranges, resolution by resolution. */
export const INGEST_SYNTAX = '1.2.840.10008.1.2.4.202';

/** Instances waiting at most; more are not derived at ingest (their first reader encodes them). */
const MAX_QUEUED = 10_000;

/**
 * `PACS_DERIVE_AT_INGEST`: the frames of grey instances of the chosen modalities are encoded as
 * HTJ2K RPCL right after ingest commits, so the first reader does not wait for the encoder. It
 * never touches the STOW answer: `enqueue` only records the instance; the work runs in the
 * background, one frame at a time (so at most one codec worker of the pool is busy with it while
 * requests queue their own frames), each frame waiting until ingest is quiet
 * (ingest-quiet.ts: no instance for 1 s, at most 10 s of waiting), so a series arriving in a burst is stored before its frames are
 * encoded (their reads, encodes and object writes would compete with the STOW's own disk flushes
 * and CPU). The queue is bounded. A failure is logged, never retried: the frame is then made when
 * first asked for.
 */
export class IngestDerivation {
  private readonly queue: IndexedNotice[] = [];
  private running: Promise<void> | undefined;
  private stopped = false;
  private dropped = 0;
  private readonly ingest = new IngestQuiet();

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
    this.ingest.arrived();
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
    this.ingest.wakeAll();
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
      await this.ingest.wait();
      if (this.stopped) return;
      const source = { blobKey: located.instance.blobKey, frame, transferSyntax: INGEST_SYNTAX };
      const stored = () => storedFrames(this.deps, located, image, [frame]).then((frames) => frames[0]!);
      await this.deps.derived.frame(source, () => encodeStored(image, stored(), INGEST_SYNTAX));
    }
  }
}
