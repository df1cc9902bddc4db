import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import { setCacheHeaders, type CacheEntry } from '../http/cache-policy';
import { MultipartWriter } from '../http/multipart-writer';
import type { Packaging } from './bulk-negotiation';

/** One part to send: its headers and a way to open its bytes from storage when its turn comes. */
export interface OutgoingPart {
  contentType: string;
  length: number;
  location: string;
  open: () => Promise<Readable>;
}

/**
 * Sends parts as multipart/related (PS3.18 8.6.1.2) or, for one part, as a bare body, opening
 * each part's storage stream only when it is written: at most one frame is in flight.
 * The first part is opened before the status is sent, so a storage failure is still a clean error
 * (without the `cache` headers, which only a successful answer carries).
 */
export async function sendParts(
  res: Response,
  packaging: Packaging,
  rootType: string,
  parts: readonly OutgoingPart[],
  log: (message: string, error?: unknown) => void,
  cache?: CacheEntry,
): Promise<void> {
  const first = parts[0];
  if (!first) throw new Error('sendParts needs at least one part');
  const firstBody = await first.open();
  if (cache) setCacheHeaders(res, cache);
  if (packaging === 'single') {
    res.status(200);
    res.setHeader('Content-Type', first.contentType);
    res.setHeader('Content-Length', String(first.length));
    return sendBody(res, firstBody, log);
  }
  let body: Readable | undefined = firstBody;
  const writer = new MultipartWriter(res, cache ? boundaryOf(cache) : undefined);
  res.status(200);
  res.setHeader('Content-Type', writer.contentType(rootType));
  // Every part's length is known: no chunked transfer coding for either side to frame and undo, and
  // the browser reads the answer into one buffer of the right size (issue 11).
  res.setHeader('Content-Length', String(writer.bodyLength(parts.map((part) => ({ headers: partHeaders(part), length: part.length })))));
  try {
    for (const [n, part] of parts.entries()) {
      const current: Readable = n === 0 ? firstBody : await part.open();
      body = current;
      await writer.writePart(partHeaders(part), current);
      body = undefined;
    }
    await writer.end();
  } catch (error) {
    abort(res, body, log, error);
  }
}

function partHeaders(part: OutgoingPart): Record<string, string> {
  return { 'Content-Type': part.contentType, 'Content-Length': String(part.length), 'Content-Location': part.location };
}

/**
 * A strong ETag promises the same bytes every time, boundary included, so an answer that has one
 * gets a boundary derived from it. It is as unguessable as the random one where that matters: the
 * tag hashes the object key, which is random and made after the uploader chose the bytes.
 */
function boundaryOf(cache: CacheEntry): string {
  return `dicomweb-${createHash('sha256').update(`boundary ${cache.etag}`).digest('hex').slice(0, 32)}`;
}

/** Streams one opened body as the whole response (status and headers already set). */
export async function sendBody(res: Response, body: Readable, log: (message: string, error?: unknown) => void): Promise<void> {
  try {
    await pipeline(body, res);
  } catch (error) {
    abort(res, body, log, error);
  }
}

function abort(res: Response, body: Readable | undefined, log: (message: string, error?: unknown) => void, error: unknown): void {
  body?.destroy(); // release the object's file or socket even if the client went away
  // Headers are gone: the only honest signal left is an aborted transfer.
  if (!res.destroyed) log('frame or bulk data retrieval aborted while streaming', error);
  res.destroy(error instanceof Error ? error : undefined);
}
