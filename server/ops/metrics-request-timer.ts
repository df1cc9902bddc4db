import type { NextFunction, Request, Response } from 'express';
import { REQUEST_FAMILIES, requestFamily, type RequestFamily } from './metrics-request-family';
import type { ArchiveMetrics } from './metrics';

const FAMILY_INDEX = new Map<RequestFamily, number>(REQUEST_FAMILIES.map((family, index) => [family, index]));

/**
 * The first middleware: times each request from here to the response's `close`, which comes
 * after the last byte is handed to the socket, or earlier when the client goes away (then
 * counted as `aborted`). The family is taken from the path now, before routers rewrite `req.url`.
 */
export function timeRequests(metrics: ArchiveMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    const family = FAMILY_INDEX.get(requestFamily(req.method, req.path))!;
    res.once('close', () => metrics.requestEnded(family, res.statusCode, res.writableFinished, (performance.now() - started) / 1000));
    next();
  };
}
