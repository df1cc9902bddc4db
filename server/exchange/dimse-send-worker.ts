import type { AuditLog } from '../audit/audit-log';
import { statusKind, storeInstances } from '../dimse/store-scu';
import type { IndexedInstance } from '../index/archive-index';
import type { StoredDeps } from '../stored/stored-deps';
import { dimsePeerError, dimseTarget } from './dimse-peer';
import { dimseStatusReason } from './dimse-status';
import { peerTransferError } from './peer-failure';
import { recordTransfer } from './transfer-audit';
import type { JobSpec, TransferWorker } from './transfer-work';

export interface DimseSendWorkerDeps extends StoredDeps {
  audit: AuditLog;
  /** Our AE title, the calling one. */
  callingAeTitle: string;
  /** How long the remote AE may stay silent (PACS_PEER_TIMEOUT_SECONDS). */
  timeoutMs: number;
}

/** Instances between two audit records of a long send (one per batch, as the DICOMweb send records its batches). */
const AUDIT_EVERY = 100;

/**
 * The send worker of a DIMSE peer (issue 14 item 6): the job's instances C-STOREd to the peer's
 * remote AE over one association (store-scu.ts: each as stored when the AE accepts its syntax,
 * else re-encoded in Explicit VR Little Endian), each recorded done when its C-STORE-RSP is
 * success or warning, or failed with the status and Error Comment; the job goes on. An
 * association that cannot be made, or breaks, is a peer failure: retried with the queue's
 * backoff (no connection, a timeout, an abort) or the end of the job (rejected: AE titles).
 * A resumed run sends what is not yet acknowledged; a C-STORE SCP may not answer C-FIND, so it
 * is not asked what it holds, and at most the one instance under way at a cut goes twice.
 */
export function dimseSendWorker(deps: DimseSendWorkerDeps): TransferWorker {
  return async (run) => {
    const { job, peer, signal } = run;
    const target = dimseTarget(peer, deps.callingAeTitle, deps.timeoutMs);
    const held = deps.index.findInstances(job.studyUid, job.seriesUid ?? undefined);
    if (!job.listed) run.list(listed(held, job));
    const bySop = new Map(held.map((i) => [i.sopUid, i]));
    const instances: IndexedInstance[] = [];
    for (const { sopUid } of run.pending()) {
      const instance = bySop.get(sopUid);
      if (instance) instances.push(instance);
      else run.failed(sopUid, 'the instance is no longer in this archive');
    }

    const tally = { stored: 0, bytes: 0, refused: 0 };
    const flush = (stopped?: string) => {
      if (tally.stored + tally.refused === 0 && stopped === undefined) return;
      recordTransfer(deps.audit, job, peer, {
        action: 'transfer-send',
        outcome: stopped !== undefined ? 8 : tally.refused > 0 ? 4 : 0,
        detail: `${tally.stored} instance(s) stored by the remote AE (C-STORE), ${tally.bytes} bytes${tally.refused > 0 ? `; ${tally.refused} refused` : ''}${stopped !== undefined ? `; stopped: ${stopped}` : ''}`,
      });
      Object.assign(tally, { stored: 0, bytes: 0, refused: 0 });
    };
    try {
      for await (const outcome of storeInstances(deps, target, instances, { signal })) {
        if (statusKind(outcome.status) === 'failed') {
          run.failed(outcome.sopUid, dimseStatusReason(outcome.status, outcome.errorComment));
          tally.refused++;
        } else {
          run.done([outcome.sopUid], outcome.bytes);
          tally.stored++;
          tally.bytes += outcome.bytes;
        }
        if (tally.stored + tally.refused >= AUDIT_EVERY) flush();
      }
    } catch (error) {
      const failure = peerTransferError(dimsePeerError(error));
      flush(signal.aborted ? String(signal.reason) : (failure as Error).message);
      throw failure;
    }
    signal.throwIfAborted();
    flush();
  };
}

/** The job's instances as the index orders them (series, instance number), with their stored sizes. */
function listed(held: IndexedInstance[], job: JobSpec) {
  const wanted = job.sopUids ? new Set(job.sopUids) : undefined;
  return held.filter((i) => !wanted || wanted.has(i.sopUid)).map((i) => ({ sopUid: i.sopUid, seriesUid: i.seriesUid, size: i.size }));
}
