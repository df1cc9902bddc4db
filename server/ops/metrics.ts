import type * as PromClient from 'prom-client';
import type { Counter, Histogram, LabelValues, Registry } from 'prom-client';
import { FailureReason, type StowInstanceOutcome } from '../../shared/dicomweb/stow-outcome';
import type { EndedAssociation } from '../../shared/api/dimse-associations';
import { isAppError } from '../../shared/errors';
import { REQUEST_FAMILIES } from './metrics-request-family';
import { STORAGE_OPERATIONS, type StorageFailure, type StorageMeter, type StorageOperation } from './metered-blob-store';
import type { IndexSizeCounter } from './metrics-index-size';
import { TRANSFER_STATUSES, type AccessCounts } from './metrics-access-counts';
import type { FreeSpace } from './free-space';
import type { SweepReport } from './crash-sweep';
import { lazyRequire } from '../lazy-require';
import type { AuthFailureKind } from '../auth/access-context';

/** Loaded only when PACS_METRICS is on (~10 MB resident otherwise spent for nothing). */
const promClient = lazyRequire<typeof PromClient>('prom-client');

/** Seconds: a cached QIDO answers in milliseconds, a study's ZIP or a slow STOW takes a minute. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds: a local file opens in well under a millisecond, an S3 round trip in tens. */
const STORAGE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** `aborted`: the connection closed before the answer was complete (a final status is never 1xx). */
export const STATUS_CLASSES = ['aborted', '2xx', '3xx', '4xx', '5xx'] as const;

/** FailureReason codes as the `reason` label says them. */
const REFUSAL_REASONS: ReadonlyMap<number, string> = new Map([
  [FailureReason.OutOfResources, 'out_of_resources'],
  [FailureReason.DataSetDoesNotMatch, 'data_set_does_not_match'],
  [FailureReason.CannotUnderstand, 'cannot_understand'],
  [FailureReason.ProcessingFailure, 'processing_failure'],
  [FailureReason.DuplicateSopInstance, 'duplicate_sop_instance'],
]);

const AUTH_FAILURE_KINDS: readonly AuthFailureKind[] = ['password', 'api_token', 'share_link', 'share_pin', 'metrics_token'];

const DIMSE_OUTCOMES: readonly EndedAssociation['outcome'][] = ['released', 'rejected', 'aborted', 'closed'];

const INGEST_OUTCOMES = ['stored', 'already_stored'] as const;
type IngestOutcome = (typeof INGEST_OUTCOMES)[number];

/** What the scrape-time gauges read: the archive's parts, once they are all built. */
export interface MetricsSources {
  indexSize: IndexSizeCounter;
  accessCounts: AccessCounts;
  freeSpace: { last(): FreeSpace | undefined };
  /** The DIMSE listener, unless PACS_DIMSE_PORT=off. */
  dimse: { active(): readonly unknown[] } | undefined;
  swept: SweepReport;
}

type Child = { observe(value: number): void };
type Increment = { inc(value?: number): void };

/**
 * The archive's Prometheus series (issue 15 item 2), in a registry of its own. What runs on every
 * request or instance (`requestEnded`, `ingestObserved`, the storage meter, `authFailed`) only
 * increments children made here once per label combination: no label lookup, no allocation.
 * What is cheap to read at scrape time (index size, shares, transfers, disk) is read then.
 * Made only with PACS_METRICS=true; otherwise nothing of this runs.
 */
export class ArchiveMetrics {
  readonly registry: Registry;
  private readonly requests: Child[] = [];
  private readonly storageTimes = new Map<StorageOperation, Child>();
  private readonly storageErrors = new Map<StorageOperation, Record<StorageFailure, Increment>>();
  private readonly instances: Map<IngestOutcome, Increment>;
  private readonly bytes: Map<IngestOutcome, Increment>;
  private readonly refused: Map<string, Increment>;
  private readonly refusedEarly: Increment;
  private readonly authFailures: Map<AuthFailureKind, Increment>;
  private readonly dimseEnded: Map<EndedAssociation['outcome'], Increment>;

  constructor() {
    const { Counter, Histogram, Registry, collectDefaultMetrics } = promClient();
    this.registry = new Registry();
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });

    const requests = new Histogram({
      name: 'pacs_http_request_duration_seconds',
      help: 'HTTP requests by route family and status class, from their headers read to the last byte of the answer written (its _count is the request counter).',
      labelNames: ['family', 'status'] as const,
      buckets: REQUEST_BUCKETS,
      registers,
    });
    for (const family of REQUEST_FAMILIES) for (const status of STATUS_CLASSES) this.requests.push(zeroed(requests, { family, status }));

    const storageTimes = new Histogram({
      name: 'pacs_storage_operation_duration_seconds',
      help: 'Object storage operations by operation, successful or not (put: until durable; get: until the stream is open).',
      labelNames: ['operation'] as const,
      buckets: STORAGE_BUCKETS,
      registers,
    });
    const storageErrors = new Counter({
      name: 'pacs_storage_errors_total',
      help: 'Object storage operations that failed, by operation and kind (not_found: the key is missing; aborted: a put whose body the sender ended; failure: storage failed).',
      labelNames: ['operation', 'kind'] as const,
      registers,
    });
    for (const operation of STORAGE_OPERATIONS) {
      this.storageTimes.set(operation, zeroed(storageTimes, { operation }));
      this.storageErrors.set(operation, {
        not_found: counted(storageErrors, { operation, kind: 'not_found' }),
        aborted: counted(storageErrors, { operation, kind: 'aborted' }),
        failure: counted(storageErrors, { operation, kind: 'failure' }),
      });
    }

    /** A counter with one label, a child for each of its values. */
    const byLabel = <V extends string>(name: string, help: string, label: string, values: readonly V[]): Map<V, Increment> => {
      const counter = new Counter({ name, help, labelNames: [label], registers });
      return new Map(values.map((value) => [value, counted(counter, { [label]: value })]));
    };
    this.instances = byLabel(
      'pacs_ingest_instances_total',
      "Instances accepted by any way in (STOW-RS, C-STORE, fetches, the archive's own SRs): stored, or already stored identically.",
      'outcome',
      INGEST_OUTCOMES,
    );
    this.bytes = byLabel(
      'pacs_ingest_bytes_total',
      'Bytes of the instances counted in pacs_ingest_instances_total, as received.',
      'outcome',
      INGEST_OUTCOMES,
    );
    this.refused = byLabel(
      'pacs_ingest_refused_total',
      'Instances refused, by failure reason (the STOW-RS FailureReason / C-STORE status class).',
      'reason',
      [...REFUSAL_REASONS.values(), 'other'],
    );
    this.refusedEarly = new Counter({
      name: 'pacs_stow_requests_refused_storage_full_total',
      help: 'STOW-RS requests answered 503 before reading a byte, the disk being under the free-space floor.',
      registers,
    });

    this.authFailures = byLabel('pacs_auth_failures_total', 'Refused credentials, by kind.', 'kind', AUTH_FAILURE_KINDS);
    this.dimseEnded = byLabel('pacs_dimse_associations_ended_total', 'DIMSE associations ended, by outcome.', 'outcome', DIMSE_OUTCOMES);
  }

  /** A request's answer ended (or its connection closed first: `finished` false). */
  requestEnded(family: number, status: number, finished: boolean, seconds: number): void {
    const statusClass = finished && status >= 200 && status < 600 ? Math.floor(status / 100) - 1 : 0;
    this.requests[family * STATUS_CLASSES.length + statusClass]!.observe(seconds);
  }

  readonly ingestObserved = (outcome: StowInstanceOutcome, size: number): void => {
    if (outcome.ok) {
      const counted: IngestOutcome = outcome.alreadyStored ? 'already_stored' : 'stored';
      this.instances.get(counted)!.inc();
      this.bytes.get(counted)!.inc(size);
    } else {
      this.refused.get(REFUSAL_REASONS.get(outcome.failureReason) ?? 'other')!.inc();
    }
  };

  readonly storageMeter: StorageMeter = (operation, seconds, failure) => {
    this.storageTimes.get(operation)!.observe(seconds);
    if (failure !== undefined) this.storageErrors.get(operation)![failure].inc();
  };

  readonly authFailed = (kind: AuthFailureKind): void => this.authFailures.get(kind)!.inc();

  readonly dimseAssociationEnded = (ended: EndedAssociation): void => this.dimseEnded.get(ended.outcome)?.inc();

  /** The gauges read at scrape time, once the archive's parts exist. */
  watch(sources: MetricsSources): void {
    const { Gauge } = promClient();
    const registers = [this.registry];
    const indexGauge = (name: string, help: string, pick: (size: Awaited<ReturnType<IndexSizeCounter['read']>>) => number) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          this.set(pick(await sources.indexSize.read()));
        },
      });
    indexGauge('pacs_index_studies', 'Studies in the index (counted at most every 15 s).', (size) => size.studies);
    indexGauge('pacs_index_series', 'Series in the index.', (size) => size.series);
    indexGauge('pacs_index_instances', 'Instances in the index.', (size) => size.instances);
    indexGauge('pacs_index_bytes', 'Bytes of the stored objects of the instances in the index.', (size) => size.bytes);

    new Gauge({
      name: 'pacs_shares_active',
      help: 'Share links neither expired nor revoked.',
      registers,
      collect() {
        this.set(sources.accessCounts.activeShares());
      },
    });
    new Gauge({
      name: 'pacs_transfer_jobs',
      help: 'Transfer jobs (sends to and fetches from peers) by status.',
      labelNames: ['status'] as const,
      registers,
      collect() {
        const jobs = sources.accessCounts.transferJobs();
        for (const status of TRANSFER_STATUSES) this.set({ status }, jobs.get(status) ?? 0);
      },
    });
    const progress = (name: string, help: string, pick: (p: ReturnType<AccessCounts['transferProgress']>) => [number, number]) =>
      new Gauge({
        name,
        help,
        labelNames: ['state'] as const,
        registers,
        collect() {
          const [done, total] = pick(sources.accessCounts.transferProgress());
          this.set({ state: 'done' }, done);
          this.set({ state: 'total' }, total);
        },
      });
    progress('pacs_transfer_running_instances', 'Instances done and listed of the running transfer jobs.', (p) => [
      p.instancesDone,
      p.instancesTotal,
    ]);
    progress('pacs_transfer_running_bytes', 'Bytes done and known of the running transfer jobs.', (p) => [p.bytesDone, p.bytesTotal]);

    new Gauge({
      name: 'pacs_dimse_associations_active',
      help: 'DIMSE associations being served now.',
      registers,
      collect() {
        this.set(sources.dimse?.active().length ?? 0);
      },
    });

    const disk = (name: string, help: string, pick: (reading: FreeSpace) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const reading = sources.freeSpace.last();
          if (reading) this.set(pick(reading));
        },
      });
    disk(
      'pacs_disk_free_bytes',
      'Free bytes of the watched disk closest to its floor (the data dir, the SQLite files; a reading at most 10 s old).',
      (r) => r.freeBytes,
    );
    disk('pacs_disk_total_bytes', 'Size in bytes of that disk.', (r) => r.totalBytes);
    disk('pacs_disk_floor_bytes', 'The free-space floor: under it, ingest is refused.', (r) => r.floorBytes);

    new Gauge({ name: 'pacs_startup_swept_objects', help: 'Objects of unacknowledged instances removed at start.', registers }).set(
      sources.swept.objects,
    );
    new Gauge({ name: 'pacs_startup_swept_uploads', help: 'Unfinished uploads abandoned at start.', registers }).set(sources.swept.uploads);
  }

  /** A STOW-RS request failed with `error`: counted when it is the early refusal of the free-space floor (STORAGE_FULL). */
  readonly stowFailed = (error: unknown): void => {
    if (isAppError(error) && error.code === 'STORAGE_FULL') this.refusedEarly.inc();
  };
}

/**
 * A child for these labels, its series written from the start (at 0), so that a scraper sees
 * every combination before it first happens, and rate() works from the first event.
 */
function counted<T extends string>(counter: Counter<T>, labels: LabelValues<T>): Increment {
  counter.inc(labels, 0);
  return counter.labels(labels);
}

function zeroed<T extends string>(histogram: Histogram<T>, labels: LabelValues<T>): Child {
  histogram.zero(labels);
  return histogram.labels(labels);
}
