import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { discardBody, readBody, PeerProtocolError, type PeerResponse } from './peer-connection';

/**
 * The peer answered with an HTTP status that is not a success. The message says what the status
 * means for us and carries no secret; `retryAfterMs` is the peer's Retry-After, when it gave one.
 */
export class PeerStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'PeerStatusError';
  }

  /** 401 or 403: the peer does not take our credentials (never passed on as our own 401). */
  get refusedCredentials(): boolean {
    return this.status === 401 || this.status === 403;
  }

  /** Worth asking again later: the peer is busy or broken for now (429, 5xx). */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** The longest excerpt of a peer's error body kept in a message. */
const EXCERPT_CHARS = 200;

/**
 * A non-success answer as a PeerStatusError, for `what` the request was (e.g. "the search for
 * studies"). Reads at most a few KiB of its body for the peer's own words, then drops the rest.
 */
export async function statusError(response: PeerResponse, what: string): Promise<PeerStatusError> {
  const { status } = response;
  const retryAfterMs = parseRetryAfter(header(response, 'retry-after'));
  if (status === 401 || status === 403) {
    discardBody(response.body);
    return new PeerStatusError(status, `the peer refused our credentials (${status} ${STATUS_CODES[status]})`);
  }
  const said = status >= 400 && status < 500 && status !== 404 ? await excerpt(response.body) : (discardBody(response.body), '');
  const phrase = STATUS_CODES[status] ?? 'unknown status';
  return new PeerStatusError(status, `the peer answered ${status} ${phrase} to ${what}${said ? `: ${said}` : ''}`, retryAfterMs);
}

/** A response header as one string (the first of repeated ones). */
export function header(response: PeerResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The body of a small answer, gunzipped when the peer compressed it, refused past `maxBytes`
 * of decoded bytes (so a small gzip bomb is as bounded as a large body).
 */
export async function readAnswer(response: PeerResponse, maxBytes: number): Promise<Buffer> {
  const coding = header(response, 'content-encoding')?.trim().toLowerCase();
  if (!coding || coding === 'identity') return readBody(response.body, maxBytes);
  if (coding !== 'gzip' && coding !== 'x-gzip') {
    discardBody(response.body);
    throw new PeerProtocolError(
      `the peer's answer is in the Content-Encoding ${JSON.stringify(coding.slice(0, 40))}, which we did not ask for`,
    );
  }
  const gunzip = createGunzip();
  response.body.on('error', (error) => gunzip.destroy(error));
  gunzip.on('close', () => discardBody(response.body));
  response.body.pipe(gunzip);
  try {
    return await readBody(gunzip, maxBytes);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'Z_DATA_ERROR' || (error as { code?: unknown }).code === 'Z_BUF_ERROR')
      throw new PeerProtocolError("the peer's gzip-compressed answer is corrupt");
    throw error;
  }
}

/** The first printable characters of a (small) error body, or '' when it is unreadable or large. */
async function excerpt(body: Readable): Promise<string> {
  try {
    const text = (await readBody(body, 4096)).toString('utf8');
    const message = /"message"\s*:\s*"([^"]*)"/.exec(text)?.[1] ?? text;
    const printable = message.replace(/[^\p{L}\p{N}\p{P}\p{Zs}]+/gu, ' ').trim();
    return printable.length > EXCERPT_CHARS ? `${printable.slice(0, EXCERPT_CHARS)}…` : printable;
  } catch {
    return '';
  }
}

/** Retry-After (RFC 9110 10.2.3): delay-seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
