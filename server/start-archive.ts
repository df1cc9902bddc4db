import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { AuditLog } from './audit/audit-log';
import { openAccessDb } from './auth/access-db';
import { ApiTokenStore } from './auth/api-token-store';
import { newThrottles, type AccessContext } from './auth/access-context';
import { ensureFirstAdmin, isLoopbackHost } from './auth/first-admin';
import { SessionStore } from './auth/session-store';
import { UserStore } from './auth/user-store';
import { ShareStore } from './sharing/share-store';
import { AnnotationStore } from './consultation/annotation-store';
import { ConsultationStore } from './consultation/consultation-store';
import { ReportStore } from './reports/report-store';
import type { Config } from './config';
import { ArchiveIndex } from './index/archive-index';
import { IndexWriter } from './index/index-writer';
import { openIndex } from './index/open-index';
import { createLogger, type Logger } from './logger';
import { createBlobStore } from './storage/create-blob-store';
import type { BlobStore } from './storage/blob-store';
import type { IndexedNotice, IngestDeps } from './ingest/store-instance';
import { DerivedFrameRows } from './stored/derived-frame-rows';
import { DerivedFrames } from './stored/derived-frames';
import { IngestDerivation } from './stored/derived-at-ingest';
import { CompressionAtRest } from './stored/compressed-at-rest';
import { startExchange, type Exchange } from './exchange/exchange';
import { RemoteAeStore } from './dimse/remote-ae-store';
import type { DimseListener } from './dimse/dimse-listener';
import { startDimse } from './dimse/dimse';
import { archiveFolders, FreeSpaceGuard } from './ops/free-space';
import { archiveHealthChecks } from './ops/archive-health';
import { sweepCrashLeftovers, type SweepReport } from './ops/crash-sweep';
import { ArchiveMetrics } from './ops/metrics';
import { meteredBlobStore } from './ops/metered-blob-store';
import { IndexSizeCounter } from './ops/metrics-index-size';
import { AccessCounts } from './ops/metrics-access-counts';

export interface RunningArchive {
  /** Base URL as clients see it (PACS_PUBLIC_URL, or the address actually listened on). */
  url: string;
  index: ArchiveIndex;
  blobStore: BlobStore;
  /** The derived-representation cache (encoded frames) and, with PACS_DERIVE_AT_INGEST, its ingest-time queue. */
  derived: DerivedFrames;
  ingestDerivation: IngestDerivation | undefined;
  /** With PACS_STORE_COMPRESSED: the background re-store of native instances in that syntax. */
  compressionAtRest: CompressionAtRest | undefined;
  access: AccessContext;
  /** Peers, transfer jobs and routing rules. */
  exchange: Exchange;
  /** The DIMSE listener (issue 14), unless PACS_DIMSE_PORT=off. */
  dimse: DimseListener | undefined;
  /** The free-space floor of the data dir's disk. */
  freeSpace: FreeSpaceGuard;
  /** What the start-up sweep removed. */
  swept: SweepReport;
  server: http.Server;
  close(): Promise<void>;
}

/** Composition root: open the index, open the blob store, build the app, listen. */
export async function startArchive(
  config: Config,
  logger: Logger = createLogger(config.logLevel),
  notice: (message: string) => void = (message) => console.log(message),
): Promise<RunningArchive> {
  // Before anything it counts is made; with PACS_METRICS=false nothing of it exists.
  const metrics = config.metrics ? new ArchiveMetrics() : undefined;
  const db = openIndex(config.indexFile);
  const index = new ArchiveIndex(db);
  const indexWriter = new IndexWriter(index);
  const accessDb = openAccessDb(config.accessFile);
  const audit = AuditLog.open(config.auditFile, (message, error) => logger.error(message, error));
  let publicUrl = config.publicUrl;
  const users = new UserStore(accessDb);
  const access: AccessContext = {
    users,
    sessions: new SessionStore(accessDb),
    apiTokens: new ApiTokenStore(accessDb),
    shares: new ShareStore(accessDb),
    audit,
    throttles: newThrottles(),
    secureCookies: config.publicUrl.startsWith('https:'),
    trustedOrigins: new Set([new URL(config.publicUrl).origin, ...config.corsOrigins]),
    maxShareHours: config.shareMaxHours,
    publicUrl: () => publicUrl,
    ...(metrics ? { authFailed: metrics.authFailed } : {}),
  };
  let blobStore: BlobStore;
  let exchange: Exchange;
  let freeSpace: FreeSpaceGuard;
  let ingest: IngestDeps;
  let swept: SweepReport;
  // Told of every instance indexed, however it came (STOW-RS, a fetch from a peer, an SR the archive writes); set below.
  let onIndexed = (indexed: IndexedNotice): void => void indexed;
  const log = (message: string, error?: unknown) => logger.error(message, error);
  try {
    await ensureFirstAdmin(users, config.adminUser, config.adminPassword, notice);
    // Safe by default: never reachable from the network without an account to guard it.
    if (!isLoopbackHost(config.host) && users.enabledCount() === 0) {
      throw new Error(`Refusing to listen on ${config.host} without an enabled account: create one with \`npm run pacs -- user add\`.`);
    }
    blobStore = await createBlobStore(config.storage);
    if (metrics) blobStore = meteredBlobStore(blobStore, metrics.storageMeter);
    // Before anything is served or stored: what a crash of this archive left behind.
    swept = await sweepCrashLeftovers({ index, blobStore, log });
    if (swept.objects + swept.uploads > 0) {
      logger.info(`start-up sweep: removed ${swept.objects} objects of unacknowledged instances and ${swept.uploads} unfinished uploads`);
    }
    freeSpace = await FreeSpaceGuard.start(
      archiveFolders(config),
      { minFreePercent: config.minFreePercent, minFreeBytes: config.minFreeBytes },
      (message) => logger.info(message),
    );
    // The one ingest path, whichever way an instance comes in (STOW-RS, C-STORE, a fetch, the archive's own SRs).
    const floor = freeSpace;
    ingest = {
      blobStore,
      indexWriter,
      log,
      onIndexed: (indexed) => onIndexed(indexed),
      refuseNew: () => floor.refusal(),
      digest: config.ingestDigest,
    };
    if (metrics) ingest.observe = metrics.ingestObserved;
    exchange = startExchange(config, { accessDb, index, blobStore, ingest, audit, log });
  } catch (error) {
    db.close();
    accessDb.close();
    audit.close();
    throw error;
  }
  const derived = new DerivedFrames(new DerivedFrameRows(db), blobStore, config.derivedCacheMb * 2 ** 20, log);
  // What a crash may have left (derived-frames.ts), in the background: serving does not wait for it.
  derived.sweep().catch((error: unknown) => log('derived frame cache: start-up sweep failed', error));
  // Frames made at ingest are only worth making if they are kept.
  const ingestDerivation =
    config.deriveAtIngest.length > 0 && derived.capBytes > 0
      ? new IngestDerivation({ index, blobStore, derived }, new Set(config.deriveAtIngest), log)
      : undefined;
  // Re-stored compressed first, then derived from what is kept.
  const derive = ingestDerivation ? (indexed: IndexedNotice) => ingestDerivation.enqueue(indexed) : undefined;
  const compressionAtRest =
    config.storeCompressed === undefined
      ? undefined
      : new CompressionAtRest(
          {
            index,
            blobStore,
            indexWriter,
            derived,
            log,
            digest: config.ingestDigest,
            info: (message) => logger.info(message),
            onRestored: (restored) =>
              audit.record({
                action: 'store-compressed',
                outcome: 0,
                who: { kind: 'application', id: 'pacs', role: '' },
                clientAddress: config.host,
                studyUid: restored.studyUid,
                detail: `instance ${restored.sopUid} stored in ${restored.transferSyntax}, received in ${restored.originalTransferSyntax} (${restored.originalSize} → ${restored.size} bytes)`,
              }),
            ...(derive ? { next: derive } : {}),
          },
          config.storeCompressed,
        );
  const background = compressionAtRest ? (indexed: IndexedNotice) => compressionAtRest.enqueue(indexed) : derive;
  // The routing rules' watch of stable studies, then the background work on the instance.
  onIndexed = (indexed) => {
    exchange.stableStudies.arrived(indexed);
    background?.(indexed);
  };
  const remoteAes = new RemoteAeStore(accessDb);
  let dimse: DimseListener | undefined;
  if (config.dimse.port !== null) {
    try {
      dimse = await startDimse(
        { ...config.dimse, port: config.dimse.port },
        {
          host: config.host,
          remoteAes,
          index,
          blobStore,
          ingest,
          audit,
          log,
          ...(metrics ? { onEnded: metrics.dimseAssociationEnded } : {}),
        },
      );
    } catch (error) {
      await dimse?.close();
      freeSpace.stop();
      await exchange.close();
      db.close();
      accessDb.close();
      audit.close();
      throw new Error(`The DIMSE listener could not start on ${config.host}:${config.dimse.port}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  metrics?.watch({ indexSize: new IndexSizeCounter(db), accessCounts: new AccessCounts(accessDb), freeSpace, dimse, swept });
  const app = createApp({
    index,
    indexWriter,
    blobStore,
    derived,
    ingest,
    health: archiveHealthChecks({
      indexDb: db,
      accessDb,
      audit,
      blobStore,
      freeSpace,
      dimse,
      transfers: exchange.transfers,
    }),
    publicUrl: () => publicUrl,
    maxRequestBytes: config.maxRequestBytes,
    qidoMaxLimit: config.qidoMaxLimit,
    corsOrigins: config.corsOrigins,
    access,
    consultations: new ConsultationStore(accessDb),
    annotations: new AnnotationStore(accessDb),
    reports: new ReportStore(accessDb),
    exchange,
    dimse: {
      remoteAes,
      status: () => ({
        aeTitle: config.dimse.aeTitle,
        host: config.host,
        port: dimse?.port ?? null,
        tls: config.dimse.tls !== undefined,
        acceptAny: config.dimse.acceptAny,
      }),
      associations: () => ({ active: dimse?.active() ?? [], recent: [...(dimse?.recent() ?? [])] }),
    },
    logger,
    metrics: metrics && { metrics, token: config.metricsToken },
  });
  const server = http.createServer(app);
  // Large studies over slow links: no whole-request deadline; idle sockets still time out.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  server.timeout = 10 * 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  if (config.port === 0 || publicUrl.endsWith(':0')) {
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    publicUrl = `http://${host}:${address.port}`;
  }
  audit.record({
    action: 'application-start',
    outcome: 0,
    who: { kind: 'application', id: 'pacs', role: '' },
    clientAddress: config.host,
    detail: `listening on ${publicUrl}`,
  });
  return {
    get url() {
      return publicUrl;
    },
    index,
    blobStore,
    derived,
    ingestDerivation,
    compressionAtRest,
    access,
    exchange,
    dimse,
    freeSpace,
    swept,
    server,
    close: async () => {
      // Requests in flight get a moment to finish; then every connection is cut.
      const cut = setTimeout(() => server.closeAllConnections(), 2_000);
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      clearTimeout(cut);
      await exchange.close();
      freeSpace.stop();
      await compressionAtRest?.stop();
      await ingestDerivation?.stop();
      await derived.idle();
      await blobStore.close();
      await indexWriter.close();
      db.close();
      audit.record({
        action: 'application-stop',
        outcome: 0,
        who: { kind: 'application', id: 'pacs', role: '' },
        clientAddress: config.host,
      });
      audit.close();
      accessDb.close();
    },
  };
}
