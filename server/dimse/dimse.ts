import type { EndedAssociation } from '../../shared/api/dimse-associations';
import type { AuditLog } from '../audit/audit-log';
import type { ArchiveIndex } from '../index/archive-index';
import type { IngestDeps } from '../ingest/store-instance';
import type { BlobStore } from '../storage/blob-store';
import type { OperationHandler } from './association';
import { dimseCaller } from './dimse-caller';
import type { DimseConfig } from './dimse-config';
import { startDimseListener, type DimseListener } from './dimse-listener';
import { findService } from './find-service';
import type { RemoteAeStore } from './remote-ae-store';
import { getService, moveService } from './retrieve-service';
import type { QueryRetrieveService } from './sop-classes';

export interface DimseDeps {
  /** The listener's address: PACS_HOST, like the HTTP side. */
  host: string;
  remoteAes: RemoteAeStore;
  index: ArchiveIndex;
  blobStore: BlobStore;
  /** Where C-STOREd instances go: the archive's one ingest path. */
  ingest: IngestDeps;
  audit: AuditLog;
  log: (message: string, error?: unknown) => void;
  /** Told of each association as it ends (the metrics). */
  onEnded?: (ended: EndedAssociation) => void;
}

/**
 * The DIMSE side of the archive (issue 14): the listener with its services. Made once by the
 * composition root (start-archive.ts) when PACS_DIMSE_PORT is not `off`.
 */
export async function startDimse(config: DimseConfig & { port: number }, deps: DimseDeps): Promise<DimseListener> {
  const services: Partial<Record<QueryRetrieveService, OperationHandler>> = {
    find: findService({ db: deps.index.db, aeTitle: config.aeTitle, audit: deps.audit }),
    move: moveService({ ...deps, aeTitle: config.aeTitle }),
    get: getService({ ...deps, aeTitle: config.aeTitle }),
  };
  return startDimseListener(
    {
      host: deps.host,
      port: config.port,
      ...(config.tls ? { tls: config.tls } : {}),
      ...(deps.onEnded ? { onEnded: deps.onEnded } : {}),
    },
    {
      aeTitle: config.aeTitle,
      caller: dimseCaller(deps.remoteAes, config.acceptAny),
      ingest: deps.ingest,
      maxPduLength: 256 * 1024,
      services,
      onStored: (outcome, callingAeTitle, address) =>
        deps.audit.record({
          action: 'store',
          outcome: outcome.ok ? 0 : 4,
          who: { kind: 'device', id: callingAeTitle, role: 'dimse' },
          clientAddress: address,
          ...(outcome.ok ? { studyUid: outcome.studyInstanceUid } : {}),
          detail: outcome.ok
            ? `C-STORE of instance ${outcome.sopInstanceUid}`
            : `C-STORE refused (0x${outcome.failureReason.toString(16).padStart(4, '0')}): ${outcome.message}`,
        }),
      onRefused: (service, callingAeTitle, address) =>
        deps.audit.record({
          action: service === 'find' ? 'query' : 'transfer-begin',
          outcome: 4,
          who: { kind: 'device', id: callingAeTitle, role: 'dimse' },
          clientAddress: address,
          detail: `C-${service.toUpperCase()} refused (0x0124): the AE has no ${service === 'find' ? 'query' : 'retrieve'} right`,
        }),
      log: deps.log,
    },
  );
}
