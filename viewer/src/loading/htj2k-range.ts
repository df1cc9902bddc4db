/**
 * A byte range of one frame as an HTJ2K RPCL lossless codestream (1.2.840.10008.1.2.4.202), asked
 * for as a bare `image/jphc` body with `Range` (RFC 9110 14.2): a prefix for the preview, then the
 * rest with `If-Range` so that both halves come from the same codestream. Every transfer feeds the
 * link estimate.
 */
import { fetchOk } from '../dicomweb/base';
import { framesUrl } from '../dicomweb/resource-urls';
import type { FrameRef } from '../imaging/image-ids';
import { measureTransfer } from './link-estimate';

export const HTJ2K_RPCL = '1.2.840.10008.1.2.4.202';
export const HTJ2K_RPCL_ACCEPT = `image/jphc; transfer-syntax=${HTJ2K_RPCL}`;

export interface CodestreamRange {
  bytes: Uint8Array;
  /** Offset of `bytes` in the whole codestream (0 when the archive sent all of it). */
  start: number;
  /** Length of the whole codestream. */
  total: number;
  etag: string | undefined;
}

/** Bytes [start, end) of the frame's codestream; end undefined = to its end. */
export async function fetchCodestreamRange(
  ref: FrameRef,
  start: number,
  end: number | undefined,
  etag: string | undefined,
  /** The slice on screen goes 'high': Chromium then serves it first when its connections are all busy. */
  priority: RequestPriority = 'auto',
): Promise<CodestreamRange> {
  const headers: Record<string, string> = { accept: HTJ2K_RPCL_ACCEPT };
  if (start > 0 || end !== undefined) headers.range = `bytes=${start}-${end === undefined ? '' : end - 1}`;
  if (etag && start > 0) headers['if-range'] = etag;
  const transfer = measureTransfer();
  let received = 0;
  try {
    const res = await fetchOk(framesUrl(ref.studyUid, ref.seriesUid, ref.sopUid, [ref.frame]), { headers, priority });
    transfer.headers();
    const bytes = new Uint8Array(await res.arrayBuffer());
    received = bytes.length;
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(res.headers.get('content-range') ?? '');
    const tag = res.headers.get('etag') ?? undefined;
    if (res.status === 206 && range) return { bytes, start: Number(range[1]), total: Number(range[3]), etag: tag };
    // 200: the whole codestream (no range support, a changed ETag, or a range covering it all).
    return { bytes, start: 0, total: bytes.length, etag: tag };
  } finally {
    transfer.done(received);
  }
}
