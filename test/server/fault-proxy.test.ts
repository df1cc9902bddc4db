import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { stowBody } from '../helpers/dicomweb-http';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';

/** A TCP server that keeps what each connection sent and echoes it back (or not). */
async function startTcpTarget(echo: boolean) {
  const received: Buffer[][] = [];
  const arrivals: number[] = [];
  const server = net.createServer((socket) => {
    const mine: Buffer[] = [];
    received.push(mine);
    socket.on('data', (chunk: Buffer) => {
      mine.push(chunk);
      arrivals.push(performance.now());
      if (echo) socket.write(chunk);
    });
    socket.on('end', () => socket.end());
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    received: (n = 0) => Buffer.concat(received[n] ?? []),
    arrivals,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the socket receives until it closes, and how it closed. */
function readAll(socket: net.Socket): Promise<{ bytes: Buffer; error: string | undefined }> {
  const chunks: Buffer[] = [];
  let error: string | undefined;
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
  return new Promise((resolve) => socket.on('close', () => resolve({ bytes: Buffer.concat(chunks), error })));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('fault proxy (test/helpers/fault-proxy.ts)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function proxyTo(port: number): Promise<FaultProxy> {
    const proxy = await startFaultProxy(port);
    cleanups.push(() => proxy.close());
    return proxy;
  }

  it('passes bytes unchanged both ways and counts them per connection', async () => {
    const target = await startTcpTarget(true);
    cleanups.push(target.close);
    const proxy = await proxyTo(target.port);
    const sent = randomBytes(3 * 1024 * 1024);
    const socket = await connect(proxy.port);
    const echoed = readAll(socket);
    socket.end(sent);
    const { bytes, error } = await echoed;
    expect(error).toBeUndefined();
    expect(sha(target.received())).toBe(sha(sent));
    expect(sha(bytes)).toBe(sha(sent));
    await sleep(50);
    expect(proxy.connections).toHaveLength(1);
    expect(proxy.connections[0]).toMatchObject({ upstreamBytes: sent.length, downstreamBytes: sent.length, fate: 'closed' });
    expect(proxy.bytes('upstream')).toBe(sent.length);
  });

  it('cuts the connection on which the N-th byte passes, upstream or downstream', async () => {
    const target = await startTcpTarget(true);
    cleanups.push(target.close);
    const proxy = await proxyTo(target.port);
    proxy.cutAfter(100_000, 'upstream');
    const socket = await connect(proxy.port);
    const got = readAll(socket);
    socket.write(randomBytes(1024 * 1024));
    const { error } = await got;
    expect(error).toBe('ECONNRESET');
    expect(proxy.connections[0]).toMatchObject({ upstreamBytes: 100_000, fate: 'cut' });
    expect(target.received(0).length).toBeLessThanOrEqual(100_000);

    proxy.cutAfter(50_000, 'downstream');
    const second = await connect(proxy.port);
    const echoed = readAll(second);
    second.write(randomBytes(1024 * 1024));
    const { bytes } = await echoed;
    expect(bytes.length).toBeLessThanOrEqual(50_000);
    expect(proxy.connections[1]).toMatchObject({ downstreamBytes: 50_000, fate: 'cut' });

    // Once: the next connection passes everything.
    const third = await connect(proxy.port);
    const whole = readAll(third);
    third.end(Buffer.alloc(200_000, 7));
    expect((await whole).bytes.length).toBe(200_000);
  });

  it('stalls without closing, then goes on with nothing lost', async () => {
    const target = await startTcpTarget(false);
    cleanups.push(target.close);
    const proxy = await proxyTo(target.port);
    const socket = await connect(proxy.port);
    const closed = readAll(socket);
    socket.write(Buffer.alloc(10_000, 1));
    await sleep(100);
    expect(target.received().length).toBe(10_000);
    proxy.stall();
    socket.write(Buffer.alloc(20_000, 2));
    await sleep(400);
    expect(target.received().length).toBe(10_000);
    expect(socket.destroyed).toBe(false);
    expect(proxy.connections[0]?.fate).toBe('open');
    proxy.unstall();
    await sleep(100);
    expect(target.received().length).toBe(30_000);
    expect(
      target
        .received()
        .subarray(10_000)
        .every((b) => b === 2),
    ).toBe(true);
    socket.end();
    await closed;
  });

  it('answers 503 to the next n connections without reaching the target, and captures STOW-RS requests', async () => {
    const seen: string[] = [];
    const target = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => target.close(() => resolve())));
    const proxy = await proxyTo((target.address() as net.AddressInfo).port);
    proxy.answer503(2);
    proxy.capture(true);
    const files = ['1-036.dcm', '1-037.dcm', '1-038.dcm'].map((f) => `series/ct-abdomen-philips-tcia/${f}`);
    const { body, contentType } = stowBody(files.map((f) => corpusFile(f)));
    const post = () => fetch(`${proxy.url}/dicom-web/studies`, { method: 'POST', headers: { 'content-type': contentType }, body });
    for (const _ of [1, 2]) {
      const res = await post();
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      await res.text();
    }
    expect(seen).toEqual([]);
    const res = await post();
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    // The same body streamed (chunked transfer coding), on a connection of its own.
    const chunked = await fetch(`${proxy.url}/dicom-web/studies`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Blob([body]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(200);
    await chunked.text();
    expect(seen).toEqual(['POST /dicom-web/studies', 'POST /dicom-web/studies']);
    expect(proxy.connections.slice(0, 2).map((c) => c.fate)).toEqual(['answered-503', 'answered-503']);
    const uids = files.map((f) => corpusEntry(f).sopInstanceUID);
    expect(proxy.sentSopInstanceUids()).toEqual([...uids, ...uids]);
    expect(proxy.capturedRequests().map((r) => r.headers['transfer-encoding'] ?? 'length')).toEqual(['length', 'chunked']);
  });

  it('throttles to the rate asked (within 10 %) and adds the round-trip time', async () => {
    const target = await startTcpTarget(true);
    cleanups.push(target.close);
    const proxy = await proxyTo(target.port);
    const rate = 12_000_000;
    const rttMs = 40;
    proxy.throttle({ bitsPerSecond: rate, rttMs });

    const ping = await connect(proxy.port);
    const pong = new Promise<void>((resolve) => ping.once('data', () => resolve()));
    const sentAt = performance.now();
    ping.write('x');
    await pong;
    const rtt = performance.now() - sentAt;
    expect(rtt).toBeGreaterThanOrEqual(rttMs - 1);
    expect(rtt).toBeLessThan(rttMs + 30);
    ping.destroy();

    const sink = await startTcpTarget(false);
    cleanups.push(sink.close);
    const slow = await proxyTo(sink.port);
    slow.throttle({ bitsPerSecond: rate, rttMs });
    const bytes = 3 * 1024 * 1024;
    const socket = await connect(slow.port);
    const start = performance.now();
    socket.end(randomBytes(bytes));
    while (sink.received().length < bytes) await sleep(5);
    const seconds = (sink.arrivals.at(-1)! - start - rttMs / 2) / 1000;
    const measured = (bytes * 8) / seconds;
    console.log(`fault proxy throttle: ${(measured / 1e6).toFixed(2)} Mbit/s for ${rate / 1e6} Mbit/s asked, rtt ${rtt.toFixed(1)} ms`);
    expect(Math.abs(measured - rate) / rate).toBeLessThan(0.1);
  });
});
