import fs from 'node:fs';
import { promisify } from 'node:util';

const openFd = promisify(fs.open);
const fsyncFd = promisify(fs.fsync);
const closeFd = promisify(fs.close);

/**
 * Makes renames into folders durable with as few fsyncs as possible: one open descriptor per
 * folder, and concurrent requests for the same folder share a flush (a request arriving while a
 * flush runs waits for the next one, which covers it). A plain `fsync(dir)` per object would be
 * correct too, but costs an open, an fsync and a close each time.
 */
export class DurableDirs {
  private readonly fds = new Map<string, Promise<number>>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly queued = new Map<string, Promise<void>>();

  sync(dir: string): Promise<void> {
    const running = this.running.get(dir);
    if (!running) return this.start(dir);
    let next = this.queued.get(dir);
    if (!next) {
      next = running.then(
        () => this.start(dir),
        () => this.start(dir),
      );
      this.queued.set(dir, next);
    }
    return next;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.running.values(), ...this.queued.values()]);
    const fds = await Promise.allSettled(this.fds.values());
    this.fds.clear();
    await Promise.allSettled(fds.map((r) => (r.status === 'fulfilled' ? closeFd(r.value) : undefined)));
  }

  private start(dir: string): Promise<void> {
    this.queued.delete(dir);
    const flush = this.flush(dir).finally(() => {
      if (this.running.get(dir) === flush) this.running.delete(dir);
    });
    this.running.set(dir, flush);
    return flush;
  }

  private async flush(dir: string): Promise<void> {
    let fd = this.fds.get(dir);
    if (!fd) {
      fd = openFd(dir, 'r');
      this.fds.set(dir, fd);
    }
    try {
      await fsyncFd(await fd);
    } catch (error) {
      this.fds.delete(dir); // reopen next time (the folder may have been replaced)
      throw error;
    }
  }
}
