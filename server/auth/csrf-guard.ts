import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../../shared/errors';
import type { AccessContext } from './access-context';
import { principalOf } from './principal';
import { sameText } from './secrets';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Cross-site request forgery protection for state-changing calls: a browser's Origin must be our
 * own or a configured one, and a call authenticated by the session cookie must echo the
 * session's CSRF token in X-CSRF-Token (the SameSite=Strict cookie is the first line; this is
 * the second). Basic and Bearer calls carry their own credentials, which a foreign page cannot
 * make a browser attach, so they need no token.
 */
export function csrfGuard(ctx: AccessContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.headers.origin;
    if (origin !== undefined && !ctx.trustedOrigins.has(origin) && origin !== `${req.protocol}://${req.headers.host ?? ''}`) {
      return next(new AppError('FORBIDDEN', 'A state-changing request from another site was refused.'));
    }
    const principal = principalOf(res);
    if (principal?.via === 'session') {
      const token = req.headers[CSRF_HEADER];
      if (typeof token !== 'string' || principal.csrfToken === undefined || !sameText(token, principal.csrfToken)) {
        return next(new AppError('FORBIDDEN', 'The X-CSRF-Token header is missing or does not match the session.'));
      }
    }
    next();
  };
}
