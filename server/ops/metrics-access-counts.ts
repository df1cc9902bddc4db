import type { AccessDb } from '../auth/access-db';
import type { TransferStatus } from '../../shared/api/exchange';

export const TRANSFER_STATUSES: readonly TransferStatus[] = ['queued', 'running', 'done', 'failed', 'cancelled'];

/** What running transfer jobs have done of what they have to do (jobs still listing count only what they listed). */
export interface TransferProgress {
  instancesDone: number;
  instancesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

/**
 * Read-only counts of the access database for /metrics, taken at scrape time: share links
 * active now, and the transfer queue by status and the progress of its running jobs. Each is
 * one statement on small tables or behind an index (transfer_jobs_by_status, transfer_instances_by_state).
 */
export class AccessCounts {
  private readonly q;

  constructor(db: AccessDb) {
    this.q = {
      activeShares: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM shares WHERE revoked_at IS NULL AND expires_at > ?'),
      jobsByStatus: db.prepare<[], { status: TransferStatus; n: number }>(
        'SELECT status, count(*) AS n FROM transfer_jobs GROUP BY status',
      ),
      running: db.prepare<[], { bytesDone: number | null; bytesTotal: number | null }>(
        "SELECT sum(bytes_done) AS bytesDone, sum(coalesce(bytes_total, 0)) AS bytesTotal FROM transfer_jobs WHERE status = 'running'",
      ),
      runningInstances: db.prepare<[], { done: number | null; total: number }>(
        `SELECT sum(i.state = 'done') AS done, count(*) AS total
         FROM transfer_jobs j JOIN transfer_instances i ON i.job_id = j.id WHERE j.status = 'running'`,
      ),
    };
  }

  activeShares(now = Date.now()): number {
    return this.q.activeShares.get(now)?.n ?? 0;
  }

  /** Jobs per status, every status present (0 when none). */
  transferJobs(): Map<TransferStatus, number> {
    const counts = new Map(TRANSFER_STATUSES.map((status) => [status, 0]));
    for (const { status, n } of this.q.jobsByStatus.all()) counts.set(status, n);
    return counts;
  }

  transferProgress(): TransferProgress {
    const bytes = this.q.running.get();
    const instances = this.q.runningInstances.get();
    return {
      instancesDone: instances?.done ?? 0,
      instancesTotal: instances?.total ?? 0,
      bytesDone: bytes?.bytesDone ?? 0,
      bytesTotal: bytes?.bytesTotal ?? 0,
    };
  }
}
