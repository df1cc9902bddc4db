import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../shared/errors';
import { checkRange, type BlobInfo, type BlobStore, type ByteRange, type ObjectCopy, type StoredEntry } from './blob-store';
import { DurableDirs } from './durable-dir';
import { assertSafeKey, assertSafePrefix } from './object-keys';
import { PooledFileCopy } from './pooled-file-copy';

// The put path uses plain descriptors: a FileHandle per object costs measurably more on the
// ingest hot path (hundreds of objects per second).
const openFd = promisify(fs.open);
const closeFd = promisify(fs.close);
const fdatasyncFd = promisify(fs.fdatasync);
const writevFd = promisify(fs.writev);
const writeFd = promisify(fs.write);

const TMP_DIR = '.tmp';
/** Chunks are gathered up to this many bytes and written with one writev call. */
const WRITE_BATCH_BYTES = 256 * 1024;
/** Reads in 512 KiB chunks, not the 64 KiB default: a CT slice or frame in one or two reads and writes to the socket. */
const READ_CHUNK_BYTES = 512 * 1024;

/**
 * Objects as files under one root folder: `<root>/<key>`. A put writes a temp file in
 * `<root>/.tmp` (same file system), flushes it, and renames it into place, so a reader sees the
 * old object or the whole new one, never a part. Temp files left by a crash are removed by `open`.
 */
export class FsBlobStore implements BlobStore {
  readonly description: string;
  private readonly root: string;
  private readonly tmpDir: string;
  /** Parent folders known to exist, so the hot path does not mkdir on every put. */
  private readonly knownDirs = new Set<string>();
  private readonly durableDirs = new DurableDirs();

  constructor(root: string) {
    this.root = path.resolve(root);
    this.tmpDir = path.join(this.root, TMP_DIR);
    this.description = `fs:${this.root}`;
  }

  /** Creates the root folder if needed and removes temp files left by an earlier crash. */
  static async open(root: string): Promise<FsBlobStore> {
    const store = new FsBlobStore(root);
    await storageCall(async () => {
      await rm(store.tmpDir, { recursive: true, force: true });
      await mkdir(store.tmpDir, { recursive: true });
    });
    return store;
  }

  async put(key: string, body: Readable, options: { size?: number } = {}): Promise<BlobInfo> {
    assertSafeKey(key);
    const target = this.pathOf(key);
    const tmp = path.join(this.tmpDir, `${randomUUID()}.tmp`);
    let fd: number | undefined;
    try {
      const handle = (fd = await storageCall(() => openFd(tmp, 'wx')));
      const size = await pipeline(body, writeInBatches(handle));
      if (options.size !== undefined && size !== options.size) {
        throw new AppError('BAD_REQUEST', `The body has ${size} bytes, not the announced ${options.size}.`);
      }
      await storageCall(async () => {
        // datasync flushes the data and the size, all a reader needs; the rename and the
        // folder's fsync below make the new name durable.
        await fdatasyncFd(handle);
        fd = undefined;
        await closeFd(handle);
        await this.renameIntoPlace(tmp, target);
        await this.durableDirs.sync(path.dirname(target));
      });
      return { key, size };
    } catch (err) {
      if (fd !== undefined) await closeFd(fd).catch(() => {});
      await unlink(tmp).catch(() => {});
      throw err;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertSafeKey(key);
    if (range) checkRange(range);
    const file = await storageCall(() => open(this.pathOf(key), 'r'), key);
    if (!range) {
      // With its end known, the stream sizes its last read to what is left and makes no read at
      // the end of the file: a 525 KB CT slice then costs 525 KB of buffers instead of 1.5 MiB
      // (two more 512 KiB reads), garbage that stays resident until the next collection.
      const size = await file.stat().then(
        (stats) => stats.size,
        async (err: unknown) => {
          await file.close().catch(() => undefined);
          throw new AppError('STORAGE_FAILURE', undefined, { cause: err });
        },
      );
      if (size === 0) {
        await file.close();
        return Readable.from([]);
      }
      return file.createReadStream({ end: size - 1, highWaterMark: READ_CHUNK_BYTES });
    }
    if (range.start === range.end) {
      await file.close();
      return Readable.from([]);
    }
    // createReadStream's `end` is inclusive; past the end of the file it just stops early.
    return file.createReadStream({ start: range.start, end: range.end - 1, highWaterMark: READ_CHUNK_BYTES });
  }

  async openCopy(key: string): Promise<ObjectCopy> {
    assertSafeKey(key);
    return new PooledFileCopy(await storageCall(() => open(this.pathOf(key), 'r'), key));
  }

  async head(key: string): Promise<BlobInfo> {
    assertSafeKey(key);
    const stats = await storageCall(() => stat(this.pathOf(key)), key);
    if (!stats.isFile()) throw notFound(key);
    return { key, size: stats.size };
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    await storageCall(() =>
      unlink(this.pathOf(key)).catch((err: unknown) => {
        if (!hasCode(err, 'ENOENT')) throw err;
      }),
    );
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertSafePrefix(prefix);
    // Walk only the deepest folder the prefix fully names; the rest of it filters names.
    const baseDir = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
    for await (const key of this.walk(baseDir)) {
      if (key.startsWith(prefix)) yield key;
    }
  }

  async *entries(prefix: string): AsyncIterable<StoredEntry> {
    for await (const key of this.list(prefix)) {
      // A file removed between the listing and its stat is no longer there to report.
      const stats = await stat(this.pathOf(key)).catch((err: unknown) => {
        if (hasCode(err, 'ENOENT')) return undefined;
        throw new AppError('STORAGE_FAILURE', undefined, { cause: err });
      });
      if (stats?.isFile()) yield { key, size: stats.size, modifiedAt: stats.mtime };
    }
  }

  async close(): Promise<void> {
    await this.durableDirs.close();
  }

  /** Keys (relative paths with "/") of the files below `dir`, a key prefix ending in "/" or "". */
  private async *walk(dir: string): AsyncGenerator<string> {
    let entries;
    try {
      entries = await readdir(path.join(this.root, dir), { withFileTypes: true });
    } catch (err) {
      if (hasCode(err, 'ENOENT') || hasCode(err, 'ENOTDIR')) return;
      throw new AppError('STORAGE_FAILURE', undefined, { cause: err });
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (dir === '' && entry.name === TMP_DIR) continue;
      if (entry.isDirectory()) yield* this.walk(`${dir}${entry.name}/`);
      else if (entry.isFile()) yield `${dir}${entry.name}`;
    }
  }

  private pathOf(key: string): string {
    return path.join(this.root, key);
  }

  private async renameIntoPlace(tmp: string, target: string): Promise<void> {
    const dir = path.dirname(target);
    if (!this.knownDirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.knownDirs.add(dir);
    }
    try {
      await rename(tmp, target);
    } catch (err) {
      if (!hasCode(err, 'ENOENT')) throw err;
      // The folder was removed behind our back (cleanup, restore): make it again, once.
      this.knownDirs.delete(dir);
      await mkdir(dir, { recursive: true });
      this.knownDirs.add(dir);
      await rename(tmp, target);
    }
  }
}

/**
 * The pipeline's sink: gathers chunks and writes them with one `writev` per ~1 MB, so a typical
 * 512 KB instance costs a single write syscall. Pulling the next chunk only after the write
 * finishes is the backpressure. Resolves with the byte count.
 */
function writeInBatches(fd: number): (source: AsyncIterable<Buffer>) => Promise<number> {
  return async (source) => {
    let batch: Buffer[] = [];
    let batchBytes = 0;
    let total = 0;
    const flush = async (): Promise<void> => {
      await storageCall(() => writeAll(fd, batch, batchBytes));
      total += batchBytes;
      batch = [];
      batchBytes = 0;
    };
    for await (const chunk of source) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      batch.push(buffer);
      batchBytes += buffer.length;
      if (batchBytes >= WRITE_BATCH_BYTES) await flush();
    }
    if (batchBytes > 0) await flush();
    return total;
  };
}

/** writev may write fewer bytes than asked (disk nearly full, signals); write the rest then. */
async function writeAll(fd: number, buffers: Buffer[], length: number): Promise<void> {
  const { bytesWritten } = await writevFd(fd, buffers);
  if (bytesWritten === length) return;
  let rest = Buffer.concat(buffers, length).subarray(bytesWritten);
  while (rest.length > 0) rest = rest.subarray((await writeFd(fd, rest)).bytesWritten);
}

/**
 * Runs a file-system call, turning ENOENT into BLOB_NOT_FOUND (when `key` is given), a full disk
 * (ENOSPC, or EDQUOT of a quota) into STORAGE_FULL and other errors into STORAGE_FAILURE.
 */
async function storageCall<T>(call: () => Promise<T>, key?: string): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (key !== undefined && (hasCode(err, 'ENOENT') || hasCode(err, 'ENOTDIR'))) throw notFound(key, err);
    if (hasCode(err, 'ENOSPC') || hasCode(err, 'EDQUOT')) {
      throw new AppError('STORAGE_FULL', 'The disk holding the objects is full.', { cause: err, retryAfterSeconds: 60 });
    }
    throw new AppError('STORAGE_FAILURE', undefined, { cause: err });
  }
}

function notFound(key: string, cause?: unknown): AppError {
  return new AppError('BLOB_NOT_FOUND', `The stored object ${key} does not exist.`, { cause });
}

function hasCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}
