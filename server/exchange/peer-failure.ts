import { AppError } from '../../shared/errors';
import { PeerStatusError } from './peer-answer';
import { PeerProtocolError, PeerUnreachableError } from './peer-connection';
import { PermanentTransferError, RetryableTransferError } from './transfer-work';

/**
 * What a peer's failure means, in one place. For a request of our own client (a remote search):
 * 502 Bad Gateway, whatever the peer said, because a peer that is down or answers badly is
 * neither the client's fault (4xx) nor ours (500); and the peer's 401/403 is never passed on,
 * or the browser would take it for the end of its own session. For a transfer job: retry later
 * (network, 429, 5xx) or stop until someone changes something (credentials, not DICOMweb).
 * Anything that is not a peer failure is returned unchanged.
 */
export function peerAppError(error: unknown): unknown {
  if (error instanceof PeerUnreachableError)
    return new AppError('PEER_UNREACHABLE', `The peer did not answer: ${error.message}.`, { cause: error });
  if (error instanceof PeerStatusError && error.refusedCredentials)
    return new AppError('PEER_ERROR', `The peer refused our credentials (${error.status}): check the peer's account or token.`);
  if (error instanceof PeerStatusError || error instanceof PeerProtocolError)
    return new AppError('PEER_ERROR', `${capitalized(error.message)}.`);
  return error;
}

/** A peer failure during a transfer job as the queue understands it (transfer-work.ts); anything else unchanged. */
export function peerTransferError(error: unknown): unknown {
  if (error instanceof PeerUnreachableError) return new RetryableTransferError(error.message, undefined, { cause: error });
  if (error instanceof PeerStatusError) {
    if (error.refusedCredentials) return new PermanentTransferError(`the peer refused our credentials (${error.status})`);
    if (error.retryable) return new RetryableTransferError(error.message, error.retryAfterMs, { cause: error });
    return new PermanentTransferError(error.message);
  }
  if (error instanceof PeerProtocolError) return new PermanentTransferError(error.message);
  return error;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
