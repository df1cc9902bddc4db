import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { isValidUid } from '../../shared/dicom/uid';
import { AppError } from '../../shared/errors';
import type { IndexDb } from '../index/open-index';
import { retrieveBulkdata } from './bulkdata';
import { allowedMethods, retrieveCapabilities } from './capabilities';
import { deleteResource, type DeleteDeps } from './delete';
import { searchFor } from './qido';
import { retrieveRendered, retrieveThumbnail } from './rendered';
import { storeInstances, type StowDeps } from './stow';
import { retrieveInstances, retrieveMetadata, type WadoDeps } from './wado';
import { retrieveFrames } from './wado-frames';
import { retrieveWadoUri } from './wado-uri';
import { retrieveZip, zipOr } from './zip-download';

export type DicomWebDeps = StowDeps & WadoDeps & DeleteDeps & { db: IndexDb; qidoMaxLimit: number };

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
  const store = storeInstances(deps);
  // Accept: application/zip (or ?accept=application/zip) on a study, series or instance is a ZIP download.
  const retrieve = zipOr(retrieveZip(deps), retrieveInstances(deps));
  const metadata = retrieveMetadata(deps);
  const remove = deleteResource(deps);

  const routes: Array<[string, Partial<Record<'get' | 'post' | 'delete', express.RequestHandler>>]> = [
    ['/studies', { get: searchFor('study', qido), post: store }],
    ['/studies/:study', { get: retrieve, post: store, delete: remove }],
    ['/studies/:study/metadata', { get: metadata }],
    ['/studies/:study/series', { get: searchFor('series', qido) }],
    ['/studies/:study/instances', { get: searchFor('instance', qido) }],
    ['/studies/:study/series/:series', { get: retrieve, delete: remove }],
    ['/studies/:study/series/:series/metadata', { get: metadata }],
    ['/studies/:study/series/:series/instances', { get: searchFor('instance', qido) }],
    ['/studies/:study/series/:series/instances/:instance', { get: retrieve, delete: remove }],
    ['/studies/:study/series/:series/instances/:instance/metadata', { get: metadata }],
    ['/studies/:study/series/:series/instances/:instance/frames/:frames', { get: retrieveFrames(deps) }],
    // Retrieve Rendered and Thumbnail (PS3.18 10.4.1.1.3, 10.4.1.1.4) at every level.
    ['/studies/:study/rendered', { get: retrieveRendered(deps, 'study') }],
    ['/studies/:study/thumbnail', { get: retrieveThumbnail(deps, 'study') }],
    ['/studies/:study/series/:series/rendered', { get: retrieveRendered(deps, 'series') }],
    ['/studies/:study/series/:series/thumbnail', { get: retrieveThumbnail(deps, 'series') }],
    ['/studies/:study/series/:series/instances/:instance/rendered', { get: retrieveRendered(deps, 'instance') }],
    ['/studies/:study/series/:series/instances/:instance/thumbnail', { get: retrieveThumbnail(deps, 'instance') }],
    ['/studies/:study/series/:series/instances/:instance/frames/:frames/rendered', { get: retrieveRendered(deps, 'frames') }],
    ['/studies/:study/series/:series/instances/:instance/frames/:frames/thumbnail', { get: retrieveThumbnail(deps, 'frames') }],
    ['/studies/:study/series/:series/instances/:instance/bulkdata/*path', { get: retrieveBulkdata(deps) }],
    ['/series', { get: searchFor('series', qido) }],
    ['/instances', { get: searchFor('instance', qido) }],
    ['/wado', { get: retrieveWadoUri(deps) }],
  ];
  const entries = routes.map(([path, handlers]) => ({ path, methods: Object.keys(handlers).map((m) => m.toUpperCase()) }));
  // Retrieve Capabilities (PS3.18 8.9) on the service's base URI.
  router.route('/').options(retrieveCapabilities(entries, deps.dicomWebBase)).all((_req: Request, res: Response) => {
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
