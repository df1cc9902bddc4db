import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../../shared/errors';
import type { AccessContext } from '../auth/access-context';
import { clientAddress } from '../auth/client-address';
import { isLoopbackHost } from '../auth/first-admin';
import { principalOf, requireAction } from '../auth/principal';
import { SECRET_PREFIX } from '../auth/secrets';
import type { ArchiveMetrics } from './metrics';

export const METRICS_PATH = '/metrics';

/**
 * GET /metrics in the Prometheus text format, in two halves around `authenticate`:
 * - `before`: a Bearer token that is neither an API token nor a share link is PACS_METRICS_TOKEN
 *   or refused (401). Its SHA-256 is compared in constant time, so neither its length nor its
 *   bytes leak through timing; it is never logged.
 * - `after`: an account must be allowed the `metrics` action (admin, metrics role), else 403;
 *   a caller with no credentials is served when its socket's address is loopback (a Prometheus
 *   or a curl on the same machine; X-Forwarded-For is not trusted), else 401.
 * Both are plain middleware that let every other request pass after one comparison: they run on
 * every request, where an Express router would match it against its routes.
 */
export function metricsRoute(
  metrics: ArchiveMetrics,
  ctx: AccessContext,
  token: string | undefined,
): { before: RequestHandler; after: RequestHandler } {
  const tokenDigest = token === undefined ? undefined : sha256(token);
  const serve = (res: Response, next: NextFunction) => {
    metrics.registry.metrics().then((text) => {
      res.setHeader('Cache-Control', 'no-store');
      res.type(metrics.registry.contentType).send(text);
    }, next);
  };

  const before = (req: Request, res: Response, next: NextFunction): void => {
    if (!isMetricsRequest(req)) return next();
    const presented = metricsBearer(req.headers.authorization);
    if (presented === undefined) return next();
    const address = clientAddress(req);
    ctx.throttles.address.check(address);
    if (tokenDigest === undefined || !timingSafeEqual(sha256(presented), tokenDigest)) {
      ctx.throttles.address.fail(address);
      metrics.authFailed('metrics_token');
      throw new AppError('UNAUTHORIZED', 'The metrics token is wrong.');
    }
    serve(res, next);
  };

  const after = (req: Request, res: Response, next: NextFunction): void => {
    if (!isMetricsRequest(req)) return next();
    if (principalOf(res) !== undefined) requireAction(res, 'metrics');
    else if (!isLoopbackHost(clientAddress(req))) throw new AppError('UNAUTHORIZED');
    serve(res, next);
  };
  return { before, after };
}

function isMetricsRequest(req: Request): boolean {
  return req.path === METRICS_PATH && (req.method === 'GET' || req.method === 'HEAD');
}

/** The token of `Authorization: Bearer <token>` unless it is one `authenticate` knows (an API token, a share link). */
function metricsBearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const [scheme = '', credentials = ''] = header.trim().split(/\s+/, 2);
  if (!/^bearer$/i.test(scheme)) return undefined;
  if (credentials.startsWith(SECRET_PREFIX.apiToken) || credentials.startsWith(SECRET_PREFIX.share)) return undefined;
  return credentials;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
