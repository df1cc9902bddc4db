import type { JobInstance } from './transfer-work';

/** What one STOW-RS request of a send aims to take at the measured rate. */
const TARGET_SECONDS = 3;
/** The first batch, before any rate is known: a slow link answers it in seconds, a fast one learns at once. */
const FIRST_BYTES = 1 * 2 ** 20;
const MIN_BYTES = 256 * 1024;
const MAX_BYTES = 500 * 2 ** 20;
const MAX_INSTANCES = 1000;

/**
 * Batches sized to the link: each STOW-RS request of a send should take about three seconds at
 * the rate the last batches reached on the wire (bytes sent over the time to the peer's answer),
 * so a slow link is not held by one huge request that a cut would waste, and a fast one is not
 * slowed by a round trip per instance. A 413 halves the batch for the rest of the job.
 */
export class BatchSizer {
  private targetBytes = FIRST_BYTES;
  /** Smoothed wire rate in bytes per second (exponential moving average of the batches). */
  private rate: number | undefined;
  /** Wire bytes per stored byte of the instances sent so far (re-encoding makes them fewer). */
  private ratio = 1;
  private maxInstances = MAX_INSTANCES;

  /** The next batch: pending instances, in order, up to the target (always at least one). */
  take(pending: readonly JobInstance[]): JobInstance[] {
    const batch: JobInstance[] = [];
    let bytes = 0;
    for (const instance of pending) {
      const wire = (instance.size ?? FIRST_BYTES) * this.ratio;
      if (batch.length > 0 && (bytes + wire > this.targetBytes || batch.length >= this.maxInstances)) break;
      batch.push(instance);
      bytes += wire;
    }
    return batch;
  }

  /** One batch went: `wireBytes` in `ms` (request start to the answer), for instances stored as `storedBytes`. */
  record(wireBytes: number, storedBytes: number, ms: number): void {
    if (storedBytes > 0 && wireBytes > 0) this.ratio = Math.min(1.5, Math.max(0.05, wireBytes / storedBytes));
    if (wireBytes < 64 * 1024 || ms <= 0) return; // too small to tell a rate from a round trip
    const measured = (wireBytes * 1000) / ms;
    this.rate = this.rate === undefined ? measured : 0.5 * this.rate + 0.5 * measured;
    this.targetBytes = Math.min(MAX_BYTES, Math.max(MIN_BYTES, this.rate * TARGET_SECONDS));
  }

  /** The peer said 413: half as many instances from now on; false when the batch was one instance already. */
  halve(batchLength: number): boolean {
    if (batchLength <= 1) return false;
    this.maxInstances = Math.max(1, Math.floor(batchLength / 2));
    this.targetBytes = Math.max(1, this.targetBytes / 2);
    return true;
  }

  get bytesPerSecond(): number | undefined {
    return this.rate;
  }
}
