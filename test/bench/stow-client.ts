/**
 * The benchmark's DICOMweb client: Store Instances (STOW-RS, PS3.18 10.5) with a streamed
 * multipart/related body, and counting QIDO-RS results (PS3.18 10.6) page by page.
 *
 * Bodies are written part by part through node:http with back-pressure, so a 1 GB request never
 * sits in memory: the instances may come from an async generator that makes each one on demand.
 */
import http from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { closeDelimiter, newBoundary, partHeader } from '../../shared/dicomweb/multipart';
import { BENCH_AUTHORIZATION } from './bench-account';

type Instances = Iterable<Buffer> | AsyncIterable<Buffer>;

export interface StowReply {
  status: number;
  /** ReferencedSOPInstanceUID (0008,1155) of each ReferencedSOPSequence (0008,1199) item */
  referenced: string[];
  /** items of FailedSOPSequence (0008,1198) */
  failed: number;
  /** bytes of DICOM sent (the parts' content, without multipart framing) */
  dicomBytes: number;
  instances: number;
  ms: number;
  /** the start of the body when the status is not 200 */
  errorText?: string;
}

/** The multipart/related body: each instance as one application/dicom part. Counts what passes. */
async function* multipartBody(
  instances: Instances,
  boundary: string,
  counts: { bytes: number; instances: number },
): AsyncGenerator<Buffer> {
  for await (const bytes of instances) {
    yield Buffer.from(partHeader(boundary, { 'Content-Type': 'application/dicom' }, counts.instances === 0), 'latin1');
    yield bytes;
    counts.bytes += bytes.length;
    counts.instances++;
  }
  yield Buffer.from(closeDelimiter(boundary), 'latin1');
}

/** POST `${dicomWeb}/studies`: one request, chunked transfer, body streamed from `instances`. */
export async function storeInstances(dicomWeb: string, instances: Instances, agent: http.Agent): Promise<StowReply> {
  const boundary = newBoundary();
  const counts = { bytes: 0, instances: 0 };
  const started = performance.now();
  const request = http.request(`${dicomWeb}/studies`, {
    method: 'POST',
    agent,
    headers: {
      'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
      accept: 'application/dicom+json',
      authorization: BENCH_AUTHORIZATION,
    },
  });
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
  await pipeline(Readable.from(multipartBody(instances, boundary, counts)), request);
  const res = await response;
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const ms = performance.now() - started;
  const text = Buffer.concat(chunks).toString('utf8');
  const reply: StowReply = {
    status: res.statusCode ?? 0,
    referenced: [],
    failed: 0,
    dicomBytes: counts.bytes,
    instances: counts.instances,
    ms,
  };
  if (reply.status !== 200 && reply.status !== 202 && reply.status !== 409) {
    reply.errorText = text.slice(0, 300);
    return reply;
  }
  const json = JSON.parse(text) as Record<string, { Value?: Array<Record<string, { Value?: unknown[] }>> } | undefined>;
  reply.referenced = (json['00081199']?.Value ?? []).map((item) => String(item['00081155']?.Value?.[0] ?? ''));
  reply.failed = json['00081198']?.Value?.length ?? 0;
  if (reply.status !== 200) reply.errorText = text.slice(0, 300);
  return reply;
}

/** Why a reply is not "200, every sent SOP Instance UID referenced, nothing failed"; undefined if it is. */
export function stowProblem(reply: StowReply, sentSopUids: readonly string[]): string | undefined {
  if (reply.status !== 200) return `status ${reply.status}: ${reply.errorText ?? ''}`;
  if (reply.failed !== 0) return `${reply.failed} instances in FailedSOPSequence`;
  if (reply.referenced.length !== sentSopUids.length) return `${reply.referenced.length} referenced instead of ${sentSopUids.length}`;
  const referenced = new Set(reply.referenced);
  const missing = sentSopUids.filter((uid) => !referenced.has(uid));
  if (missing.length > 0) return `${missing.length} sent instances not referenced, e.g. ${missing[0]}`;
  return undefined;
}

/**
 * Counts the results of a QIDO-RS search, paging with limit/offset while the server says (with a
 * Warning header) that `limit` cut the result; the server may cap `limit` below `pageSize`.
 */
export async function countSearchResults(url: string, pageSize = 1000): Promise<number> {
  for (let total = 0; ;) {
    const res = await fetch(`${url}${url.includes('?') ? '&' : '?'}limit=${pageSize}&offset=${total}`, {
      headers: { accept: 'application/dicom+json', authorization: BENCH_AUTHORIZATION },
    });
    if (res.status === 204) return total;
    if (res.status !== 200) throw new Error(`QIDO ${url}: status ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const page = (await res.json()) as unknown[];
    total += page.length;
    if (page.length === 0 || !res.headers.has('warning')) return total;
  }
}

/** Runs `task` over `items` with at most `concurrency` running at once; results in item order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** STOWs `instances` in requests of `batch`, `concurrency` in flight, on fresh kept-alive connections. */
export async function stowInBatches(
  dicomWeb: string,
  instances: readonly { sopUid: string; bytes: Buffer }[],
  batch = 10,
  concurrency = 4,
): Promise<{ replies: StowReply[]; problems: string[] }> {
  const batches: (typeof instances)[] = [];
  for (let i = 0; i < instances.length; i += batch) batches.push(instances.slice(i, i + batch));
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const problems: string[] = [];
  try {
    const replies = await mapConcurrent(batches, concurrency, async (parts) => {
      const reply = await storeInstances(
        dicomWeb,
        parts.map((p) => p.bytes),
        agent,
      );
      const problem = stowProblem(
        reply,
        parts.map((p) => p.sopUid),
      );
      if (problem) problems.push(problem);
      return reply;
    });
    return { replies, problems };
  } finally {
    agent.destroy();
  }
}
