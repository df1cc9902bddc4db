import { randomUUID } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { AppError } from '../shared/errors';
import type { ArchiveIndex } from './index/archive-index';
import type { IndexWriter } from './index/index-writer';
import { dicomWebRouter } from './dicomweb/router';
import type { BlobStore } from './storage/blob-store';
import type { DerivedFrames } from './stored/derived-frames';
import type { IngestDeps } from './ingest/store-instance';
import { cors } from './http/cors';
import { errorMiddleware } from './http/error-middleware';
import { securityHeaders } from './http/security-headers';
import type { AccessContext } from './auth/access-context';
import { authenticate, requireSignedIn } from './auth/authenticate';
import { csrfGuard } from './auth/csrf-guard';
import { apiRouter } from './api/api-router';
import { ShareViews } from './sharing/share-view';
import type { AnnotationStore } from './consultation/annotation-store';
import type { ConsultationStore } from './consultation/consultation-store';
import type { Principal } from './auth/principal';
import type { ReportStore } from './reports/report-store';
import type { Exchange } from './exchange/exchange';
import type { DimseAdmin } from './dimse/remote-ae-routes';
import { serveViewer } from './viewer/serve-viewer';
import type { Logger } from './logger';
import { healthRoutes, type HealthCheck } from './ops/health';
import type { ArchiveMetrics } from './ops/metrics';
import { metricsRoute } from './ops/metrics-route';
import { timeRequests } from './ops/metrics-request-timer';

export interface AppDeps {
  index: ArchiveIndex;
  indexWriter: IndexWriter;
  blobStore: BlobStore;
  /** The derived-representation cache (encoded frames). */
  derived: DerivedFrames;
  /** The one ingest path of STOW-RS and the archive's own SRs (start-archive.ts makes it for every way in). */
  ingest: IngestDeps;
  /** What /health/ready checks. */
  health: readonly HealthCheck[];
  /** Base URL clients use, without trailing slash (PACS_PUBLIC_URL or the listening address). */
  publicUrl: () => string;
  maxRequestBytes: number;
  qidoMaxLimit: number;
  corsOrigins: readonly string[];
  access: AccessContext;
  consultations: ConsultationStore;
  annotations: AnnotationStore;
  reports: ReportStore;
  exchange: Exchange;
  dimse: DimseAdmin;
  logger: Logger;
  /** The built viewer (default dist/viewer); see server/viewer/. */
  viewerDir?: string;
  /** With PACS_METRICS: what GET /metrics reports, and PACS_METRICS_TOKEN. */
  metrics?: { metrics: ArchiveMetrics; token: string | undefined } | undefined;
}

/** Builds the Express app from its dependencies; no I/O happens here. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  const metrics = deps.metrics?.metrics;
  if (metrics) app.use(timeRequests(metrics));
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.locals.requestId = randomUUID();
    res.setHeader('X-Request-Id', res.locals.requestId as string);
    next();
  });
  app.use(securityHeaders(deps.corsOrigins, deps.access.secureCookies));
  // Liveness and readiness carry no patient data and answer monitors without an account.
  app.use(healthRoutes(deps.health));
  app.use(cors(deps.corsOrigins));
  // GET /metrics: the metrics token is checked before `authenticate` (which knows no such token), accounts after.
  const metricsRoutes = metrics && metricsRoute(metrics, deps.access, deps.metrics?.token);
  if (metricsRoutes) app.use(metricsRoutes.before);
  // Who is calling (session cookie, Basic, Bearer), and for a share link the archive as it sees it.
  const views = new ShareViews(deps.index);
  app.use(authenticate(deps.access));
  app.use((_req: Request, res: Response, next: NextFunction) => {
    const principal = res.locals.principal as Principal | undefined;
    if (principal?.kind === 'share') res.locals.shareView = views.viewOf(principal.share);
    next();
  });
  app.use(csrfGuard(deps.access));
  if (metricsRoutes) app.use(metricsRoutes.after);
  const log = (message: string, error?: unknown) => deps.logger.error(message, error);
  app.use(
    '/api',
    apiRouter({
      ctx: deps.access,
      index: deps.index,
      views,
      consultations: deps.consultations,
      annotations: deps.annotations,
      reports: deps.reports,
      ingest: deps.ingest,
      exchange: deps.exchange,
      dimse: deps.dimse,
    }),
  );
  // Nothing of the archive is reachable anonymously.
  app.use(['/dicom-web', '/wado'], requireSignedIn);

  const dicomWeb = dicomWebRouter({
    ...deps.ingest,
    index: deps.index,
    db: deps.index.db,
    derived: deps.derived,
    maxRequestBytes: deps.maxRequestBytes,
    qidoMaxLimit: deps.qidoMaxLimit,
    dicomWebBase: () => `${deps.publicUrl()}/dicom-web`,
    log,
    audit: deps.access.audit,
  });
  app.use('/dicom-web', dicomWeb);
  // WADO-URI (PS3.18 9) also at the root, where legacy viewers expect it: the route table's own /wado.
  app.get('/wado', dicomWeb);
  // The browser viewer at /, /viewer, /upload, /print and its static files (after the archive's routes).
  app.use(serveViewer(deps.viewerDir));

  app.use((req: Request) => {
    throw new AppError('NOT_FOUND', `No resource at ${req.method} ${req.path.slice(0, 200)}.`);
  });
  if (metrics) {
    // A STOW-RS refused early (the free-space floor) is counted on its way to the error middleware.
    app.use('/dicom-web', (error: unknown, req: Request, _res: Response, next: NextFunction) => {
      if (req.method === 'POST') metrics.stowFailed(error);
      next(error);
    });
  }
  app.use(errorMiddleware(deps.logger));
  return app;
}
