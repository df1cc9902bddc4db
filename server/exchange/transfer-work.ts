import type { TransferDirection } from '../../shared/api/exchange';
import type { PeerConnection } from './peer-connection';

/** One instance of a job: what is sent (from the index) or fetched (as the peer listed it). */
export interface JobInstance {
  sopUid: string;
  seriesUid: string;
  /** Stored size in bytes when known (a send knows it; a fetch learns it on arrival). */
  size: number | null;
  /** Pending again after a retry of the job: it failed before, with this reason. */
  failedBefore?: string;
}

/** The job as a worker sees it. */
export interface JobSpec {
  id: string;
  direction: TransferDirection;
  peerId: string;
  peerName: string;
  studyUid: string;
  seriesUid: string | null;
  sopUids: string[] | null;
  /** 1 on the first run; a later run is a resume (after a failure, a retry or a restart). */
  attempt: number;
  /** Whether the job's instances have been listed (by an earlier run). */
  listed: boolean;
  /** Who asked for it (an account's username, or `rule:<name>`): the audit trail's participant. */
  requestedBy: string;
  /** The routing rule that made the job, if one did. */
  ruleId: string | null;
}

/**
 * What the queue (transfer-queue.ts) gives a worker for one run of a job. Every call records
 * durably at once, so that a run stopped anywhere (crash, `kill -9`, cut link) resumes from what
 * was recorded: an instance marked done is never sent or fetched again by this job.
 */
export interface TransferRun {
  job: JobSpec;
  peer: PeerConnection;
  /** Aborted on cancel, pause of the peer, and shutdown. */
  signal: AbortSignal;
  /** Records the job's instances (once per job; a later call adds the ones not yet known). */
  list(instances: JobInstance[]): void;
  /** Instances neither done nor failed, in listing order. */
  pending(): JobInstance[];
  /** The peer acknowledged these (send), or they are stored here (fetch); `bytes` crossed the link for them. */
  done(sopUids: string[], bytes: number): void;
  /** This instance will not be transferred, for this reason (shown to the user). */
  failed(sopUid: string, reason: string): void;
  /** Bytes that crossed the link and are not yet part of a `done` (for the live rate and ETA). */
  progress(bytes: number): void;
}

/** Runs (or resumes) a job until every instance is done or failed; throws to say why it stopped. */
export type TransferWorker = (run: TransferRun) => Promise<void>;

/** Worth trying again later: the network failed, the peer answered 5xx/503/429, or timed out. */
export class RetryableTransferError extends Error {
  constructor(
    message: string,
    /** From a Retry-After header: the earliest the peer wants to hear from us again. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RetryableTransferError';
  }
}

/** Trying again will not help until someone changes something: refused credentials, not a DICOMweb server, no such study. */
export class PermanentTransferError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentTransferError';
  }
}
