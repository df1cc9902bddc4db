/** How far back the live rate looks. */
const WINDOW_MS = 5000;

/**
 * The live rate of one running job: bytes and instances over the last ~5 seconds, from samples
 * of what crossed the link. A shorter history (a run that just started) gives no rate until a
 * second has passed, so the first ETA is not a guess from one chunk.
 */
export class TransferRate {
  private readonly samples: Array<{ at: number; bytes: number; instances: number }> = [];
  private bytes = 0;
  private instances = 0;

  constructor(private readonly startedAt = performance.now()) {
    this.samples.push({ at: startedAt, bytes: 0, instances: 0 });
  }

  add(bytes: number, instances: number, now = performance.now()): void {
    this.bytes += bytes;
    this.instances += instances;
    this.samples.push({ at: now, bytes: this.bytes, instances: this.instances });
    // Keep one sample older than the window, as its start.
    while (this.samples.length > 2 && this.samples[1]!.at < now - WINDOW_MS) this.samples.shift();
  }

  /** Bytes and instances per second over the window, or null while less than a second is known. */
  rates(now = performance.now()): { bytesPerSecond: number; instancesPerSecond: number } | null {
    if (now - this.startedAt < 1000) return null;
    let base = this.samples[0]!;
    for (const sample of this.samples) {
      if (sample.at > now - WINDOW_MS) break;
      base = sample;
    }
    const seconds = (now - base.at) / 1000;
    if (seconds <= 0) return null;
    return { bytesPerSecond: (this.bytes - base.bytes) / seconds, instancesPerSecond: (this.instances - base.instances) / seconds };
  }
}
