/**
 * Decodes compressed frames in a Web Worker (started on the first compressed frame). One worker:
 * the archive link, not decoding, is what limits a remote reader, and the CPU may be small.
 */
import type { DecodeRequest, DecodeResponse, PrepareRequest } from './decode-messages';
import type { FrameShape, PreviewDecode } from './decoders';

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (pixels: Uint8Array) => void; reject: (error: Error) => void }>();

function decodeWorker(): Worker {
  if (worker) return worker;
  const started = new Worker(new URL('./decode-worker.ts', import.meta.url), { type: 'module' });
  started.onmessage = (event: MessageEvent<DecodeResponse>) => {
    const waiting = pending.get(event.data.id);
    pending.delete(event.data.id);
    if (!waiting) return;
    if (event.data.pixels) waiting.resolve(event.data.pixels);
    else waiting.reject(new Error(event.data.error));
  };
  started.onerror = (event) => {
    // A worker that cannot start fails everything it was asked; the next call starts a new one.
    for (const waiting of pending.values()) waiting.reject(new Error(event.message || 'the decode worker failed'));
    pending.clear();
    worker = undefined;
  };
  worker = started;
  return started;
}

/** Little-endian, interleaved native samples of one compressed frame (with `preview`: of a preview, upscaled to the frame's size). */
export function decodeInBrowser(
  transferSyntax: string,
  encoded: Uint8Array,
  shape: FrameShape,
  preview?: PreviewDecode,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    // A copy of its own: the part is a view into the whole multipart body, which would be cloned.
    const own = encoded.slice();
    const request: DecodeRequest = { id, transferSyntax, encoded: own, shape, preview };
    decodeWorker().postMessage(request, [own.buffer]);
  });
}

/** Starts the worker and has it compile the decoder of `transferSyntax` while the first frame is still on its way. */
export function prepareDecoding(transferSyntax: string): void {
  const request: PrepareRequest = { prepare: transferSyntax };
  decodeWorker().postMessage(request);
}
