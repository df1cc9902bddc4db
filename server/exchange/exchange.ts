import type { AccessDb } from '../auth/access-db';
import type { AuditLog } from '../audit/audit-log';
import type { ArchiveIndex } from '../index/archive-index';
import type { IngestDeps } from '../ingest/store-instance';
import type { BlobStore } from '../storage/blob-store';
import { PeerStore } from './peer-store';
import { RoutingRuleStore } from './routing-rule-store';
import { StableStudies } from './stable-studies';
import { SecretBox } from './secret-box';

export interface ExchangeConfig {
  secretKeyFile: string;
  transferConcurrency: number;
  stableAgeSeconds: number;
  fetchMaxInstanceBytes: number;
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
 * Exchange with other archives over DICOMweb: the peers, and the work that runs in the background
 * for them. Made once by the composition root (start-archive.ts) and closed with the archive.
 */
export interface Exchange {
  peers: PeerStore;
  routingRules: RoutingRuleStore;
  /** Told of every indexed instance (start-archive.ts onIndexed); routes stable studies by the rules. */
  stableStudies: StableStudies;
  close(): Promise<void>;
}

export function startExchange(config: ExchangeConfig, deps: ExchangeDeps): Exchange {
  void deps;
  const peers = new PeerStore(deps.accessDb, SecretBox.open(config.secretKeyFile));
  const routingRules = new RoutingRuleStore(deps.accessDb);
  const stableStudies = new StableStudies({
    db: deps.accessDb,
    index: deps.index,
    rules: routingRules,
    // The transfer queue (transfer-queue.ts) takes the jobs once it is wired here.
    enqueue: () => {
      throw new Error('The transfer queue is not running.');
    },
    stableAgeMs: config.stableAgeSeconds * 1000,
    log: deps.log,
  });
  return {
    peers,
    routingRules,
    stableStudies,
    async close() {
      stableStudies.close();
      await peers.close();
    },
  };
}
