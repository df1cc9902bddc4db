import type { TransferDirection, TransferInstanceFailure, TransferJob, TransferStatus } from '../../shared/api/exchange';
import type { AccessDb } from '../auth/access-db';
import { newId } from '../auth/secrets';
import type { JobInstance, JobSpec } from './transfer-work';

interface JobRow {
  id: string;
  direction: TransferDirection;
  peer_id: string;
  peer_name: string;
  study_uid: string;
  series_uid: string | null;
  sop_uids: string | null;
  status: TransferStatus;
  requested_by: string;
  rule_id: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  listed: number;
  bytes_done: number;
  bytes_total: number | null;
  total: number;
  done: number;
  failed: number;
}

/** What a new job records. */
export interface NewJob {
  direction: TransferDirection;
  peerId: string;
  studyUid: string;
  seriesUid: string | null;
  sopUids: string[] | null;
  requestedBy: string;
  requestedByUser: number | null;
  ruleId: string | null;
}

/** A job as the queue schedules it. */
export interface QueuedJob {
  id: string;
  peerId: string;
  direction: TransferDirection;
  nextAttemptAt: number | null;
}

const SELECT_JOB = `SELECT j.*, p.name AS peer_name,
  (SELECT count(*) FROM transfer_instances t WHERE t.job_id = j.id) AS total,
  (SELECT count(*) FROM transfer_instances t WHERE t.job_id = j.id AND t.state = 'done') AS done,
  (SELECT count(*) FROM transfer_instances t WHERE t.job_id = j.id AND t.state = 'failed') AS failed
  FROM transfer_jobs j JOIN peers p ON p.id = j.peer_id`;

/** Longest text kept of an error or a failure reason. */
const MAX_REASON = 1000;

/**
 * The durable transfer jobs and their instances (access database, migration 3). Every write is
 * one short synchronous transaction, so a job stopped anywhere (crash, `kill -9`) resumes from
 * what was recorded: an instance marked done stays done.
 */
export class TransferStore {
  private readonly q;

  constructor(private readonly db: AccessDb) {
    this.q = {
      insert: db.prepare<
        [string, TransferDirection, string, string, string | null, string | null, string, number | null, string | null, number]
      >(
        `INSERT INTO transfer_jobs (id, direction, peer_id, study_uid, series_uid, sop_uids, status, requested_by, requested_by_user, rule_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
      ),
      byId: db.prepare<[string], JobRow>(`${SELECT_JOB} WHERE j.id = ?`),
      newest: db.prepare<[number], JobRow>(`${SELECT_JOB} ORDER BY j.created_at DESC, j.rowid DESC LIMIT ?`),
      newestWith: db.prepare<[string, number], JobRow>(`${SELECT_JOB} WHERE j.status = ? ORDER BY j.created_at DESC, j.rowid DESC LIMIT ?`),
      due: db.prepare<[number, number], QueuedJob>(
        `SELECT id, peer_id AS peerId, direction, next_attempt_at AS nextAttemptAt FROM transfer_jobs
         WHERE status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY created_at, rowid LIMIT ?`,
      ),
      start: db.prepare<[number, string]>(
        `UPDATE transfer_jobs SET status = 'running', started_at = coalesce(started_at, ?), attempts = attempts + 1, next_attempt_at = NULL
         WHERE id = ? AND status = 'queued'`,
      ),
      requeue: db.prepare<[number | null, string | null, string]>(
        `UPDATE transfer_jobs SET status = 'queued', next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'running'`,
      ),
      finish: db.prepare<[TransferStatus, string | null, number, string]>(
        `UPDATE transfer_jobs SET status = ?, last_error = ?, finished_at = ?, next_attempt_at = NULL WHERE id = ? AND status = 'running'`,
      ),
      cancel: db.prepare<[number, string]>(
        `UPDATE transfer_jobs SET status = 'cancelled', finished_at = ?, next_attempt_at = NULL WHERE id = ? AND status IN ('queued', 'running')`,
      ),
      retry: db.prepare<[string]>(
        `UPDATE transfer_jobs SET status = 'queued', finished_at = NULL, next_attempt_at = NULL, last_error = NULL
         WHERE id = ? AND status IN ('failed', 'cancelled')`,
      ),
      // The reason stays until the instance is done or fails again: a resume must not take the peer's copy for it.
      retryInstances: db.prepare<[string]>(`UPDATE transfer_instances SET state = 'pending' WHERE job_id = ? AND state = 'failed'`),
      recover: db.prepare(`UPDATE transfer_jobs SET status = 'queued' WHERE status = 'running'`),
      spec: db.prepare<[string], JobRow>(`${SELECT_JOB} WHERE j.id = ?`),
      addInstance: db.prepare<[string, string, string, number | null]>(
        `INSERT INTO transfer_instances (job_id, sop_uid, series_uid, size, state) VALUES (?, ?, ?, ?, 'pending')
         ON CONFLICT (job_id, sop_uid) DO NOTHING`,
      ),
      setListed: db.prepare<[string, string]>(
        `UPDATE transfer_jobs SET listed = 1, bytes_total =
           (SELECT CASE WHEN count(*) = count(size) THEN sum(size) END FROM transfer_instances WHERE job_id = ?)
         WHERE id = ?`,
      ),
      pending: db.prepare<[string], { sopUid: string; seriesUid: string; size: number | null; reason: string | null }>(
        `SELECT sop_uid AS sopUid, series_uid AS seriesUid, size, reason FROM transfer_instances WHERE job_id = ? AND state = 'pending'
         ORDER BY series_uid, sop_uid`,
      ),
      done: db.prepare<[string, string]>(
        `UPDATE transfer_instances SET state = 'done', reason = NULL WHERE job_id = ? AND sop_uid = ? AND state = 'pending'`,
      ),
      setSize: db.prepare<[number, string, string]>(`UPDATE transfer_instances SET size = ? WHERE job_id = ? AND sop_uid = ?`),
      addBytes: db.prepare<[number, string]>(`UPDATE transfer_jobs SET bytes_done = bytes_done + ? WHERE id = ?`),
      failed: db.prepare<[string, string, string]>(
        `UPDATE transfer_instances SET state = 'failed', reason = ? WHERE job_id = ? AND sop_uid = ? AND state = 'pending'`,
      ),
      failures: db.prepare<[string, number], TransferInstanceFailure>(
        `SELECT sop_uid AS sopInstanceUID, coalesce(reason, '') AS reason FROM transfer_instances
         WHERE job_id = ? AND state = 'failed' ORDER BY series_uid, sop_uid LIMIT ?`,
      ),
    };
  }

  create(job: NewJob, now = Date.now()): TransferJob {
    const id = newId();
    this.q.insert.run(
      id,
      job.direction,
      job.peerId,
      job.studyUid,
      job.seriesUid,
      job.sopUids ? JSON.stringify(job.sopUids) : null,
      job.requestedBy,
      job.requestedByUser,
      job.ruleId,
      now,
    );
    return this.get(id)!;
  }

  get(id: string): TransferJob | undefined {
    const row = this.q.byId.get(id);
    return row && toJob(row);
  }

  /** Newest first, at most `limit`, of one status or all. */
  list(options: { status?: TransferStatus | undefined; limit: number }): TransferJob[] {
    const rows = options.status ? this.q.newestWith.all(options.status, options.limit) : this.q.newest.all(options.limit);
    return rows.map(toJob);
  }

  /** Queued jobs due to run, oldest first, at most `limit` (the queue picks those whose peer has room). */
  due(now: number, limit = 1000): QueuedJob[] {
    return this.q.due.all(now, limit);
  }

  /** queued → running, one attempt more; the job as its worker sees it, or undefined if it is no longer queued. */
  start(id: string, now = Date.now()): JobSpec | undefined {
    if (this.q.start.run(now, id).changes === 0) return undefined;
    const row = this.q.spec.get(id)!;
    return {
      id: row.id,
      direction: row.direction,
      peerId: row.peer_id,
      peerName: row.peer_name,
      studyUid: row.study_uid,
      seriesUid: row.series_uid,
      sopUids: row.sop_uids ? (JSON.parse(row.sop_uids) as string[]) : null,
      attempt: row.attempts,
      listed: row.listed === 1,
      requestedBy: row.requested_by,
      ruleId: row.rule_id,
    };
  }

  /** running → queued: to run again at `nextAttemptAt` (null: as soon as there is room). */
  requeue(id: string, nextAttemptAt: number | null, lastError: string | null): void {
    this.q.requeue.run(nextAttemptAt, lastError === null ? null : lastError.slice(0, MAX_REASON), id);
  }

  /** running → done or failed. */
  finish(id: string, status: 'done' | 'failed', lastError: string | null, now = Date.now()): void {
    this.q.finish.run(status, lastError === null ? null : lastError.slice(0, MAX_REASON), now, id);
  }

  /** queued or running → cancelled; false when the job had ended already. */
  cancel(id: string, now = Date.now()): boolean {
    return this.q.cancel.run(now, id).changes > 0;
  }

  /** failed or cancelled → queued, its failed instances pending again; false when the job is queued, running or done. */
  retry(id: string): boolean {
    return this.db
      .transaction(() => {
        if (this.q.retry.run(id).changes === 0) return false;
        this.q.retryInstances.run(id);
        return true;
      })
      .immediate();
  }

  /** At start-up: jobs a crash left running are queued again (they resume from their recorded instances). */
  recoverRunning(): number {
    return this.q.recover.run().changes;
  }

  /** Records the job's instances; ones already recorded keep their state. */
  listInstances(jobId: string, instances: readonly JobInstance[]): void {
    this.db
      .transaction(() => {
        for (const i of instances) this.q.addInstance.run(jobId, i.sopUid, i.seriesUid, i.size);
        this.q.setListed.run(jobId, jobId);
      })
      .immediate();
  }

  pending(jobId: string): JobInstance[] {
    return this.q.pending.all(jobId).map(({ reason, ...instance }) => (reason === null ? instance : { ...instance, failedBefore: reason }));
  }

  /** These instances are done, `bytes` crossed the link for them; `sizes` learnt on the way (a fetch). */
  markDone(jobId: string, sopUids: readonly string[], bytes: number, sizes?: ReadonlyMap<string, number>): void {
    this.db
      .transaction(() => {
        for (const sop of sopUids) {
          this.q.done.run(jobId, sop);
          const size = sizes?.get(sop);
          if (size !== undefined) this.q.setSize.run(size, jobId, sop);
        }
        if (bytes > 0) this.q.addBytes.run(bytes, jobId);
      })
      .immediate();
  }

  markFailed(jobId: string, sopUid: string, reason: string): void {
    this.q.failed.run(reason.slice(0, MAX_REASON), jobId, sopUid);
  }

  failures(jobId: string, limit = 10_000): TransferInstanceFailure[] {
    return this.q.failures.all(jobId, limit);
  }
}

function toJob(row: JobRow): TransferJob {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    id: row.id,
    direction: row.direction,
    peerId: row.peer_id,
    peerName: row.peer_name,
    studyInstanceUID: row.study_uid,
    seriesInstanceUID: row.series_uid,
    sopInstanceUIDs: row.sop_uids ? (JSON.parse(row.sop_uids) as string[]) : null,
    status: row.status,
    requestedBy: row.requested_by,
    ruleId: row.rule_id,
    createdAt: new Date(row.created_at).toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    attempts: row.attempts,
    nextAttemptAt: iso(row.next_attempt_at),
    lastError: row.last_error,
    progress: {
      instancesTotal: row.listed === 1 ? row.total : null,
      instancesDone: row.done,
      instancesFailed: row.failed,
      bytesDone: row.bytes_done,
      bytesTotal: row.bytes_total,
      bytesPerSecond: null,
      etaSeconds: null,
    },
  };
}
