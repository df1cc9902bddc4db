import type { AuditLog } from '../audit/audit-log';
import type { DataSetSource } from '../dimse/dimse-channel';
import { DimseAssociationError, DimseClient } from '../dimse/dimse-client';
import { statusKind, storageContexts, storeInstance } from '../dimse/store-scu';
import type { IndexedInstance } from '../index/archive-index';
import type { StoredDeps } from '../stored/stored-deps';
import { dimsePeerError, dimseTarget } from './dimse-peer';
import { dimseStatusReason } from './dimse-status';
import { peerTransferError } from './peer-failure';
import { recordTransfer } from './transfer-audit';
import type { JobSpec, TransferRun, TransferWorker } from './transfer-work';

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
 * remote AE over one association (store-scu.ts's contexts and sub-operation: each as stored when
 * the AE accepts its syntax, else re-encoded), each recorded done when its C-STORE-RSP is
 * success or warning, or failed with the status and Error Comment; the job goes on. An
 * association that cannot be made, or breaks, is a peer failure: retried with the queue's
 * backoff (no connection, a timeout, an abort) or the end of the job (rejected: AE titles). The
 * peer's bandwidth cap paces the data sets (the association is ours for that, not
 * storeInstances'); its connection limit is the queue's, jobs at once.
 * A resumed run sends what is not yet acknowledged; a C-STORE SCP may not answer C-FIND, so it
 * is not asked what it holds, and at most the one instance under way at a cut goes twice.
 */
export function dimseSendWorker(deps: DimseSendWorkerDeps): TransferWorker {
  return async (run) => {
    const { job, peer, signal } = run;
    let target;
    try {
      target = dimseTarget(peer, deps.callingAeTitle, deps.timeoutMs);
    } catch (error) {
      throw peerTransferError(error);
    }
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
    if (instances.length === 0) return;
    let client: DimseClient;
    try {
      client = await DimseClient.open({ ...target, contexts: storageContexts(instances) });
    } catch (error) {
      throw peerTransferError(dimsePeerError(error));
    }
    const onAbort = () => client.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    // Each data set under the peer's bandwidth cap, its bytes counted for the live rate as they go.
    const paced = (dataSet: DataSetSource) => counted(peer.throttle(Buffer.isBuffer(dataSet) ? single(dataSet) : dataSet), run);
    let broken = false;
    try {
      for (const instance of instances) {
        signal.throwIfAborted();
        const outcome = await storeInstance(deps, instance, client.contexts, (id, command, dataSet) =>
          client.send(id, command, paced(dataSet)),
        ).catch((error: unknown) => {
          broken = true;
          throw error;
        });
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
      if (signal.aborted) throw error;
      const failure = peerTransferError(
        dimsePeerError(error instanceof DimseAssociationError ? error : new DimseAssociationError((error as Error).message, 'aborted')),
      );
      flush((failure as Error).message);
      throw failure;
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (broken || signal.aborted) client.abort();
      else await client.release();
    }
    flush();
  };
}

async function* single(buffer: Buffer): AsyncGenerator<Buffer> {
  yield buffer;
}

async function* counted(source: AsyncIterable<Uint8Array>, run: TransferRun): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    run.progress(chunk.length);
    yield chunk;
  }
}

/** The job's instances as the index orders them (series, instance number), with their stored sizes. */
function listed(held: IndexedInstance[], job: JobSpec) {
  const wanted = job.sopUids ? new Set(job.sopUids) : undefined;
  return held.filter((i) => !wanted || wanted.has(i.sopUid)).map((i) => ({ sopUid: i.sopUid, seriesUid: i.seriesUid, size: i.size }));
}
