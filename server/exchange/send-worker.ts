import type { AuditLog } from '../audit/audit-log';
import type { ArchiveIndex } from '../index/archive-index';
import type { BlobStore } from '../storage/blob-store';
import { findStored, type StoredInstance } from '../stored/stored-instance';
import { maybeSyntaxRefusal } from './failure-reason';
import { PeerStatusError } from './peer-answer';
import { peerTransferError } from './peer-failure';
import { peerHoldings } from './peer-holdings';
import type { PeerStore } from './peer-store';
import { BatchSizer } from './send-batch-size';
import { wireInstance, type WireInstance } from './send-encoding';
import { stowBatch } from './stow-batch';
import { recordTransfer } from './transfer-audit';
import { PermanentTransferError, type JobInstance, type JobSpec, type TransferRun, type TransferWorker } from './transfer-work';
import { PeerProtocolError } from './peer-connection';

export interface SendWorkerDeps {
  index: ArchiveIndex;
  blobStore: BlobStore;
  peers: PeerStore;
  audit: AuditLog;
}

/** Batches an instance may go unacknowledged (neither referenced nor failed by the peer) before it fails. */
const MAX_UNACKNOWLEDGED = 3;

/**
 * The send (push) worker (issue 13 item 2): STOW-RS of a study, a series or some instances to a
 * peer, in batches sized to the link (send-batch-size.ts), each instance recorded done as soon as
 * the peer's ReferencedSOPSequence names it and before the next batch is formed, so nothing the
 * peer acknowledged is sent again. A resumed run (attempt > 1: a retry, a restart, a cut link)
 * and a routing rule's run first ask the peer which instances it holds (QIDO-RS) and count those
 * done without sending them. Per-instance refusals fail that instance with the peer's reason and the job goes on; an
 * instance refused in its re-encoded form is sent once more as stored.
 */
export function sendWorker(deps: SendWorkerDeps): TransferWorker {
  return async (run: TransferRun) => {
    const { job, peer, signal } = run;
    if (!job.listed) run.list(listInstances(deps.index, job));

    let skipped = 0;
    const pending = run.pending();
    // A resumed run, and a rule's run (a study routed again after more instances arrived), first
    // ask the peer what it holds. A person's new send does not: the peer is then the judge of an
    // instance it holds under the same UID, and says so per instance.
    if (pending.length > 0 && (job.attempt > 1 || job.ruleId !== null)) {
      const held = await peerHoldings(peer, job.studyUid, job.seriesUid, signal).catch((error: unknown) => {
        const refused = error instanceof PeerStatusError && error.refusedCredentials;
        // A rule's first run goes on without the answer; a resumed run must have it.
        if (job.attempt === 1 && !signal.aborted && !refused) return new Set<string>();
        throw peerTransferError(error);
      });
      // An instance the peer refused before is sent again: the peer's copy under its UID is another one.
      const onPeer = pending.filter((i) => held.has(i.sopUid) && i.failedBefore === undefined).map((i) => i.sopUid);
      if (onPeer.length > 0) run.done(onPeer, 0);
      skipped = onPeer.length;
    }
    if (skipped > 0) audit(deps, run, 0, `${skipped} instance(s) already on the peer, not sent again`);

    const target = deps.peers.get(job.peerId)?.sendSyntax ?? 'as-stored';
    const sizer = new BatchSizer();
    const unacknowledged = new Map<string, number>();
    const asStored = new Set<string>();

    for (;;) {
      signal.throwIfAborted();
      const pending = run.pending();
      if (pending.length === 0) return;
      const located = locate(deps.index, job, sizer.take(pending), run);
      if (located.length === 0) continue;

      const reencoded = new Set<string>();
      const parts = located.map((instance) => async (): Promise<WireInstance> => {
        const wire = await wireInstance(deps, instance, target, asStored);
        if (wire.reencoded) reencoded.add(wire.sopUid);
        return wire;
      });
      const result = await stowBatch(peer, job.studyUid, parts, signal, (bytes) => run.progress(bytes)).catch((error: unknown) => {
        throw peerTransferError(error);
      });
      const { answer, wireBytes } = result;
      // A 200 that names nothing means every instance was stored (PS3.18 10.5.3), but so would a
      // captive portal's or a web app's page: the peer's own QIDO-RS must confirm what it holds.
      const confirmed =
        answer.status === 200 && answer.referenced.size === 0 && answer.failed.size === 0
          ? await confirmStored(peer, job, signal)
          : undefined;
      const stored = (sop: string) => answer.referenced.has(sop) || confirmed?.has(sop) === true;
      const acked = located.filter((i) => stored(i.sopUid)).map((i) => i.sopUid);
      const ackedBytes = acked.reduce((sum, sop) => sum + (wireBytes.get(sop) ?? 0), 0);
      if (acked.length > 0) run.done(acked, ackedBytes);
      let refused = 0;
      for (const instance of located) {
        const sop = instance.sopUid;
        if (stored(sop)) continue;
        // After a 413 only what the peer stored counts: the rest is sent again in smaller batches.
        if (answer.tooLarge) continue;
        const failure = answer.failed.get(sop);
        if (failure) {
          if (reencoded.has(sop) && maybeSyntaxRefusal(failure.code)) asStored.add(sop);
          else {
            run.failed(sop, failure.text);
            refused++;
          }
          continue;
        }
        const times = (unacknowledged.get(sop) ?? 0) + 1;
        unacknowledged.set(sop, times);
        if (times >= MAX_UNACKNOWLEDGED) {
          run.failed(sop, `the peer did not acknowledge it (${times} requests)`);
          refused++;
        }
      }
      if (answer.tooLarge && !sizer.halve(located.length) && acked.length === 0) {
        run.failed(located[0]!.sopUid, 'too large for the peer (413 Content Too Large)');
        refused++;
      }

      const sentBytes = [...wireBytes.values()].reduce((a, b) => a + b, 0);
      sizer.record(
        sentBytes,
        located.reduce((sum, i) => sum + (wireBytes.has(i.sopUid) ? i.instance.size : 0), 0),
        result.ms,
      );
      if (acked.length > 0 || refused > 0)
        audit(
          deps,
          run,
          refused > 0 ? 4 : 0,
          `${acked.length} instance(s) stored by the peer, ${ackedBytes} bytes${refused > 0 ? `; ${refused} refused` : ''}`,
        );
    }
  };
}

/** The job's instances from the index, with their stored sizes, in the index's order (series, instance number). */
function listInstances(index: ArchiveIndex, job: JobSpec): JobInstance[] {
  const rows = index.findInstances(job.studyUid, job.seriesUid ?? undefined);
  const wanted = job.sopUids ? new Set(job.sopUids) : undefined;
  return rows
    .filter((row) => !wanted || wanted.has(row.sopUid))
    .map((row) => ({ sopUid: row.sopUid, seriesUid: row.seriesUid, size: row.size }));
}

/** The batch's instances as stored now; one deleted here since the listing fails, the others go. */
function locate(index: ArchiveIndex, job: JobSpec, batch: readonly JobInstance[], run: TransferRun): StoredInstance[] {
  const located: StoredInstance[] = [];
  for (const instance of batch) {
    const stored = findStored(index, job.studyUid, instance.seriesUid, instance.sopUid);
    if (stored) located.push(stored);
    else run.failed(instance.sopUid, 'the instance is no longer in this archive');
  }
  return located;
}

function audit(deps: SendWorkerDeps, run: TransferRun, outcome: 0 | 4, detail: string): void {
  recordTransfer(deps.audit, run.job, run.peer, { action: 'transfer-send', outcome, detail });
}

/**
 * What the peer holds of the study after a 200 that named nothing; a peer that cannot say
 * (its QIDO-RS fails or answers garbage) is not a DICOMweb archive we can trust with the study.
 */
async function confirmStored(peer: TransferRun['peer'], job: TransferRun['job'], signal: AbortSignal): Promise<Set<string>> {
  try {
    return await peerHoldings(peer, job.studyUid, job.seriesUid, signal);
  } catch (error) {
    if (signal.aborted || !(error instanceof PeerStatusError || error instanceof PeerProtocolError)) throw peerTransferError(error);
    throw new PermanentTransferError(
      `the peer answered 200 to STOW-RS without saying what it stored, and its QIDO-RS cannot confirm it (${error.message}): is the base URL a DICOMweb service?`,
    );
  }
}
