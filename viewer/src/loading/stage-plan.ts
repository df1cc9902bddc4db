/**
 * How to load a series over the link measured (link-estimate.ts): whether to stage at all, how
 * large a preview of each slice to ask for, and how many requests to keep in flight. Pure, so the
 * numbers can be checked without a network.
 */
import type { LinkEstimate } from './link-estimate';
import { isFastLink } from './link-estimate';

/** A preview of every slice should arrive within about this long… */
const PREVIEW_SECONDS = 12;
/** …but an eighth of the size (64² for 512²), the least that shows anatomy, may take up to this long. */
const SMALLEST_USEFUL_SECONDS = 40;
const SMALLEST_USEFUL_DOWNSCALE = 3;
/** Bytes of request and answer headers per request, on top of the codestream bytes. */
const HEADER_BYTES = 600;
/** Browsers open six HTTP/1.1 connections per host: one stays free for the slice on screen. */
export const MAX_CONNECTIONS = 6;
/** Previews are cut a little after the first slice's resolution end: slices differ in size. */
const PREFIX_SLACK = 1.2;

export interface StagePlan {
  staged: boolean;
  /** Resolution of the previews (0 = smallest, D = full), when staged. */
  previewResolution: number;
  /** Bytes asked for per preview (`Range: bytes=0-(previewBytes - 1)`). */
  previewBytes: number;
  /** Background requests in flight at once while previews, then remainders, load (the slice on screen has one more of its own). */
  previewConcurrency: number;
  remainderConcurrency: number;
  /**
   * Background requests for lossless remainders while previews are still coming: 1 when the
   * previews are so small that their requests, a round trip each, cannot fill the link.
   */
  remaindersDuringPreviews: number;
}

/** Today's behaviour on a fast link: the stored form, four at a time (imaging/prefetch.ts). */
export const UNSTAGED: StagePlan = {
  staged: false,
  previewResolution: 0,
  previewBytes: 0,
  previewConcurrency: 4,
  remainderConcurrency: 4,
  remaindersDuringPreviews: 0,
};

/**
 * Enough requests in flight to keep the link busy through a round trip (its bandwidth-delay
 * product) and two more, at least three (with two, both often wait for their first byte at once
 * and the link idles: 84% of the 4 Mbit/s link in the thin-link benchmark), but no more: each
 * extra one takes a share of the link from the slice the user scrolls to.
 */
export function concurrencyFor(bitsPerSecond: number, rttSeconds: number, bytesPerRequest: number): number {
  const inFlight = Math.ceil((bitsPerSecond * rttSeconds) / 8 / Math.max(1, bytesPerRequest + HEADER_BYTES)) + 2;
  return Math.max(3, Math.min(MAX_CONNECTIONS - 1, inFlight));
}

/**
 * `resolutionEnds`: the byte end of each resolution in the first slice's .202 codestream
 * (shared/codecs/htj2k-codestream.ts). The preview is the largest resolution below full whose
 * prefixes for all slices fit in PREVIEW_SECONDS at the measured rate, counting a round trip per
 * request spread over the connections.
 */
export function planStages(estimate: LinkEstimate, sliceCount: number, resolutionEnds: readonly number[]): StagePlan {
  if (isFastLink(estimate) || resolutionEnds.length < 2 || sliceCount < 2) return UNSTAGED;
  const rate = estimate.bitsPerSecond ?? 1e6;
  const rttSeconds = (estimate.rttMs ?? 100) / 1000;
  const seconds = (bytes: number) =>
    Math.max((sliceCount * (bytes + HEADER_BYTES) * 8) / rate, (sliceCount * rttSeconds) / concurrencyFor(rate, rttSeconds, bytes));
  const full = resolutionEnds.length - 1;
  const useful = Math.max(0, full - SMALLEST_USEFUL_DOWNSCALE);
  let previewResolution = seconds(resolutionEnds[useful]! * PREFIX_SLACK) <= SMALLEST_USEFUL_SECONDS ? useful : 0;
  for (let r = 1; r < full; r++) {
    if (seconds(resolutionEnds[r]! * PREFIX_SLACK) <= PREVIEW_SECONDS) previewResolution = Math.max(previewResolution, r);
  }
  const previewBytes = Math.round(resolutionEnds[previewResolution]! * PREFIX_SLACK);
  const wholeBytes = resolutionEnds[full]!;
  const previewConcurrency = concurrencyFor(rate, rttSeconds, previewBytes);
  // Small previews are bound by round trips, not bytes: with the six connections of HTTP/1.1 the
  // link idles (64² previews at 4 Mbit/s, 100 ms used half of it), and every idle second of the
  // preview stage is a second more before the series is lossless. Then one of the connections
  // carries lossless remainders, outward from the slice on screen, meanwhile.
  const linkBound = (sliceCount * (previewBytes + HEADER_BYTES) * 8) / rate;
  const roundTripBound = (sliceCount * rttSeconds) / previewConcurrency;
  const remaindersDuringPreviews = roundTripBound > linkBound && previewConcurrency >= 3 ? 1 : 0;
  return {
    staged: true,
    previewResolution,
    previewBytes,
    previewConcurrency: previewConcurrency - remaindersDuringPreviews,
    remainderConcurrency: concurrencyFor(rate, rttSeconds, Math.max(0, wholeBytes - previewBytes)),
    remaindersDuringPreviews,
  };
}
