import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { AppError } from '../../shared/errors';
import { auditRoutes } from '../audit/audit-routes';
import type { AccessContext } from '../auth/access-context';
import { authRoutes } from '../auth/auth-routes';
import { userRoutes } from '../auth/user-routes';
import { annotationRoutes } from '../consultation/annotation-routes';
import type { AnnotationStore } from '../consultation/annotation-store';
import { consultationRoutes, consultationViewed } from '../consultation/consultation-routes';
import type { ConsultationStore } from '../consultation/consultation-store';
import type { ArchiveIndex } from '../index/archive-index';
import type { IngestDeps } from '../ingest/store-instance';
import { keyImageRoutes } from '../key-images/key-image-routes';
import { StudyKeyImages } from '../key-images/study-key-images';
import { measurementReportRoutes } from '../measurement-report/measurement-report-routes';
import { shareRoutes } from '../sharing/share-routes';
import { shareViewOf, type ShareViews } from '../sharing/share-view';
import { reportRoutes } from '../reports/report-routes';
import type { Exchange } from '../exchange/exchange';
import { exchangeRoutes } from '../exchange/exchange-routes';
import { remoteAeRoutes, type DimseAdmin } from '../dimse/remote-ae-routes';
import { associationRoutes } from '../dimse/association-routes';
import type { ReportStore } from '../reports/report-store';
import { jsonBody } from './json-body';

/** The only /api routes reachable without signing in: signing in, and opening a share link. */
const PUBLIC = new Set(['POST /login', 'POST /logout', 'POST /shares/open']);

export interface ApiDeps {
  ctx: AccessContext;
  index: ArchiveIndex;
  views: ShareViews;
  consultations: ConsultationStore;
  annotations: AnnotationStore;
  reports: ReportStore;
  /** Where a consultation's answer (an opinion SR) is stored. */
  ingest: IngestDeps;
  /** Peers, transfers and routing rules. */
  exchange: Exchange;
  /** The known remote DICOM AEs and our DIMSE settings. */
  dimse: DimseAdmin;
}

/**
 * The archive's own JSON API at /api, every route of it: sessions, accounts, API tokens, share
 * links, audit trail, consultations and annotations, reports, the exchange with other archives,
 * and the DICOM devices (DIMSE).
 */
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
  router.use(
    shareRoutes({ ctx: deps.ctx, index: deps.index, views: deps.views, presentStudyUid, onShareOpened: consultationViewed(deps) }),
  );
  router.use(auditRoutes(deps.ctx.audit, deps.index));
  router.use(consultationRoutes(deps));
  router.use(
    annotationRoutes({ index: deps.index, annotations: deps.annotations, consultations: deps.consultations, audit: deps.ctx.audit }),
  );
  const keyImages = new StudyKeyImages({ index: deps.index, ingest: deps.ingest, annotations: deps.annotations });
  router.use(keyImageRoutes({ keyImages, consultations: deps.consultations, audit: deps.ctx.audit }));
  router.use(measurementReportRoutes({ index: deps.index, ingest: deps.ingest, consultations: deps.consultations, audit: deps.ctx.audit }));
  router.use(reportRoutes({ index: deps.index, reports: deps.reports, audit: deps.ctx.audit, ingest: deps.ingest }));
  router.use(exchangeRoutes({ exchange: deps.exchange, index: deps.index, audit: deps.ctx.audit }));
  router.use(remoteAeRoutes({ ...deps.dimse, audit: deps.ctx.audit }));
  router.use(associationRoutes(deps.dimse));
  router.use((req: Request) => {
    throw new AppError('NOT_FOUND', `No API at ${req.method} /api${req.path.slice(0, 200)}.`);
  });
  return router;
}
