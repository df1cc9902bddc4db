/**
 * How fast the link to the archive is, estimated from the transfers themselves: the Resource
 * Timing entries of the first calls (QIDO, metadata) and then every frame the viewer fetches.
 * Rate is bytes over the time at least one body was arriving (from its headers to its end, so
 * that the archive's own work before answering, e.g. encoding a frame, does not count; parallel
 * transfers share the link, so per-request rates would understate it), smoothed; the round trip
 * is the shortest small answer seen, start to end (headers may come before the latency does:
 * Chromium's emulated links delay the body). Loopback and a LAN come out "fast": the viewer then
 * loads as it always did.
 */

/** At or above this rate and below FAST_RTT_MS the link is fast (nothing is staged). */
const FAST_BITS_PER_SECOND = 60e6;
const FAST_RTT_MS = 25;
/** Below this many bytes a response says nothing about the rate (it is over before TCP ramps up). */
const RATE_SAMPLE_BYTES = 48 * 1024;
/** Up to this many bytes a whole response is about one round trip. */
const RTT_SAMPLE_BYTES = 16 * 1024;
const SMOOTHING = 0.5;

let rate: number | undefined;
let rtt: number | undefined;
let inFlight = 0;
let busySince = 0;
/** Bytes and busy milliseconds since the last rate sample. */
let pendingBytes = 0;
let pendingBusyMs = 0;
let timingsSeen = 0;

function now(): number {
  return performance.now();
}

function addRateSample(bitsPerSecond: number): void {
  rate = rate === undefined ? bitsPerSecond : rate + SMOOTHING * (bitsPerSecond - rate);
}

function addRtt(ms: number): void {
  if (ms >= 0) rtt = rtt === undefined ? ms : Math.min(rtt, ms);
}

/** The Resource Timing fields read here (tests compile this module under the root tsconfig, which has no DOM library). */
interface ResourceTiming {
  name: string;
  transferSize: number;
  encodedBodySize: number;
  startTime: number;
  responseStart: number;
  responseEnd: number;
}

/**
 * What the page fetched before any frame (its code, sign-in, QIDO, series metadata), from Resource
 * Timing: round trips from every small answer that crossed the network (not from the HTTP cache),
 * timed from the start of its fetch (a latency may fall before requestStart, or after the headers);
 * rates from the bodies of the archive's larger answers.
 */
export function seedFromResourceTiming(): void {
  const entries = performance.getEntriesByType('resource') as unknown as ResourceTiming[];
  const { origin } = (globalThis as unknown as { location: { origin: string } }).location;
  // The buffer only grows: each entry is counted once.
  const fresh = entries.slice(timingsSeen);
  timingsSeen = entries.length;
  for (const entry of fresh) {
    if (!entry.name.startsWith(origin) || entry.transferSize === 0 || entry.responseEnd <= 0) continue;
    const bytes = entry.encodedBodySize;
    const ms = entry.responseEnd - entry.startTime;
    if (bytes <= RTT_SAMPLE_BYTES) addRtt(ms);
    const bodyMs = entry.responseEnd - entry.responseStart;
    if (entry.name.includes('/dicom-web/') && bytes >= RATE_SAMPLE_BYTES && bodyMs > 0) addRateSample((bytes * 8 * 1000) / bodyMs);
  }
}

/** A measured transfer: call it when the request goes out, `headers` when its answer begins, then `done`. */
export function measureTransfer(): { headers(): void; done(bytes: number): void } {
  const start = now();
  let bodyStart: number | undefined;
  let finished = false;
  const beginBody = () => {
    bodyStart = now();
    if (inFlight++ === 0) busySince = bodyStart;
  };
  return {
    headers() {
      if (bodyStart === undefined && !finished) beginBody();
    },
    done(bytes) {
      if (finished) return;
      if (bodyStart === undefined) beginBody();
      finished = true;
      const end = now();
      if (bytes > 0 && bytes <= RTT_SAMPLE_BYTES) addRtt(end - start);
      pendingBytes += bytes;
      if (--inFlight === 0) {
        pendingBusyMs += end - busySince;
        busySince = end;
      }
      const busy = pendingBusyMs + (inFlight > 0 ? end - busySince : 0);
      if (pendingBytes >= RATE_SAMPLE_BYTES && busy > 0) {
        addRateSample((pendingBytes * 8 * 1000) / busy);
        pendingBytes = 0;
        pendingBusyMs = 0;
        if (inFlight > 0) busySince = end;
      }
    },
  };
}

export interface LinkEstimate {
  /** Smoothed bits per second, undefined until a transfer large enough was seen. */
  bitsPerSecond: number | undefined;
  /** Shortest small answer seen, in ms. */
  rttMs: number | undefined;
}

export function linkEstimate(): LinkEstimate {
  return { bitsPerSecond: rate, rttMs: rtt };
}

/**
 * Fast: behave as on a LAN. Unknown counts as fast as long as round trips are short (small
 * answers on loopback are over too quickly to measure a rate).
 */
export function isFastLink(estimate: LinkEstimate = linkEstimate()): boolean {
  const pinned = pinnedLink();
  if (pinned) return pinned === 'lan';
  if (estimate.rttMs !== undefined && estimate.rttMs >= FAST_RTT_MS) return false;
  return estimate.bitsPerSecond === undefined || estimate.bitsPerSecond >= FAST_BITS_PER_SECOND;
}

/**
 * `localStorage['pacs.link']` = `lan` or `thin` pins the choice instead of measuring: for a LAN
 * behind a server so busy that its answers look far away, a thin link that measures fast, and
 * tests that check one way of loading on a machine whose load they do not control.
 */
function pinnedLink(): 'lan' | 'thin' | undefined {
  try {
    const value = (globalThis as unknown as { localStorage?: { getItem(key: string): string | null } }).localStorage?.getItem('pacs.link');
    return value === 'lan' || value === 'thin' ? value : undefined;
  } catch {
    return undefined; // storage refused (private mode, sandboxed frame)
  }
}
