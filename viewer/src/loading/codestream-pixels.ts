/**
 * Native pixels from what has arrived of a frame's .202 codestream: the whole image when all of it
 * is here, else a preview at the highest resolution wholly inside the prefix (never a resolution
 * the prefix ends inside: OpenJPH would decode garbage without an error), upscaled to full size.
 */
import { decodableResolution, readHtj2kLayout, type Htj2kLayout } from '../../../shared/codecs/htj2k-codestream';
import { decodeInBrowser } from '../codecs/decode-in-browser';
import type { FrameAttributes } from '../imaging/image-attributes';
import { HTJ2K_RPCL } from './htj2k-range';

export interface CodestreamPixels {
  bytes: Uint8Array;
  quality: 'preview' | 'lossless';
  layout: Htj2kLayout;
}

/** undefined when the prefix holds not even the smallest resolution. */
export async function codestreamPixels(received: Uint8Array, total: number, a: FrameAttributes): Promise<CodestreamPixels | undefined> {
  const layout = readHtj2kLayout(received);
  const shape = { rows: a.rows, columns: a.columns, samplesPerPixel: a.samplesPerPixel, bitsAllocated: a.bitsAllocated };
  if (received.length >= total) return { bytes: await decodeInBrowser(HTJ2K_RPCL, received, shape), quality: 'lossless', layout };
  const r = decodableResolution(layout, received.length);
  if (r === undefined) return undefined;
  const prefix = received.subarray(0, layout.resolutionEnds![r]);
  const level = layout.decompositions - r;
  const bytes = await decodeInBrowser(HTJ2K_RPCL, prefix, shape, { level, signed: a.signed });
  return { bytes, quality: level === 0 ? 'lossless' : 'preview', layout };
}
