import { writeFileSync } from 'node:fs';
import type { CDPSession } from 'playwright-core';

/**
 * Every request of a page as CDP's Network domain reports it (`bench:thin-link --trace FILE`):
 * when it was sent, when its answer's headers and its last byte came, and what it weighed on the
 * wire, so that an idle link, a chain of round trips or a request that waits can be found.
 */
export interface TracedRequest {
  url: string;
  /** Seconds from the first request sent. */
  sent: number;
  headers?: number;
  finished?: number;
  bytes?: number;
  status?: number;
  range?: string;
}

export function traceNetwork(cdp: CDPSession): { requests: TracedRequest[]; save(file: string): void } {
  const byId = new Map<string, TracedRequest>();
  const requests: TracedRequest[] = [];
  let origin: number | undefined;
  const at = (timestamp: number) => Math.round((timestamp - (origin ??= timestamp)) * 1000) / 1000;
  cdp.on(
    'Network.requestWillBeSent',
    (e: { requestId: string; timestamp: number; request: { url: string; headers: Record<string, string> } }) => {
      const request: TracedRequest = {
        url: shorten(e.request.url),
        sent: at(e.timestamp),
        range: e.request.headers.Range ?? e.request.headers.range,
      };
      byId.set(e.requestId, request);
      requests.push(request);
    },
  );
  cdp.on('Network.responseReceived', (e: { requestId: string; timestamp: number; response: { status: number } }) => {
    const request = byId.get(e.requestId);
    if (request) Object.assign(request, { headers: at(e.timestamp), status: e.response.status });
  });
  cdp.on('Network.loadingFinished', (e: { requestId: string; timestamp: number; encodedDataLength: number }) => {
    const request = byId.get(e.requestId);
    if (request) Object.assign(request, { finished: at(e.timestamp), bytes: e.encodedDataLength });
  });
  return { requests, save: (file) => writeFileSync(file, JSON.stringify(requests, null, 1)) };
}

/** The path and query, with long UIDs cut to their last digits. */
function shorten(url: string): string {
  const { pathname, search } = new URL(url);
  return (pathname + search).replace(/\d+(?:\.\d+){4,}/g, (uid) => `…${uid.slice(-6)}`);
}
