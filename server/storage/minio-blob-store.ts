import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import type { Client } from 'minio';
import type { StorageConfig } from '../config';
import { AppError } from '../../shared/errors';
import { checkRange, type BlobInfo, type BlobStore, type ByteRange, type StoredEntry } from './blob-store';
import { assertSafeKey, assertSafePrefix } from './object-keys';

export type S3StorageConfig = Extract<StorageConfig, { kind: 's3' }>;

export interface MinioBlobStoreOptions {
  /**
   * Bodies up to this size go up in one PUT; larger ones as a multipart upload of parts this
   * size (S3 minimum 5 MiB). Each put in flight holds at most one part in memory.
   */
  partSize?: number;
  /**
   * How long a request may go without a byte from the server before its answer begins: a frozen
   * or unreachable S3 server then fails the request (STORAGE_FAILURE ETIMEDOUT) instead of
   * holding it forever. Once the answer streams, only the reader paces it.
   */
  requestTimeoutMs?: number;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;
const DEFAULT_PART_SIZE = 16 * 1024 * 1024;
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** S3 allows at most 10,000 parts per upload. */
const MAX_PARTS = 10_000;
/**
 * The delimiter of a recursive ListMultipartUploads. minio sends `delimiter=` when it has none,
 * which Swift's s3api (2.30) reads as a delimiter matching at once: every upload folded into one
 * empty CommonPrefix, none listed. A character no key of ours holds (object-keys.ts) groups nothing.
 */
const NO_DELIMITER = '~';

/**
 * Objects in an S3 bucket (MinIO or any S3-compatible server) through the minio client.
 *
 * put does not use `client.putObject(stream)`: with minio 8.0.7 that call never settles when the
 * input stream errors during a multipart upload (minio-js#1479) and first lists the bucket's
 * incomplete uploads to resume one, a call several S3-compatible servers lack. Instead put reads
 * the body in parts: a body that fits in one part is a single PUT, a larger one a multipart upload
 * it drives itself and aborts on any error. Either way the object appears only when complete.
 */
export class MinioBlobStore implements BlobStore {
  readonly description: string;

  private constructor(
    private readonly client: Client,
    private readonly bucket: string,
    private readonly agent: http.Agent,
    private readonly partSize: number,
    endPoint: string,
  ) {
    this.description = `s3:${bucket}@${endPoint}`;
  }

  /** Connects and creates the bucket if it is missing. */
  static async open(cfg: S3StorageConfig, options: MinioBlobStoreOptions = {}): Promise<MinioBlobStore> {
    const partSize = options.partSize ?? DEFAULT_PART_SIZE;
    if (!Number.isSafeInteger(partSize) || partSize < MIN_PART_SIZE) {
      throw new AppError('INTERNAL', `partSize must be an integer of at least ${MIN_PART_SIZE} bytes.`);
    }
    const { client, agent } = await connectMinio(cfg, options.requestTimeoutMs);
    const endPoint = cfg.port === undefined ? cfg.endPoint : `${cfg.endPoint}:${cfg.port}`;
    const store = new MinioBlobStore(client, cfg.bucket, agent, partSize, endPoint);
    try {
      if (!(await client.bucketExists(cfg.bucket))) {
        await client.makeBucket(cfg.bucket, cfg.region).catch((err: unknown) => {
          // Another process created it between our two calls.
          if (errorCode(err) !== 'BucketAlreadyOwnedByYou') throw err;
        });
      }
    } catch (err) {
      agent.destroy();
      throw toAppError(err);
    }
    return store;
  }

  async put(key: string, body: Readable, options: { size?: number } = {}): Promise<BlobInfo> {
    assertSafeKey(key);
    const partSize = Math.max(this.partSize, Math.ceil((options.size ?? 0) / MAX_PARTS));
    const parts = readParts(body, partSize);
    try {
      const first = await nextPart(parts);
      if (first === undefined || first.length < partSize) {
        const object = first ?? Buffer.alloc(0);
        checkSize(object.length, options.size);
        await this.client.putObject(this.bucket, key, object);
        return { key, size: object.length };
      }
      return { key, size: await this.putMultipart(key, first, parts, options.size) };
    } catch (err) {
      await parts.return(undefined).catch(() => {}); // stops reading and destroys the body if we gave up early
      throw err instanceof InputError ? err.cause : toAppError(err, key);
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertSafeKey(key);
    if (range) checkRange(range);
    try {
      if (!range) return await this.client.getObject(this.bucket, key);
      if (range.start === range.end) {
        await this.stat(key); // still report a missing object
        return Readable.from([]);
      }
      return await this.client.getPartialObject(this.bucket, key, range.start, range.end - range.start);
    } catch (err) {
      // A range starting at or past the end: an empty stream, as from a file.
      if (range && errorCode(err) === 'InvalidRange') return Readable.from([]);
      throw toAppError(err, key);
    }
  }

  async head(key: string): Promise<BlobInfo> {
    assertSafeKey(key);
    try {
      const { size } = await this.stat(key);
      return { key, size };
    } catch (err) {
      throw toAppError(err, key);
    }
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    try {
      await this.client.removeObject(this.bucket, key);
    } catch (err) {
      if (errorCode(err) !== 'NoSuchKey') throw toAppError(err, key);
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertSafePrefix(prefix);
    try {
      for await (const item of this.client.listObjectsV2(this.bucket, prefix, true)) {
        if (item.name !== undefined) yield item.name;
      }
    } catch (err) {
      throw toAppError(err);
    }
  }

  async *entries(prefix: string): AsyncIterable<StoredEntry> {
    assertSafePrefix(prefix);
    try {
      for await (const item of this.client.listObjectsV2(this.bucket, prefix, true)) {
        if (item.name !== undefined) yield { key: item.name, size: item.size, modifiedAt: item.lastModified };
      }
    } catch (err) {
      throw toAppError(err);
    }
  }

  /**
   * Aborts every multipart upload left unfinished under v1/ (by a crash: put aborts its own on
   * failure) and resolves with how many. Call it when this archive has no put in flight (at
   * start): it cannot tell a live upload from an abandoned one. A server that cannot list
   * uploads (s3rver: NotImplemented) has none this could remove: 0.
   */
  async removeIncompleteUploads(): Promise<number> {
    let removed = 0;
    try {
      let keyMarker = '';
      let uploadIdMarker = '';
      for (;;) {
        const page = await this.client.listIncompleteUploadsQuery(this.bucket, 'v1/', keyMarker, uploadIdMarker, NO_DELIMITER);
        for (const { key, uploadId } of page.uploads) {
          await this.client.abortMultipartUpload(this.bucket, key, uploadId).catch((err: unknown) => {
            if (errorCode(err) !== 'NoSuchUpload') throw err; // finished or aborted meanwhile
          });
          removed += 1;
        }
        if (!page.isTruncated) return removed;
        ({ nextKeyMarker: keyMarker, nextUploadIdMarker: uploadIdMarker } = page);
      }
    } catch (err) {
      if (errorCode(err) === 'NotImplemented') return removed;
      throw toAppError(err);
    }
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  /**
   * statObject, telling a missing bucket from a missing object: S3 answers a HEAD of an object in
   * a missing bucket with a bare 404 too, which must not read as "this instance is gone".
   */
  private async stat(key: string): Promise<{ size: number }> {
    try {
      return await this.client.statObject(this.bucket, key);
    } catch (err) {
      if (errorCode(err) === 'NotFound' && !(await this.client.bucketExists(this.bucket))) {
        throw new AppError('STORAGE_FAILURE', `Object storage is unavailable: the bucket ${this.bucket} does not exist.`, { cause: err });
      }
      throw err;
    }
  }

  private async putMultipart(key: string, first: Buffer, parts: AsyncGenerator<Buffer>, announced?: number): Promise<number> {
    const uploadId = await this.client.initiateNewMultipartUpload(this.bucket, key, {});
    try {
      const etags: { part: number; etag: string }[] = [];
      let size = 0;
      for (let part: Buffer | undefined = first; part !== undefined; part = await nextPart(parts)) {
        const partNumber = etags.length + 1;
        if (partNumber > MAX_PARTS) throw new AppError('STORAGE_FAILURE', `The object is larger than ${MAX_PARTS} parts.`);
        const config = { bucketName: this.bucket, objectName: key, uploadID: uploadId, partNumber, headers: {} };
        const { etag } = await this.client.uploadPart(config, part);
        etags.push({ part: partNumber, etag });
        size += part.length;
      }
      checkSize(size, announced);
      await this.client.completeMultipartUpload(this.bucket, key, uploadId, etags);
      return size;
    } catch (err) {
      // The parts of an unfinished upload are never visible; aborting frees their space. Some
      // S3-compatible servers (s3rver) lack AbortMultipartUpload, so this is best effort.
      await this.client.abortMultipartUpload(this.bucket, key, uploadId).catch(() => {});
      throw err;
    }
  }
}

/**
 * A minio client of the configured S3 server, as every S3 user of the archive needs it: the
 * region given (no GetBucketLocation round trip), requests that time out before an answer
 * (withAnswerTimeout), and its own keep-alive agent, whose destroy() releases the sockets.
 */
export async function connectMinio(
  cfg: Omit<S3StorageConfig, 'bucket'>,
  requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
): Promise<{ client: Client; agent: http.Agent }> {
  const agent = cfg.useSSL ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  // Loaded here, not at import: the client and its dependencies add ~30 MB to an archive on a local folder.
  const { Client } = await import('minio');
  const client = new Client({
    endPoint: cfg.endPoint,
    ...(cfg.port === undefined ? {} : { port: cfg.port }),
    useSSL: cfg.useSSL,
    accessKey: cfg.accessKey,
    secretKey: cfg.secretKey,
    region: cfg.region,
    transport: withAnswerTimeout(cfg.useSSL ? https : http, requestTimeoutMs),
    transportAgent: agent,
  });
  return { client, agent };
}

/**
 * http(s).request whose requests fail with ETIMEDOUT when the socket is idle for `timeoutMs`
 * before the answer's headers arrive (minio has no timeout of its own). The limit ends there:
 * a slow WADO client may pause the download of an object for as long as it likes.
 */
function withAnswerTimeout(base: typeof http | typeof https, timeoutMs: number): Pick<typeof http, 'request'> {
  // minio calls request(options, callback) only.
  const request = (options: http.RequestOptions, callback?: (res: http.IncomingMessage) => void): http.ClientRequest => {
    const req = base.request(options, callback);
    req.setTimeout(timeoutMs, () => {
      req.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' }));
    });
    req.once('response', () => req.setTimeout(0));
    return req;
  };
  return { request: request as typeof http.request };
}

/** Marks a failure of the caller's stream, whose error (the cause) put rethrows unchanged. */
class InputError extends Error {
  constructor(cause: unknown) {
    super('Reading the body to store failed.', { cause });
    this.name = 'InputError';
  }
}

async function nextPart(parts: AsyncGenerator<Buffer>): Promise<Buffer | undefined> {
  try {
    const { done, value } = await parts.next();
    return done ? undefined : value;
  } catch (err) {
    throw new InputError(err);
  }
}

/** The body cut into buffers of exactly `partSize` bytes, the last one shorter. */
async function* readParts(body: Readable, partSize: number): AsyncGenerator<Buffer> {
  let chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of body) {
    let rest: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    while (bytes + rest.length >= partSize) {
      chunks.push(rest.subarray(0, partSize - bytes));
      rest = rest.subarray(partSize - bytes);
      yield join(chunks, partSize);
      chunks = [];
      bytes = 0;
    }
    if (rest.length > 0) {
      chunks.push(rest);
      bytes += rest.length;
    }
  }
  if (bytes > 0) yield join(chunks, bytes);
}

function join(chunks: Buffer[], length: number): Buffer {
  return chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, length);
}

function checkSize(actual: number, announced: number | undefined): void {
  if (announced !== undefined && actual !== announced) {
    throw new AppError('BAD_REQUEST', `The body has ${actual} bytes, not the announced ${announced}.`);
  }
}

/** S3 answers a missing object with NoSuchKey, or NotFound to a HEAD (no body to name it). */
function toAppError(err: unknown, key?: string): AppError {
  if (err instanceof AppError) return err;
  const code = errorCode(err);
  if (key !== undefined && (code === 'NoSuchKey' || code === 'NotFound')) {
    return new AppError('BLOB_NOT_FOUND', `The stored object ${key} does not exist.`, { cause: err });
  }
  return new AppError('STORAGE_FAILURE', `Object storage is unavailable: ${failureReason(err)}.`, { cause: err });
}

/**
 * What went wrong, for operators reading a log, a health check or a STOW ErrorComment: the S3
 * error code with the server's message (AccessDenied (Valid and authorized credentials
 * required)), or the socket's error code (ECONNREFUSED; its message would add the host).
 */
function failureReason(err: unknown): string {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code !== 'string') return message;
  return message && !message.includes(code) ? `${code} (${message})` : code;
}

function errorCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}
