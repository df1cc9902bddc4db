/**
 * A token bucket shared by every request to one peer, in both directions, so that a per-peer cap
 * (kbit/s) holds however many connections are open. Hand-written: the npm throttling packages
 * (`stream-throttle`, `throttle`) are unmaintained and cap one stream, not a peer.
 */
export class BandwidthCap {
  private tokens: number;
  private last = performance.now();
  private readonly burst: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly bytesPerSecond: number) {
    // A quarter of a second of burst: smooth enough for TCP, small enough to hold the rate over seconds.
    this.burst = Math.max(16 * 1024, bytesPerSecond / 4);
    this.tokens = this.burst;
  }

  static fromKbps(kbps: number | null): BandwidthCap | undefined {
    return kbps && kbps > 0 ? new BandwidthCap((kbps * 1000) / 8) : undefined;
  }

  /** Resolves once `bytes` may cross the link; callers are served in order. */
  take(bytes: number): Promise<void> {
    const turn = this.queue.then(() => this.wait(bytes));
    this.queue = turn;
    return turn;
  }

  private async wait(bytes: number): Promise<void> {
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.bytesPerSecond);
      this.last = now;
      if (this.tokens >= Math.min(bytes, this.burst)) {
        this.tokens -= bytes;
        return;
      }
      const missing = Math.min(bytes, this.burst) - this.tokens;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, (missing / this.bytesPerSecond) * 1000)));
    }
  }
}

/** `source`, in slices of at most 16 KiB, each let through when the cap allows. */
export async function* capped(source: AsyncIterable<Uint8Array>, cap: BandwidthCap | undefined): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!cap) {
      yield buf;
      continue;
    }
    for (let at = 0; at < buf.length; at += 16 * 1024) {
      const slice = buf.subarray(at, at + 16 * 1024);
      await cap.take(slice.length);
      yield slice;
    }
  }
}
