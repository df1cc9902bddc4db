/** The decode worker: frames are decoded off the main thread so that scrolling stays smooth. */
import { decodeFrame } from './decoders';
import type { DecodeRequest, DecodeResponse } from './decode-messages';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<DecodeRequest>) => void) | null;
  postMessage(message: DecodeResponse, transfer?: Transferable[]): void;
};

scope.onmessage = (event) => {
  const { id, transferSyntax, encoded, shape, preview } = event.data;
  decodeFrame(transferSyntax, encoded, shape, preview).then(
    (pixels) => scope.postMessage({ id, pixels }, [pixels.buffer]),
    (error: unknown) => scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) }),
  );
};
