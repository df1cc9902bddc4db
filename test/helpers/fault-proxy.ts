import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseHttpRequests, sopInstanceUidsOfStowRequests, type CapturedRequest } from './captured-requests';

export type Direction = 'upstream' | 'downstream';

/** One client connection through the proxy. Byte counts are what the proxy passed on. */
export interface ProxyConnection {
  id: number;
  openedAt: number;
  closedAt: number | undefined;
  /** Client → target. */
  upstreamBytes: number;
  /** Target → client. */
  downstreamBytes: number;
  fate: 'open' | 'closed' | 'cut' | 'answered-503' | 'target-unreachable';
}

export interface Throttle {
  bitsPerSecond: number;
  /** Round-trip time added: each chunk arrives rttMs / 2 later in each direction (default 0). */
  rttMs?: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: point the sender here instead of at the target. */
  url: string;
  port: number;
  /** Every connection so far, oldest first, with its counters (live objects). */
  readonly connections: readonly ProxyConnection[];
  /** Bytes passed in one direction over all connections. */
  bytes(direction: Direction): number;
  /**
   * The connection on which the `bytes`-th byte (counted from now, over all connections) passes
   * in `direction` is cut right after it: both of its sockets are reset. Once.
   */
  cutAfter(bytes: number, direction?: Direction): void;
  /** Stop forwarding on every connection, open or new, without closing any; data waits in the proxy (then in TCP's windows). */
  stall(): void;
  unstall(): void;
  /** The next `count` connections get `503 Service Unavailable` (Retry-After: 1, Connection: close) without reaching the target. */
  answer503(count?: number): void;
  /** Paces each direction at `bitsPerSecond` and adds `rttMs`; undefined lifts it. Applies to data arriving from now on. */
  throttle(settings: Throttle | undefined): void;
  /** Keeps a copy of every upstream byte from now on (or stops keeping, keeping what was kept). */
  capture(on: boolean): void;
  /** The HTTP requests in the captured upstream bytes, per connection in order. */
  capturedRequests(): CapturedRequest[];
  /** SOP Instance UIDs of the instances in the STOW-RS requests that passed whole, once per time sent. */
  sentSopInstanceUids(): string[];
  /** Lifts every fault (pending cut, stall, 503s, throttle). */
  clearFaults(): void;
  /** Closes the listener and every connection. */
  close(): Promise<void>;
}

/** Slices of at most this many milliseconds of link time, so pacing is smooth at any rate. */
const SLICE_MS = 10;
const MIN_HIGH_WATER = 64 * 1024;
const ANSWER_503 = Buffer.from(
  'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\nContent-Type: text/plain\r\n' +
    'Content-Length: 20\r\n\r\nService Unavailable\n',
  'latin1',
);
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

interface Faults {
  cut: { remaining: number; direction: Direction } | undefined;
  stalled: boolean;
  answer503: number;
  throttle: Throttle | undefined;
  capture: boolean;
}

/**
 * A loopback TCP proxy (node:net) in front of `targetPort`, for fault tests of transfers between
 * archives: it counts the bytes of each connection both ways and can cut a connection after N
 * bytes, stall, answer 503, and throttle to a link rate with a round-trip time, all switchable
 * while transfers run. It speaks TCP, not HTTP (except the 503 answer and the capture's reading),
 * so keep-alive connections, chunked bodies and pipelining pass untouched. The target may stop
 * and start again on the same port; a connection that cannot reach it is reset.
 */
export async function startFaultProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
  const faults: Faults = { cut: undefined, stalled: false, answer503: 0, throttle: undefined, capture: false };
  const connections: ProxyConnection[] = [];
  const live = new Set<Relay>();
  const captured = new Map<number, Buffer[]>();

  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const record: ProxyConnection = {
      id: connections.length + 1,
      openedAt: Date.now(),
      closedAt: undefined,
      upstreamBytes: 0,
      downstreamBytes: 0,
      fate: 'open',
    };
    connections.push(record);
    if (faults.answer503 > 0) {
      faults.answer503--;
      answerUnavailable(client, record);
      return;
    }
    const relay = new Relay(client, net.connect({ port: targetPort, host: targetHost, allowHalfOpen: true }), record, faults, (chunk) => {
      if (!faults.capture) return;
      const kept = captured.get(record.id) ?? [];
      kept.push(Buffer.from(chunk));
      captured.set(record.id, kept);
    });
    live.add(relay);
    relay.onClosed = () => live.delete(relay);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;

  const requests = () => [...captured.values()].flatMap((chunks) => parseHttpRequests(Buffer.concat(chunks)));
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    connections,
    bytes: (direction) => connections.reduce((sum, c) => sum + (direction === 'upstream' ? c.upstreamBytes : c.downstreamBytes), 0),
    cutAfter: (bytes, direction = 'upstream') => {
      if (!(bytes >= 1)) throw new RangeError(`cutAfter needs at least one byte, not ${bytes}`);
      faults.cut = { remaining: Math.floor(bytes), direction };
    },
    stall: () => {
      faults.stalled = true;
    },
    unstall: () => {
      faults.stalled = false;
      for (const relay of live) relay.pump();
    },
    answer503: (count = 1) => {
      faults.answer503 += count;
    },
    throttle: (settings) => {
      if (settings !== undefined && !(settings.bitsPerSecond > 0)) throw new RangeError('throttle needs bitsPerSecond > 0');
      faults.throttle = settings;
    },
    capture: (on) => {
      faults.capture = on;
    },
    capturedRequests: requests,
    sentSopInstanceUids: () => sopInstanceUidsOfStowRequests(requests()),
    clearFaults: () => {
      Object.assign(faults, { cut: undefined, stalled: false, answer503: 0, throttle: undefined });
      for (const relay of live) relay.pump();
    },
    close: async () => {
      for (const relay of live) relay.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Reads the request head, answers 503 and closes; the rest of what the client sends is read and dropped. */
function answerUnavailable(client: net.Socket, record: ProxyConnection): void {
  record.fate = 'answered-503';
  let head = Buffer.alloc(0);
  let answered = false;
  const giveUp = setTimeout(() => client.destroy(), 10_000);
  client.on('data', (chunk: Buffer) => {
    if (answered) return;
    head = Buffer.concat([head, chunk]);
    if (head.includes(HEAD_END) || head.length > 64 * 1024) {
      answered = true;
      client.end(ANSWER_503);
    }
  });
  client.on('end', () => client.end());
  client.on('error', () => client.destroy());
  client.on('close', () => {
    clearTimeout(giveUp);
    record.closedAt = Date.now();
  });
}

/** Both directions of one proxied connection. */
class Relay {
  onClosed: () => void = () => {};
  private readonly lanes: [Lane, Lane];
  private closed = 0;

  constructor(
    readonly client: net.Socket,
    readonly target: net.Socket,
    readonly record: ProxyConnection,
    readonly faults: Faults,
    keepUpstream: (chunk: Buffer) => void,
  ) {
    this.lanes = [new Lane(this, 'upstream', client, target, keepUpstream), new Lane(this, 'downstream', target, client, () => {})];
    target.on('error', () => {
      if (this.record.fate === 'open' && this.record.downstreamBytes === 0 && this.record.upstreamBytes === 0) {
        this.record.fate = 'target-unreachable';
      }
      // As a peer that refuses the connection: the client sees ECONNRESET, not a clean close.
      for (const lane of this.lanes) lane.drop();
      this.client.resetAndDestroy();
      this.target.destroy();
    });
    client.on('error', () => this.destroy());
    for (const socket of [client, target]) {
      socket.on('close', () => {
        if (++this.closed === 1) this.destroy();
        if (this.closed === 2) {
          this.record.closedAt = Date.now();
          if (this.record.fate === 'open') this.record.fate = 'closed';
          this.onClosed();
        }
      });
    }
  }

  pump(): void {
    for (const lane of this.lanes) lane.pump();
  }

  /** Forwards nothing more, writes the `last` bytes to `to`, then resets both sockets. */
  cut(to: net.Socket, last: Buffer): void {
    this.record.fate = 'cut';
    for (const lane of this.lanes) lane.drop();
    to.write(last, () => {
      this.client.resetAndDestroy();
      this.target.resetAndDestroy();
    });
  }

  destroy(): void {
    for (const lane of this.lanes) lane.drop();
    this.client.destroy();
    this.target.destroy();
  }
}

/** One direction: a queue of chunks, each with the time it may leave (now, or paced by the throttle). */
class Lane {
  private readonly queue: { chunk: Buffer; due: number }[] = [];
  private queued = 0;
  private linkFreeAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private blocked = false;
  private ended = false;
  private dropped = false;

  constructor(
    private readonly relay: Relay,
    private readonly direction: Direction,
    private readonly from: net.Socket,
    private readonly to: net.Socket,
    private readonly keep: (chunk: Buffer) => void,
  ) {
    from.on('data', (chunk: Buffer) => this.take(chunk));
    from.on('end', () => {
      this.ended = true;
      this.pump();
    });
  }

  private take(chunk: Buffer): void {
    if (this.dropped) return;
    const throttle = this.relay.faults.throttle;
    const now = performance.now();
    if (throttle === undefined) this.queue.push({ chunk, due: now });
    else {
      const bytesPerMs = throttle.bitsPerSecond / 8000;
      const slice = Math.max(1024, Math.floor(bytesPerMs * SLICE_MS));
      for (let at = 0; at < chunk.length; at += slice) {
        const piece = chunk.subarray(at, at + slice);
        this.linkFreeAt = Math.max(this.linkFreeAt, now) + piece.length / bytesPerMs;
        this.queue.push({ chunk: piece, due: this.linkFreeAt + (throttle.rttMs ?? 0) / 2 });
      }
    }
    this.queued += chunk.length;
    if (this.queued > this.highWater()) this.from.pause();
    this.pump();
  }

  /** The bandwidth-delay product, so that pausing the source never idles a throttled link. */
  private highWater(): number {
    const throttle = this.relay.faults.throttle;
    if (throttle === undefined) return MIN_HIGH_WATER;
    return Math.max(MIN_HIGH_WATER, ((throttle.bitsPerSecond / 8) * (throttle.rttMs ?? 0)) / 1000 + (throttle.bitsPerSecond / 8) * 0.05);
  }

  pump(): void {
    if (this.timer !== undefined || this.dropped) return;
    while (this.queue.length > 0 && !this.relay.faults.stalled && !this.blocked) {
      const head = this.queue[0]!;
      const wait = head.due - performance.now();
      if (wait > 0) {
        this.resumeSource();
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      this.queue.shift();
      this.queued -= head.chunk.length;
      this.deliver(head.chunk);
      if (this.dropped) return;
    }
    if (this.queue.length === 0 && this.ended && !this.to.writableEnded) this.to.end();
    this.resumeSource();
  }

  private resumeSource(): void {
    if (this.queued <= this.highWater() / 2 && !this.relay.faults.stalled && this.from.isPaused()) this.from.resume();
  }

  private deliver(chunk: Buffer): void {
    const { faults } = this.relay;
    const cut = faults.cut;
    if (cut !== undefined && cut.direction === this.direction && chunk.length >= cut.remaining) {
      faults.cut = undefined;
      const last = chunk.subarray(0, cut.remaining);
      this.count(last);
      this.relay.cut(this.to, last);
      return;
    }
    if (cut !== undefined && cut.direction === this.direction) cut.remaining -= chunk.length;
    this.count(chunk);
    if (!this.to.write(chunk)) {
      this.blocked = true;
      this.to.once('drain', () => {
        this.blocked = false;
        this.pump();
      });
    }
  }

  private count(chunk: Buffer): void {
    if (this.direction === 'upstream') {
      this.relay.record.upstreamBytes += chunk.length;
      this.keep(chunk);
    } else this.relay.record.downstreamBytes += chunk.length;
  }

  drop(): void {
    this.dropped = true;
    this.queue.length = 0;
    this.queued = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
