import type { NextFunction, Request, Response } from 'express';
import { AppError, isAppError, type ErrorBody } from '../../shared/errors';
import type { Logger } from '../logger';
import { isDiskFull } from '../ops/disk-full';
import { drainRequest } from './drain-request';

/**
 * The last middleware: any error becomes `{code, message, requestId}` with its registry status
 * (STYLE.md rule 6); 5xx are logged. Once the headers are out the answer cannot change, so the
 * connection is cut.
 */
export function errorMiddleware(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const error = toAppError(err);
    // A peer archive's failure (502) is the peer's, on record in the audit trail; a refusal under the
    // free-space floor is logged once by the guard (free-space.ts): neither is an error of ours to log.
    const logged = error.status >= 500 && error.status !== 502 && !(isAppError(err) && err.code === 'STORAGE_FULL');
    if (logged) logger.error(`${req.method} ${req.path} failed`, err);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error.code === 'UNAUTHORIZED') {
      // Basic is offered to programs only: a browser shown it would pop up its own password dialog.
      const browser = req.headers['sec-fetch-mode'] !== undefined;
      res.setHeader('WWW-Authenticate', browser ? 'Bearer realm="PACS"' : 'Basic realm="PACS", charset="UTF-8", Bearer realm="PACS"');
    }
    if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    const body: ErrorBody = { code: error.code, message: error.message, requestId: res.locals.requestId as string };
    const answer = () => res.status(error.status).type('application/json').send(JSON.stringify(body));
    if (req.complete) return void answer();
    // A request body left unread (e.g. a STOW refused early) is drained so that the answer reaches
    // the client, and must not stall a kept-alive socket.
    res.setHeader('Connection', 'close');
    void drainRequest(req).then(answer);
  };
}

/** Foreign errors become ours at the boundary (STYLE.md rule 6). */
function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const e = err as { type?: string; status?: number; code?: string } | undefined;
  if (e?.type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE');
  // SQLITE_FULL or ENOSPC of a sign-in, a share or an annotation: the disk, not a bug (503, try again later).
  if (isDiskFull(err)) {
    return new AppError('STORAGE_FULL', "The archive's disk is full: nothing can be written until space is freed.", {
      cause: err,
      retryAfterSeconds: 60,
    });
  }
  if (e?.code === 'ECONNRESET' || e?.code === 'ECONNABORTED') return new AppError('BAD_REQUEST', 'The request was aborted by the client.');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new AppError('BAD_REQUEST', 'The request is malformed.');
  return new AppError('INTERNAL', undefined, { cause: err });
}
