/**
 * Waiting for ingest to be quiet, for background work that follows STOW-RS at low priority: a
 * series arriving in a burst is stored before the work competes with it for the disk and the
 * CPU. Quiet means no instance arrived for `quietMs`; a waiter gives up waiting after `maxWaitMs`,
 * so a steady stream of instances delays the work but never stops it.
 */
export class IngestQuiet {
  private lastArrival = 0;
  private readonly sleepers = new Set<() => void>();

  constructor(
    private readonly quietMs = 1_000,
    private readonly maxWaitMs = 10_000,
  ) {}

  /** An instance arrived now. */
  arrived(): void {
    this.lastArrival = Date.now();
  }

  /** Resolves once ingest has been quiet for `quietMs`, after `maxWaitMs`, or on `wakeAll`. */
  async wait(): Promise<void> {
    const deadline = Date.now() + this.maxWaitMs;
    for (;;) {
      const wait = Math.min(this.lastArrival + this.quietMs, deadline) - Date.now();
      if (wait <= 0) return;
      const woken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          this.sleepers.delete(wake);
          resolve(false);
        }, wait);
        timer.unref();
        const wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
        this.sleepers.add(wake);
      });
      if (woken) return;
    }
  }

  /** Ends every wait at once (shutdown). */
  wakeAll(): void {
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
  }
}
