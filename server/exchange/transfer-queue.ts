import type { TransferDirection, TransferInstanceFailure, TransferJob, TransferRequest, TransferStatus } from '../../shared/api/exchange';
import { isValidUid } from '../../shared/dicom/uid';
import { AppError } from '../../shared/errors';
import type { AuditLog } from '../audit/audit-log';
import type { ArchiveIndex } from '../index/archive-index';
import { PeerUnreachableError } from './peer-connection';
import type { PeerStore } from './peer-store';
import { recordTransfer } from './transfer-audit';
import { TransferRate } from './transfer-rate';
import type { TransferStore } from './transfer-store';
import {
  PermanentTransferError,
  RetryableTransferError,
  type JobInstance,
  type JobSpec,
  type TransferRun,
  type TransferWorker,
} from './transfer-work';

export interface TransferQueueDeps {
  store: TransferStore;
  peers: PeerStore;
  index: ArchiveIndex;
  audit: AuditLog;
  log: (message: string, error?: unknown) => void;
  /** Jobs running at once (PACS_TRANSFER_CONCURRENCY). */
  concurrency: number;
  /** Backoff after a retryable failure: full jitter over base × 2^(n-1), capped. */
  backoff?: { baseMs: number; capMs: number };
  /** How often queued jobs and paused peers are looked at (besides every enqueue and end of a run). */
  tickMs?: number;
}

/** Why a run was aborted: its job then ends as cancelled, waits queued for its peer, or resumes at the next start. */
type StopReason = 'cancel' | 'pause' | 'shutdown';

interface ActiveRun {
  job: JobSpec;
  controller: AbortController;
  rate: TransferRate;
  /** Bytes reported by `progress` and not yet part of a `done`. */
  inFlight: number;
  /** Stored and wire bytes of instances sent (not skipped), for the compression ratio in the ETA. */
  sentStored: number;
  sentWire: number;
  /** Stored size of every pending instance the worker saw (for the ETA). */
  sizes: Map<string, number | null>;
  finished: Promise<void>;
}

const MAX_LIST = 500;
const MAX_SOP_UIDS = 10_000;

/**
 * The durable transfer queue: jobs in SQLite (transfer-store.ts), run by the worker of their
 * direction (send-worker.ts; fetch by H4's), at most `concurrency` at once and at most the
 * peer's maxConnections per peer. A paused peer's jobs wait and its running ones are stopped
 * (queued again); jobs a crash left running resume at the next start. A retryable failure
 * queues the job again after an exponential backoff with full jitter (AWS Architecture Blog,
 * "Exponential Backoff And Jitter"), the exponent counting failures since the last progress so a
 * long job on a flaky link does not wait minutes after every cut.
 */
export class TransferQueue {
  private readonly workers = new Map<TransferDirection, TransferWorker>();
  private readonly running = new Map<string, ActiveRun>();
  /** Retryable failures of a job since it last made progress. */
  private readonly streak = new Map<string, number>();
  private readonly backoff: { baseMs: number; capMs: number };
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private pumping = false;

  constructor(private readonly deps: TransferQueueDeps) {
    this.backoff = deps.backoff ?? { baseMs: 2000, capMs: 5 * 60_000 };
  }

  /** The worker that runs jobs of one direction (send here; fetch registered by its module). */
  registerWorker(direction: TransferDirection, worker: TransferWorker): void {
    this.workers.set(direction, worker);
    this.kick();
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const recovered = this.deps.store.recoverRunning();
    if (recovered > 0) this.deps.log(`transfer queue: ${recovered} job(s) left running by a stop resume now`);
    this.timer = setInterval(() => this.tick(), this.deps.tickMs ?? 1000);
    this.timer.unref();
    this.kick();
  }

  /** Stops every run (their jobs stay queued and resume at the next start) and waits for them. */
  async stop(): Promise<void> {
    this.started = false;
    clearInterval(this.timer);
    const runs = [...this.running.values()];
    for (const run of runs) run.controller.abort('shutdown' satisfies StopReason);
    await Promise.all(runs.map((run) => run.finished));
  }

  enqueue(request: unknown, requestedBy: { name: string; userId?: number; ruleId?: string }): TransferJob {
    const req = parseTransferRequest(request);
    if (!this.deps.peers.get(req.peerId)) throw new AppError('NOT_FOUND', 'No such peer.');
    if (!this.workers.has(req.direction)) throw new AppError('BAD_REQUEST', `This archive cannot ${req.direction} yet.`);
    if (req.direction === 'send') this.checkHeld(req);
    const job = this.deps.store.create({
      direction: req.direction,
      peerId: req.peerId,
      studyUid: req.studyInstanceUID,
      seriesUid: req.seriesInstanceUID ?? null,
      sopUids: req.sopInstanceUIDs ?? null,
      requestedBy: requestedBy.name,
      requestedByUser: requestedBy.userId ?? null,
      ruleId: requestedBy.ruleId ?? null,
    });
    this.kick();
    return job;
  }

  /** Cancels a queued or running job; 409 when it has ended. */
  cancel(id: string): TransferJob {
    this.known(id);
    if (!this.deps.store.cancel(id)) throw new AppError('CONFLICT', 'This transfer has ended already: nothing to cancel.');
    this.running.get(id)?.controller.abort('cancel' satisfies StopReason);
    this.streak.delete(id);
    return this.get(id)!;
  }

  /** Queues a failed or cancelled job again; only its failed and unsent instances are transferred. */
  retry(id: string): TransferJob {
    this.known(id);
    if (!this.deps.store.retry(id)) throw new AppError('CONFLICT', 'Only a failed or cancelled transfer can be retried.');
    this.streak.delete(id);
    this.kick();
    return this.get(id)!;
  }

  get(id: string): TransferJob | undefined {
    const job = this.deps.store.get(id);
    return job && this.withRate(job);
  }

  list(options: { status?: TransferStatus | undefined; limit?: number } = {}): TransferJob[] {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), MAX_LIST);
    return this.deps.store.list({ status: options.status, limit }).map((job) => this.withRate(job));
  }

  failures(id: string): TransferInstanceFailure[] {
    this.known(id);
    return this.deps.store.failures(id);
  }

  private known(id: string): void {
    if (!this.deps.store.get(id)) throw new AppError('NOT_FOUND', 'No such transfer.');
  }

  /** A send of something this archive does not hold is a 404 now, not a failed job later. */
  private checkHeld(req: TransferRequest): void {
    const { index } = this.deps;
    const held = index.findInstances(req.studyInstanceUID, req.seriesInstanceUID);
    if (held.length === 0)
      throw new AppError('NOT_FOUND', req.seriesInstanceUID ? 'No such series in this archive.' : 'No such study in this archive.');
    if (req.sopInstanceUIDs) {
      const sops = new Set(held.map((i) => i.sopUid));
      const missing = req.sopInstanceUIDs.filter((sop) => !sops.has(sop));
      if (missing.length > 0) throw new AppError('NOT_FOUND', `${missing.length} of the instances are not in this series here.`);
    }
  }

  private tick(): void {
    // A peer paused meanwhile (PATCH /api/peers/{id}/pause): stop its runs, their jobs wait queued.
    for (const run of this.running.values()) {
      if (this.deps.peers.isPaused(run.job.peerId)) run.controller.abort('pause' satisfies StopReason);
    }
    this.kick();
  }

  private kick(): void {
    if (!this.started || this.pumping) return;
    this.pumping = true;
    try {
      this.pump();
    } catch (error) {
      this.deps.log('transfer queue: could not start jobs', error);
    } finally {
      this.pumping = false;
    }
  }

  private pump(): void {
    if (this.running.size >= this.deps.concurrency) return;
    const now = Date.now();
    const perPeer = new Map<string, number>();
    for (const run of this.running.values()) perPeer.set(run.job.peerId, (perPeer.get(run.job.peerId) ?? 0) + 1);
    const peerLimit = new Map<string, number>();
    for (const job of this.deps.store.due(now)) {
      if (this.running.size >= this.deps.concurrency) return;
      if (!this.workers.has(job.direction)) continue;
      let limit = peerLimit.get(job.peerId);
      if (limit === undefined) {
        const peer = this.deps.peers.get(job.peerId);
        limit = !peer || peer.pausedAt !== null ? 0 : peer.maxConnections;
        peerLimit.set(job.peerId, limit);
      }
      const busy = perPeer.get(job.peerId) ?? 0;
      if (busy >= limit) continue;
      const spec = this.deps.store.start(job.id);
      if (!spec) continue;
      perPeer.set(job.peerId, busy + 1);
      this.launch(spec);
    }
  }

  private launch(job: JobSpec): void {
    const controller = new AbortController();
    const active: ActiveRun = {
      job,
      controller,
      rate: new TransferRate(),
      inFlight: 0,
      sentStored: 0,
      sentWire: 0,
      sizes: new Map(),
      finished: Promise.resolve(),
    };
    this.running.set(job.id, active);
    active.finished = this.runJob(active).finally(() => {
      this.running.delete(job.id);
      this.kick();
    });
  }

  private async runJob(active: ActiveRun): Promise<void> {
    const { job, controller } = active;
    const { store } = this.deps;
    const worker = this.workers.get(job.direction)!;
    let peer;
    try {
      peer = this.deps.peers.connection(job.peerId);
    } catch (error) {
      store.finish(job.id, 'failed', error instanceof Error ? error.message : String(error));
      return;
    }
    let begun = false;
    const begin = (count: number) => {
      if (begun) return;
      begun = true;
      recordTransfer(this.deps.audit, job, peer, { action: 'transfer-begin', outcome: 0, detail: `${count} instance(s) to go` });
    };
    if (job.listed) begin(store.pending(job.id).length);
    let progressed = false;
    const run: TransferRun = {
      job,
      peer,
      signal: controller.signal,
      list: (instances: JobInstance[]) => {
        store.listInstances(job.id, instances);
        begin(store.pending(job.id).length);
      },
      pending: () => {
        const pending = store.pending(job.id);
        for (const i of pending) active.sizes.set(i.sopUid, i.size);
        return pending;
      },
      done: (sopUids: string[], bytes: number) => {
        store.markDone(job.id, sopUids, bytes);
        progressed = true;
        const fresh = Math.max(0, bytes - active.inFlight);
        active.inFlight = Math.max(0, active.inFlight - bytes);
        active.rate.add(fresh, sopUids.length);
        if (bytes > 0) {
          active.sentWire += bytes;
          for (const sop of sopUids) active.sentStored += active.sizes.get(sop) ?? 0;
        }
        for (const sop of sopUids) active.sizes.delete(sop);
      },
      failed: (sopUid: string, reason: string) => {
        store.markFailed(job.id, sopUid, reason);
        active.sizes.delete(sopUid);
      },
      progress: (bytes: number) => {
        active.inFlight += bytes;
        active.rate.add(bytes, 0);
      },
    };

    let outcome: unknown;
    try {
      await worker(run);
    } catch (error) {
      outcome = error ?? new Error('the worker failed');
    }
    if (progressed) this.streak.delete(job.id);
    const reason = controller.signal.aborted ? (controller.signal.reason as StopReason) : undefined;
    if (reason === 'cancel') return; // already recorded as cancelled
    if (reason === 'pause' || reason === 'shutdown') {
      store.requeue(job.id, null, reason === 'pause' ? 'waiting: the peer is paused' : null);
      return;
    }
    if (outcome === undefined) return this.settle(job);
    if (outcome instanceof PermanentTransferError) {
      store.finish(job.id, 'failed', outcome.message);
      this.streak.delete(job.id);
      return;
    }
    if (isRetryable(outcome)) {
      const failures = (this.streak.get(job.id) ?? 0) + 1;
      this.streak.set(job.id, failures);
      const ceiling = Math.min(this.backoff.capMs, this.backoff.baseMs * 2 ** (failures - 1));
      const retryAfter = outcome instanceof RetryableTransferError ? (outcome.retryAfterMs ?? 0) : 0;
      const delay = Math.max(Math.random() * ceiling, Math.min(retryAfter, 24 * 3600_000));
      store.requeue(job.id, Date.now() + Math.round(delay), (outcome as Error).message);
      return;
    }
    this.deps.log(`transfer ${job.id} stopped by an unexpected error`, outcome);
    store.finish(job.id, 'failed', `internal error: ${outcome instanceof Error ? outcome.message : String(outcome)}`);
    this.streak.delete(job.id);
  }

  /** The worker returned: done, or failed naming how many instances failed (or are left). */
  private settle(job: JobSpec): void {
    const { store } = this.deps;
    this.streak.delete(job.id);
    const left = store.pending(job.id).length;
    if (left > 0) {
      store.requeue(job.id, Date.now() + this.backoff.baseMs, `the ${job.direction} stopped with ${left} instance(s) left`);
      return;
    }
    const { progress } = store.get(job.id)!;
    const failed = progress.instancesFailed;
    if (failed === 0) store.finish(job.id, 'done', null);
    else store.finish(job.id, 'failed', `${failed} of ${progress.instancesTotal ?? failed} instances failed`);
  }

  /** A running job's live rate and ETA (bytes left at the rate, compressed as the sent ones were; else instances left). */
  private withRate(job: TransferJob): TransferJob {
    const active = this.running.get(job.id);
    if (!active || job.status !== 'running') return job;
    const rates = active.rate.rates();
    const progress = { ...job.progress, bytesDone: job.progress.bytesDone + active.inFlight };
    if (rates) {
      progress.bytesPerSecond = Math.round(rates.bytesPerSecond);
      const left = (progress.instancesTotal ?? 0) - progress.instancesDone - progress.instancesFailed;
      let storedLeft = 0;
      let sizesKnown = active.sizes.size > 0;
      for (const size of active.sizes.values()) {
        if (size === null) sizesKnown = false;
        else storedLeft += size;
      }
      if (sizesKnown && rates.bytesPerSecond > 0) {
        const ratio = active.sentStored > 0 ? active.sentWire / active.sentStored : 1;
        progress.etaSeconds = Math.max(0, Math.round((storedLeft * ratio - active.inFlight) / rates.bytesPerSecond));
      } else if (progress.instancesTotal !== null && rates.instancesPerSecond > 0) {
        progress.etaSeconds = Math.round(left / rates.instancesPerSecond);
      }
    }
    return { ...job, progress };
  }
}

function isRetryable(error: unknown): error is Error {
  if (error instanceof RetryableTransferError || error instanceof PeerUnreachableError) return true;
  // Object storage unavailable here: worth trying again, like a peer's 503.
  return error instanceof AppError && error.status === 503;
}

/** POST /api/transfers: checked field by field. */
export function parseTransferRequest(input: unknown): TransferRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new AppError('BAD_REQUEST', 'The body must be a JSON object.');
  const body = input as Record<string, unknown>;
  const bad = (message: string) => new AppError('BAD_REQUEST', message);
  if (body.direction !== 'send' && body.direction !== 'fetch') throw bad('direction must be send or fetch.');
  if (typeof body.peerId !== 'string' || body.peerId === '' || body.peerId.length > 64) throw bad('peerId is required.');
  if (!isValidUid(body.studyInstanceUID)) throw new AppError('INVALID_UID', 'studyInstanceUID is not a valid DICOM UID.');
  const req: TransferRequest = { direction: body.direction, peerId: body.peerId, studyInstanceUID: body.studyInstanceUID };
  if (body.seriesInstanceUID !== undefined && body.seriesInstanceUID !== null) {
    if (!isValidUid(body.seriesInstanceUID)) throw new AppError('INVALID_UID', 'seriesInstanceUID is not a valid DICOM UID.');
    req.seriesInstanceUID = body.seriesInstanceUID;
  }
  if (body.sopInstanceUIDs !== undefined && body.sopInstanceUIDs !== null) {
    const sops = body.sopInstanceUIDs;
    if (!Array.isArray(sops) || sops.length === 0 || sops.length > MAX_SOP_UIDS)
      throw bad(`sopInstanceUIDs must be a list of 1 to ${MAX_SOP_UIDS} SOP Instance UIDs.`);
    if (!req.seriesInstanceUID) throw bad('sopInstanceUIDs need the seriesInstanceUID they belong to.');
    const bad_ = sops.findIndex((sop) => !isValidUid(sop));
    if (bad_ >= 0) throw new AppError('INVALID_UID', `sopInstanceUIDs[${bad_}] is not a valid DICOM UID.`);
    req.sopInstanceUIDs = [...new Set(sops as string[])];
  }
  return req;
}
