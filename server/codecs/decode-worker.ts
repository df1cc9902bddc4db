import { parentPort } from 'node:worker_threads';
import { isAppError } from '../../shared/errors';
import { decodeHere } from './decode-here';
import type { DecodeReply, DecodeRequest } from './decode-pool';

/** One decode worker thread (decode-pool.ts): decodes the frames it is sent, one at a time. */
parentPort?.on('message', (request: DecodeRequest) => {
  decodeHere(request.transferSyntaxUid, request.encoded, request.geometry).then(
    (frame) => {
      // A copy of its own to hand over: some decoders' output shares memory they reuse.
      const pixels = frame.pixels.slice();
      const reply: DecodeReply = { id: request.id, frame: { ...frame, pixels } };
      parentPort!.postMessage(reply, [pixels.buffer]);
    },
    (error: unknown) => {
      const reply: DecodeReply = {
        id: request.id,
        error: isAppError(error)
          ? { code: error.code, message: error.message }
          : { code: 'NOT_ACCEPTABLE', message: `A stored frame could not be decoded: ${String(error)}` },
      };
      parentPort!.postMessage(reply);
    },
  );
});

parentPort?.postMessage({ ready: true });
