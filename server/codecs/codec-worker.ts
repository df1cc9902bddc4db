import { parentPort } from 'node:worker_threads';
import { isAppError } from '../../shared/errors';
import { runHere, type CodecReply, type CodecRequest } from './codec-pool';

/** One codec worker thread (codec-pool.ts): decodes or encodes the frames it is sent, one at a time. */
parentPort?.on('message', (request: CodecRequest) => {
  runHere(request).then(
    (result) => {
      // Bytes of its own to hand over: some codecs' output shares memory they reuse.
      const owned = 'bytes' in result ? { ...result, bytes: result.bytes.slice() } : { ...result, pixels: result.pixels.slice() };
      const buffer = ('bytes' in owned ? owned.bytes : owned.pixels).buffer;
      parentPort!.postMessage({ id: request.id, result: owned } satisfies CodecReply, [buffer]);
    },
    (error: unknown) => {
      const doing = request.kind === 'encode' ? 'encoded' : 'decoded';
      const reply: CodecReply = {
        id: request.id,
        error: isAppError(error)
          ? { code: error.code, message: error.message }
          : { code: 'NOT_ACCEPTABLE', message: `A frame could not be ${doing}: ${String(error)}` },
      };
      parentPort!.postMessage(reply);
    },
  );
});

parentPort?.postMessage({ ready: true });
