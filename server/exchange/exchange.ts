import type { AccessDb } from '../auth/access-db';
import type { AuditLog } from '../audit/audit-log';
import type { ArchiveIndex } from '../index/archive-index';
import type { IngestDeps } from '../ingest/store-instance';
import type { BlobStore } from '../storage/blob-store';
import { dimseFetchWorker } from './dimse-fetch-worker';
import { dimseSendWorker } from './dimse-send-worker';
import { fetchWorker } from './fetch-worker';
import { PeerStore } from './peer-store';
import { RoutingRuleStore } from './routing-rule-store';
import { StableStudies } from './stable-studies';
import { SecretBox } from './secret-box';
import { sendWorker } from './send-worker';
import { TransferQueue } from './transfer-queue';
import { TransferStore } from './transfer-store';
import type { TransferWorker } from './transfer-work';

export interface ExchangeConfig {
  secretKeyFile: string;
  transferConcurrency: number;
  stableAgeSeconds: number;
  fetchMaxInstanceBytes: number;
  /** How long a peer may stay silent in a transfer (PACS_PEER_TIMEOUT_SECONDS), ms. */
  peerTimeoutMs: number;
  /** Our AE title (PACS_DIMSE_AE_TITLE): the calling AE title to DIMSE peers, and the C-MOVE destination of fetches from them. */
  dimse: { aeTitle: string };
}

export interface ExchangeDeps {
  accessDb: AccessDb;
  index: ArchiveIndex;
  blobStore: BlobStore;
  /** Where fetched instances are stored: the archive's one ingest path. */
  ingest: IngestDeps;
  audit: AuditLog;
  log: (message: string, error?: unknown) => void;
}

/**
 * Exchange with other archives over DICOMweb, or DIMSE for a peer that is a known remote AE: the
 * peers, and the work that runs in the background for them. Made once by the composition root (start-archive.ts) and closed with the archive.
 */
export interface Exchange {
  peers: PeerStore;
  /** The durable queue of transfer jobs (sends to and fetches from peers). */
  transfers: TransferQueue;
  routingRules: RoutingRuleStore;
  /** The calling AE title of our associations with DIMSE peers. */
  callingAeTitle: string;
  /** Told of every indexed instance (start-archive.ts onIndexed); routes stable studies by the rules. */
  stableStudies: StableStudies;
  close(): Promise<void>;
}

export function startExchange(config: ExchangeConfig, deps: ExchangeDeps): Exchange {
  const peers = new PeerStore(deps.accessDb, SecretBox.open(config.secretKeyFile), { stallMs: config.peerTimeoutMs });
  const transfers = new TransferQueue({
    store: new TransferStore(deps.accessDb),
    peers,
    index: deps.index,
    audit: deps.audit,
    log: deps.log,
    concurrency: config.transferConcurrency,
  });
  const routingRules = new RoutingRuleStore(deps.accessDb);
  const stableStudies = new StableStudies({
    db: deps.accessDb,
    index: deps.index,
    rules: routingRules,
    enqueue: (request, requestedBy) => void transfers.enqueue(request, requestedBy),
    stableAgeMs: config.stableAgeSeconds * 1000,
    log: deps.log,
  });
  const dimse = { index: deps.index, audit: deps.audit, callingAeTitle: config.dimse.aeTitle, timeoutMs: config.peerTimeoutMs };
  transfers.registerWorker(
    'send',
    byPeerKind(
      sendWorker({ index: deps.index, blobStore: deps.blobStore, peers, audit: deps.audit }),
      dimseSendWorker({ ...dimse, blobStore: deps.blobStore }),
    ),
  );
  transfers.registerWorker(
    'fetch',
    byPeerKind(
      fetchWorker({ index: deps.index, ingest: deps.ingest, audit: deps.audit, maxInstanceBytes: config.fetchMaxInstanceBytes }),
      dimseFetchWorker(dimse),
    ),
  );
  transfers.start();
  return {
    peers,
    transfers,
    routingRules,
    callingAeTitle: config.dimse.aeTitle,
    stableStudies,
    async close() {
      stableStudies.close();
      await transfers.stop();
      await peers.close();
    },
  };
}

/** The worker of a job's peer: DICOMweb (STOW-RS, WADO-RS) or DIMSE (C-STORE; C-FIND and C-MOVE). */
function byPeerKind(dicomweb: TransferWorker, dimse: TransferWorker): TransferWorker {
  return (run) => (run.peer.endpoint.dimse ? dimse(run) : dicomweb(run));
}
