import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { isValidUid } from '../../shared/dicom/uid';
import { AppError } from '../../shared/errors';
import type { AuditLog } from '../audit/audit-log';
import type { Action } from '../auth/principal';
import type { IndexDb } from '../index/index-db';
import { accessGuard, type AuditedAs } from './access-guard';
import { retrieveBulkdata } from './bulkdata';
import { allowedMethods, retrieveCapabilities } from './capabilities';
import { deleteResource, type DeleteDeps } from './delete';
import { searchFor } from './qido';
import { retrieveRendered, retrieveThumbnail } from './rendered';
import { storeInstances, type StowDeps } from './stow';
import { retrieveInstances, retrieveMetadata } from './wado';
import type { WadoDeps } from './wado-deps';
import { retrieveFrames } from './wado-frames';
import { retrieveWadoUri } from './wado-uri';
import { retrieveZip, wantsZip, zipOr } from './zip-download';

export type DicomWebDeps = StowDeps & WadoDeps & DeleteDeps & { db: IndexDb; qidoMaxLimit: number; audit: AuditLog };

const UID_PARAMS = { study: 'Study Instance UID', series: 'Series Instance UID', instance: 'SOP Instance UID' } as const;

/** The one route table of the DICOMweb API (PS3.18), mounted at /dicom-web. */
export function dicomWebRouter(deps: DicomWebDeps): Router {
  const router = express.Router();
  // UIDs are validated before anything else sees them: they never reach SQL, keys or paths unchecked.
  for (const [param, label] of Object.entries(UID_PARAMS)) {
    router.param(param, (_req: Request, _res: Response, next: NextFunction, value: string) => {
      next(isValidUid(value) ? undefined : new AppError('INVALID_UID', `The ${label} in the path is not a valid DICOM UID (PS3.5 9.1).`));
    });
  }
  const qido = { db: deps.db, maxLimit: deps.qidoMaxLimit, dicomWebBase: deps.dicomWebBase };
  // Every handler runs behind the access guard: audit, share scope, then permission (STYLE.md: auth/).
  const guarded = (action: Action, auditedAs: AuditedAs, handler: express.RequestHandler): express.RequestHandler[] => [
    accessGuard(deps.audit, action, auditedAs),
    handler,
  ];
  const search = (level: 'study' | 'series' | 'instance') => guarded('search', 'query', searchFor(level, qido));
  const view = (handler: express.RequestHandler) => guarded('read', 'view', handler);
  const store = guarded('store', 'store', storeInstances(deps));
  // Accept: application/zip (or ?accept=application/zip) on a study, series or instance is a ZIP download.
  const retrieve = guarded(
    'download',
    (req) => (wantsZip(req) ? 'download' : 'retrieve'),
    zipOr(retrieveZip(deps), retrieveInstances(deps)),
  );
  const metadata = view(retrieveMetadata(deps));
  const remove = guarded('delete', (req) => (req.params.series === undefined ? 'delete-study' : 'delete'), deleteResource(deps));
  const frames = view(retrieveFrames(deps));
  // WADO-URI: a rendered image is a view; application/dicom is a download, checked by the handler.
  const wadoUri = guarded(
    'read',
    (req) => (/application\/dicom/.test(String(req.query.contentType ?? '')) ? 'retrieve' : 'view'),
    retrieveWadoUri(deps),
  );

  const routes: Array<[string, Partial<Record<'get' | 'post' | 'delete', express.RequestHandler[]>>]> = [
    ['/studies', { get: search('study'), post: store }],
    ['/studies/:study', { get: retrieve, post: store, delete: remove }],
    ['/studies/:study/metadata', { get: metadata }],
    ['/studies/:study/series', { get: search('series') }],
    ['/studies/:study/instances', { get: search('instance') }],
    ['/studies/:study/series/:series', { get: retrieve, delete: remove }],
    ['/studies/:study/series/:series/metadata', { get: metadata }],
    ['/studies/:study/series/:series/instances', { get: search('instance') }],
    ['/studies/:study/series/:series/instances/:instance', { get: retrieve, delete: remove }],
    ['/studies/:study/series/:series/instances/:instance/metadata', { get: metadata }],
    ['/studies/:study/series/:series/instances/:instance/frames/:frames', { get: frames }],
    // Retrieve Rendered and Thumbnail (PS3.18 10.4.1.1.3, 10.4.1.1.4) at every level.
    ['/studies/:study/rendered', { get: view(retrieveRendered(deps, 'study')) }],
    ['/studies/:study/thumbnail', { get: view(retrieveThumbnail(deps, 'study')) }],
    ['/studies/:study/series/:series/rendered', { get: view(retrieveRendered(deps, 'series')) }],
    ['/studies/:study/series/:series/thumbnail', { get: view(retrieveThumbnail(deps, 'series')) }],
    ['/studies/:study/series/:series/instances/:instance/rendered', { get: view(retrieveRendered(deps, 'instance')) }],
    ['/studies/:study/series/:series/instances/:instance/thumbnail', { get: view(retrieveThumbnail(deps, 'instance')) }],
    ['/studies/:study/series/:series/instances/:instance/frames/:frames/rendered', { get: view(retrieveRendered(deps, 'frames')) }],
    ['/studies/:study/series/:series/instances/:instance/frames/:frames/thumbnail', { get: view(retrieveThumbnail(deps, 'frames')) }],
    ['/studies/:study/series/:series/instances/:instance/bulkdata/*path', { get: view(retrieveBulkdata(deps)) }],
    ['/series', { get: search('series') }],
    ['/instances', { get: search('instance') }],
    ['/wado', { get: wadoUri }], // app.ts sends GET /wado at the root here too
  ];
  const entries = routes.map(([path, handlers]) => ({ path, methods: Object.keys(handlers).map((m) => m.toUpperCase()) }));
  // Retrieve Capabilities (PS3.18 8.9) on the service's base URI.
  router
    .route('/')
    .options(retrieveCapabilities(entries, deps.dicomWebBase))
    .all((_req: Request, res: Response) => {
      res.setHeader('Allow', 'OPTIONS');
      throw new AppError('METHOD_NOT_ALLOWED', 'Allowed methods here: OPTIONS (Retrieve Capabilities).');
    });
  for (const [path, handlers] of routes) {
    const route = router.route(path);
    for (const [method, handler] of Object.entries(handlers)) route[method as 'get' | 'post' | 'delete'](handler);
    const allowed = [...Object.keys(handlers).map((m) => m.toUpperCase()), 'OPTIONS'].join(', ');
    route.options(allowedMethods(allowed));
    route.all((_req: Request, res: Response) => {
      res.setHeader('Allow', allowed);
      throw new AppError('METHOD_NOT_ALLOWED', `Allowed methods here: ${allowed}.`);
    });
  }
  return router;
}
