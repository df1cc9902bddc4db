import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { AppError } from '../../shared/errors';
import { auditRoutes } from '../audit/audit-routes';
import type { AccessContext } from '../auth/access-context';
import { authRoutes } from '../auth/auth-routes';
import { userRoutes } from '../auth/user-routes';
import type { ArchiveIndex } from '../index/archive-index';
import { shareRoutes, type ShareRouteDeps } from '../sharing/share-routes';
import { shareViewOf, type ShareViews } from '../sharing/share-view';
import { jsonBody } from './json-body';

/** The only /api routes reachable without signing in: signing in, and opening a share link. */
const PUBLIC = new Set(['POST /login', 'POST /logout', 'POST /shares/open']);

export interface ApiDeps {
  ctx: AccessContext;
  index: ArchiveIndex;
  views: ShareViews;
  /** More /api routes (consultations, annotations), mounted after the built-in ones. */
  extra?: Router[];
  onShareOpened?: ShareRouteDeps['onShareOpened'];
}

/** The archive's own JSON API at /api: sessions, accounts, API tokens, share links, audit trail. */
export function apiRouter(deps: ApiDeps): Router {
  const router = express.Router();
  router.use((req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!res.locals.principal && !PUBLIC.has(`${req.method} ${req.path}`)) return next(new AppError('UNAUTHORIZED'));
    next();
  });
  router.use(jsonBody());
  const presentStudyUid = (res: Response, uid: string) => shareViewOf(res)?.presented(uid) ?? uid;
  router.use(authRoutes(deps.ctx, presentStudyUid));
  router.use(userRoutes(deps.ctx));
  router.use(shareRoutes({ ctx: deps.ctx, index: deps.index, views: deps.views, presentStudyUid, onShareOpened: deps.onShareOpened }));
  router.use(auditRoutes(deps.ctx.audit));
  for (const extra of deps.extra ?? []) router.use(extra);
  router.use((req: Request) => {
    throw new AppError('NOT_FOUND', `No API at ${req.method} /api${req.path.slice(0, 200)}.`);
  });
  return router;
}
