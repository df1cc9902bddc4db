import { statfs } from 'node:fs/promises';

/** One reading of the disk that holds the data dir. */
export interface FreeSpace {
  freeBytes: number;
  totalBytes: number;
  /** Below this many free bytes, new instances are refused. */
  floorBytes: number;
}

/** How old a reading may be when ingest asks; a fresh one is then taken in the background. */
const STALE_MS = 1_000;
/** Readings are also taken on this period, so health and metrics see the disk without ingest. */
const POLL_MS = 10_000;

/**
 * The free-space floor (issue 15): while the disk holding the data dir has less free space than
 * the smaller of `minFreePercent` of the disk and `minFreeBytes`, ingest (STOW-RS, C-STORE, fetches,
 * the archive's own SRs) is refused and reading goes on. The check on the ingest path is
 * synchronous, against a reading at most a second old; a new reading is taken as the old one
 * ages, so ingest resumes by itself once space comes back.
 */
export class FreeSpaceGuard {
  private reading: FreeSpace | undefined;
  private readAt = 0;
  private refreshing: Promise<FreeSpace> | undefined;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    readonly dir: string,
    private readonly floor: { minFreePercent: number; minFreeBytes: number },
    private readonly log: (message: string) => void,
  ) {
    this.timer = setInterval(() => void this.read().catch(() => undefined), POLL_MS).unref();
  }

  /** Starts watching `dir`; its first reading is taken here, so a full disk is refused from the first request. */
  static async start(
    dir: string,
    floor: { minFreePercent: number; minFreeBytes: number },
    log: (message: string) => void,
  ): Promise<FreeSpaceGuard> {
    const guard = new FreeSpaceGuard(dir, floor, log);
    try {
      await guard.read();
    } catch (error) {
      guard.stop();
      throw error;
    }
    return guard;
  }

  /** Why new instances are refused now, in words for the sender; undefined when there is room. */
  refusal(): string | undefined {
    if (Date.now() - this.readAt > STALE_MS) void this.read().catch(() => undefined);
    const reading = this.reading;
    if (reading === undefined || reading.freeBytes >= reading.floorBytes) return undefined;
    // What matters first: a C-STORE's Error Comment keeps only 64 characters.
    return (
      `Disk nearly full: new instances refused until space is freed (${megabytes(reading.freeBytes)} free of ` +
      `${megabytes(reading.totalBytes)}, under the floor of ${megabytes(reading.floorBytes)}).`
    );
  }

  /** A fresh reading (health, metrics). */
  read(): Promise<FreeSpace> {
    this.refreshing ??= statfs(this.dir)
      .then((stats) => {
        const totalBytes = stats.blocks * stats.bsize;
        const freeBytes = stats.bavail * stats.bsize;
        const floorBytes = Math.min((totalBytes * this.floor.minFreePercent) / 100, this.floor.minFreeBytes);
        const wasRefusing = this.reading !== undefined && this.reading.freeBytes < this.reading.floorBytes;
        this.reading = { freeBytes, totalBytes, floorBytes };
        this.readAt = Date.now();
        const refusing = freeBytes < floorBytes;
        if (refusing !== wasRefusing) {
          this.log(
            refusing
              ? `free space ${megabytes(freeBytes)} is under the floor of ${megabytes(floorBytes)} on ${this.dir}: ingest refused`
              : `free space ${megabytes(freeBytes)} is back over the floor on ${this.dir}: ingest resumes`,
          );
        }
        return this.reading;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  /** The last reading, if any. */
  last(): FreeSpace | undefined {
    return this.reading;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

function megabytes(bytes: number): string {
  return bytes >= 10 * 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(0)} GiB` : `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}
