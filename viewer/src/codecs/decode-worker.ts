/** The decode worker: frames are decoded off the main thread so that scrolling stays smooth. */
import { decodeFrame, prepareDecoder } from './decoders';
import type { DecodeRequest, DecodeResponse, PrepareRequest } from './decode-messages';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<DecodeRequest | PrepareRequest>) => void) | null;
  postMessage(message: DecodeResponse, transfer?: Transferable[]): void;
};

scope.onmessage = (event) => {
  if ('prepare' in event.data) {
    void prepareDecoder(event.data.prepare).catch(() => undefined); // a real frame reports any failure
    return;
  }
  const { id, transferSyntax, encoded, shape, preview } = event.data;
  decodeFrame(transferSyntax, encoded, shape, preview).then(
    (pixels) => scope.postMessage({ id, pixels }, [pixels.buffer]),
    (error: unknown) => scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) }),
  );
};
