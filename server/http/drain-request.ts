import type { IncomingMessage } from 'node:http';

/** What is read and dropped at most before an early answer; beyond it the connection is cut. */
const MAX_DRAIN_BYTES = 16 * 2 ** 20;
const MAX_DRAIN_MS = 5_000;

/**
 * Reads and drops what is left of a request body before an early answer (a 413, a 401 to an
 * upload), within 16 MiB and 5 s. A server that closes its socket with bytes still unread makes
 * its kernel send a reset, and the client may lose the answer before reading it (RFC 9112 9.6,
 * "lingering close"); a peer's send job then retried a batch the answer would have sized.
 */
export function drainRequest(req: IncomingMessage): Promise<void> {
  if (req.complete || req.destroyed) return Promise.resolve();
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_DRAIN_BYTES * 4) return Promise.resolve();
  return new Promise((resolve) => {
    let drained = 0;
    const done = () => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', done);
      req.off('close', done);
      req.off('error', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > MAX_DRAIN_BYTES) done();
    };
    const timer = setTimeout(done, MAX_DRAIN_MS);
    req.on('data', onData);
    req.once('end', done);
    req.once('close', done);
    req.once('error', done);
    req.resume();
  });
}
