import { Readable } from 'node:stream';
import type * as Undici from 'undici';
import { BandwidthCap, capped } from './bandwidth-cap';

/** What is needed to speak to one peer: its secret already unsealed (server/exchange/peer-store.ts). */
export interface PeerEndpoint {
  /** DICOMweb base URL without a trailing slash. */
  baseUrl: string;
  /** The Authorization header value, or undefined for none. Never logged. */
  authorization: string | undefined;
  caPem: string | null;
  bandwidthKbps: number | null;
  maxConnections: number;
  /** A DIMSE peer's remote AE (then `baseUrl` is only its dicom:// name); port null when the AE has none now. */
  dimse?: { aeTitle: string; host: string; port: number | null };
}

export interface PeerResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  /** The body, under the peer's bandwidth cap. Read it to the end or destroy it. */
  body: Readable;
}

export interface PeerRequest {
  method: 'GET' | 'POST';
  /** Path and query below the base URL, starting with `/` (e.g. `/studies?StudyInstanceUID=…`). */
  path: string;
  headers?: Record<string, string>;
  /** A request body, streamed under the bandwidth cap. */
  body?: AsyncIterable<Uint8Array>;
  signal?: AbortSignal;
}

/**
 * The network failed before the peer answered: refused, reset, cut, stalled or timed out. Always
 * worth retrying; the message says what happened without any secret.
 */
export class PeerUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PeerUnreachableError';
  }
}

/** A peer that answered, but not as DICOMweb does (wrong media type, unreadable or oversized body). */
export class PeerProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeerProtocolError';
  }
}

/** How long the peer may stay silent: before its answer's headers, and between two body chunks. */
const STALL_MS = 60_000;

/** undici loads with the first request to a peer: ~8 MB an archive without peers does not hold. */
let undici: typeof Undici | undefined;
const loadUndici = async () => (undici ??= await import('undici'));

/**
 * The HTTP connection pool to one peer (undici), with its credentials, custom CA, connection
 * limit and bandwidth cap. Secrets stay inside: the error messages name the URL path only.
 */
export class PeerConnection {
  private agent: Undici.Agent | undefined;
  private closed = false;
  private readonly stall: number;
  private readonly cap: BandwidthCap | undefined;
  private readonly base: URL;

  constructor(
    readonly endpoint: PeerEndpoint,
    options: { stallMs?: number } = {},
  ) {
    this.base = new URL(endpoint.baseUrl.replace(/\/+$/, '') + '/');
    this.stall = options.stallMs ?? STALL_MS;
    this.cap = BandwidthCap.fromKbps(endpoint.bandwidthKbps);
  }

  /** The absolute URL of a path below the base URL. */
  url(path: string): URL {
    return new URL(path.replace(/^\/+/, ''), this.base);
  }

  async request(req: PeerRequest): Promise<PeerResponse> {
    const url = this.url(req.path);
    const headers: Record<string, string> = { ...req.headers };
    if (this.endpoint.authorization) headers.authorization = this.endpoint.authorization;
    try {
      const { Agent, request } = await loadUndici();
      if (this.closed) throw new PeerUnreachableError(`${req.method} ${url.pathname}: the connection to the peer was closed`);
      this.agent ??= new Agent({
        connections: this.endpoint.maxConnections,
        headersTimeout: this.stall,
        bodyTimeout: this.stall,
        connect: this.endpoint.caPem ? { ca: this.endpoint.caPem, timeout: 15_000 } : { timeout: 15_000 },
      });
      const answer = await request(url, {
        method: req.method,
        headers,
        dispatcher: this.agent,
        ...(req.body ? { body: Readable.from(capped(req.body, this.cap), { objectMode: false }) } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
      });
      const body = this.cap ? Readable.from(capped(answer.body, this.cap), { objectMode: false }) : answer.body;
      if (this.cap) body.on('close', () => discardBody(answer.body));
      return { status: answer.statusCode, headers: answer.headers, body };
    } catch (error) {
      throw unreachable(error, `${req.method} ${url.pathname}`);
    }
  }

  /** `source` under the peer's bandwidth cap: a DIMSE peer's C-STORE data sets. */
  throttle(source: AsyncIterable<Uint8Array>): AsyncIterable<Buffer> {
    return capped(source, this.cap);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.agent?.close();
  }
}

/** A network error of undici or of the socket, as a PeerUnreachableError; anything else unchanged. */
export function unreachable(error: unknown, what: string): unknown {
  if (error instanceof PeerUnreachableError || error instanceof PeerProtocolError) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  if ((undici && error instanceof undici.errors.UndiciError) || isSocketError(error)) {
    const code = (error as { code?: string }).code;
    return new PeerUnreachableError(`${what}: ${describe(code, error as Error)}`, { cause: error });
  }
  return error;
}

function isSocketError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(E[A-Z]+|ERR_TLS_.*|ERR_SSL_.*|CERT_.*|UNABLE_TO_.*|DEPTH_ZERO_.*|SELF_SIGNED_.*)$/.test(code);
}

function describe(code: string | undefined, error: Error): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'UND_ERR_HEADERS_TIMEOUT':
      return 'no answer (timed out)';
    case 'UND_ERR_BODY_TIMEOUT':
      return 'the transfer stalled (timed out)';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'could not connect (timed out)';
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
      return 'the connection was cut';
    default:
      return code ? `${code}: ${error.message}` : error.message;
  }
}

/** Reads a whole (small) answer body, refusing one larger than `maxBytes`. */
export async function readBody(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        discardBody(body);
        throw new PeerProtocolError(`the peer's answer is larger than ${maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    throw unreachable(error, 'reading the answer');
  }
  return Buffer.concat(chunks);
}

/**
 * Drops an answer's body unread. An undici body destroyed without an error emits an AbortError,
 * which nobody listens for once we have moved on: without this listener it would be uncaught.
 */
export function discardBody(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}
