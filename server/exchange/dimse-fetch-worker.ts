import type { DicomJson } from '../../shared/dicom/dicom-json';
import { getString } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import type { AuditLog } from '../audit/audit-log';
import type { DimseClient } from '../dimse/dimse-client';
import { CommandField, type Command } from '../dimse/dimse-command';
import { encodeDataSet } from '../dimse/data-set-codec';
import { STUDY_ROOT_MOVE } from '../dimse/sop-classes';
import type { ArchiveIndex } from '../index/archive-index';
import { closeAssociation, dimsePeerError, dimseTarget, findOnPeer, openQueryAssociation } from './dimse-peer';
import { dimseStatusReason } from './dimse-status';
import { PeerProtocolError } from './peer-connection';
import { peerTransferError } from './peer-failure';
import { recordTransfer } from './transfer-audit';
import { PermanentTransferError, type JobInstance, type TransferRun, type TransferWorker } from './transfer-work';

export interface DimseFetchWorkerDeps {
  index: ArchiveIndex;
  audit: AuditLog;
  /** Our AE title: the calling AE title, and the Move Destination the remote AE sends to. */
  callingAeTitle: string;
  /** How long the remote AE may stay silent, between two C-MOVE responses too (PACS_PEER_TIMEOUT_SECONDS). */
  timeoutMs: number;
}

/** SOP Instance UIDs in one C-MOVE at IMAGE level (a UID list, PS3.4 C.2.2.2.2): about 32 KiB of identifier. */
const MOVE_BATCH = 500;
/** How often the index is looked at for arrivals while a C-MOVE runs. */
const ARRIVAL_CHECK_MS = 250;

interface Tally {
  stored: number;
  bytes: number;
  held: number;
  failed: number;
}

/**
 * The fetch worker of a DIMSE peer (issue 14 item 6): the study (series, instances) pulled with
 * C-FIND and C-MOVE of the Study Root model (PS3.4 C.4.1, C.4.2). Each run lists what the remote
 * AE holds (C-FIND at SERIES, then IMAGE level, as a hierarchical search must), marks done what
 * our index holds, and asks for the rest with a C-MOVE whose Move Destination is our own AE title:
 * the remote AE then opens an association to our listener and C-STOREs the instances, which go
 * through the one ingest (it must be a known remote AE with the store right). An instance is done
 * once it is in the index, looked at as the pending responses come and at the final one; what
 * is still missing then fails with the C-MOVE's status. A resumed run does it all again, so it asks
 * only for what is still missing. Audited once per run as transfer-fetch, like a DICOMweb fetch.
 */
export function dimseFetchWorker(deps: DimseFetchWorkerDeps): TransferWorker {
  return async (run) => {
    const tally: Tally = { stored: 0, bytes: 0, held: 0, failed: 0 };
    let stopped: unknown;
    try {
      await fetchJob(run, deps, tally);
    } catch (error) {
      stopped = peerTransferError(dimsePeerError(error));
    }
    const outcome = stopped !== undefined ? 8 : tally.failed > 0 ? 4 : 0;
    const why = stopped === undefined ? '' : `; stopped: ${run.signal.aborted ? String(run.signal.reason) : (stopped as Error).message}`;
    recordTransfer(deps.audit, run.job, run.peer, {
      action: 'transfer-fetch',
      outcome,
      detail: `${tally.stored} instance(s) stored by C-MOVE (${tally.bytes} bytes), ${tally.held} already held, ${tally.failed} failed${why}`,
    });
    if (stopped !== undefined) throw stopped;
  };
}

async function fetchJob(run: TransferRun, deps: DimseFetchWorkerDeps, tally: Tally): Promise<void> {
  const { job, signal } = run;
  const client = await openQueryAssociation(dimseTarget(run.peer, deps.callingAeTitle, deps.timeoutMs), signal);
  let broken = true;
  try {
    const listing = await listRemote(client, run);
    run.list(listing.instances);
    const fail = (sopUid: string, reason: string) => {
      run.failed(sopUid, reason);
      tally.failed++;
    };
    for (const sopUid of listing.missing) fail(sopUid, 'the remote AE has no such instance');

    const onPeer = new Set(listing.instances.map((i) => i.sopUid));
    const held = new Set(deps.index.findInstances(job.studyUid, job.seriesUid ?? undefined).map((i) => i.sopUid));
    const todo = new Map<string, JobInstance[]>();
    const alreadyHeld: string[] = [];
    for (const instance of run.pending()) {
      if (held.has(instance.sopUid)) alreadyHeld.push(instance.sopUid);
      else if (!onPeer.has(instance.sopUid)) fail(instance.sopUid, 'the remote AE no longer lists this instance');
      else todo.set(instance.seriesUid, [...(todo.get(instance.seriesUid) ?? []), instance]);
    }
    if (alreadyHeld.length > 0) run.done(alreadyHeld, 0);
    tally.held += alreadyHeld.length;

    const problems: string[] = [];
    for (const [seriesUid, wanted] of todo) {
      const whole = wanted.length === listing.perSeries.get(seriesUid);
      for (let at = 0; at < wanted.length; at += whole ? wanted.length : MOVE_BATCH) {
        const batch = whole ? wanted : wanted.slice(at, at + MOVE_BATCH);
        const problem = await moveHere(client, run, deps, tally, seriesUid, batch, whole);
        if (problem) {
          for (const sopUid of problem.missing) fail(sopUid, problem.reason);
          problems.push(problem.reason);
        }
      }
    }
    broken = false;
    // The job's own reason names what to fix (our AE unknown there, or theirs not allowed to store here).
    if (problems.length > 0) throw new PermanentTransferError(problems[0]!);
  } finally {
    await closeAssociation(client, broken || signal.aborted);
  }
}

/** What the remote AE holds of the job: C-FIND of the study's series (unless the job names one), then of each series' instances. */
async function listRemote(client: DimseClient, run: TransferRun) {
  const { job } = run;
  const study = { vr: 'UI', Value: [job.studyUid] };
  const seriesUids: string[] = [];
  if (job.seriesUid) seriesUids.push(job.seriesUid);
  else
    for await (const match of findOnPeer(client, {
      [Tag.QueryRetrieveLevel]: { vr: 'CS', Value: ['SERIES'] },
      [Tag.StudyInstanceUID]: study,
      [Tag.SeriesInstanceUID]: { vr: 'UI' },
    }))
      pushUid(seriesUids, match, Tag.SeriesInstanceUID);
  const instances: JobInstance[] = [];
  const perSeries = new Map<string, number>();
  const sopFilter = job.sopUids ? { vr: 'UI', Value: job.sopUids } : { vr: 'UI' };
  for (const seriesUid of new Set(seriesUids)) {
    run.signal.throwIfAborted();
    const sops: string[] = [];
    for await (const match of findOnPeer(client, {
      [Tag.QueryRetrieveLevel]: { vr: 'CS', Value: ['IMAGE'] },
      [Tag.StudyInstanceUID]: study,
      [Tag.SeriesInstanceUID]: { vr: 'UI', Value: [seriesUid] },
      [Tag.SOPInstanceUID]: sopFilter,
    }))
      pushUid(sops, match, Tag.SOPInstanceUID);
    // A series listed in full (no SOP filter) is moved whole when all of it is wanted.
    if (!job.sopUids) perSeries.set(seriesUid, new Set(sops).size);
    for (const sopUid of new Set(sops)) instances.push({ sopUid, seriesUid, size: null });
  }
  const found = new Set(instances.map((i) => i.sopUid));
  const missing = (job.sopUids ?? []).filter((sop) => !found.has(sop));
  if (missing.length > 0 && job.seriesUid) instances.push(...missing.map((sopUid) => ({ sopUid, seriesUid: job.seriesUid!, size: null })));
  return { instances, missing, perSeries };
}

function pushUid(into: string[], match: DicomJson, tag: string): void {
  const uid = getString(match, tag);
  if (uid) into.push(uid);
  else throw new PeerProtocolError(`a C-FIND match of the remote AE has no ${tag === Tag.SOPInstanceUID ? 'SOP' : 'Series'} Instance UID`);
}

/**
 * One C-MOVE to our AE title (a whole series, or some of its instances), marking each instance
 * done as it shows up in the index. Resolves with the instances still missing after the final
 * response and why, or undefined when all came.
 */
async function moveHere(
  client: DimseClient,
  run: TransferRun,
  deps: DimseFetchWorkerDeps,
  tally: Tally,
  seriesUid: string,
  batch: JobInstance[],
  whole: boolean,
): Promise<{ missing: string[]; reason: string } | undefined> {
  const { job, signal } = run;
  const contextId = client.contextFor(STUDY_ROOT_MOVE);
  if (contextId === undefined) throw new PeerProtocolError('the remote AE does not accept Study Root C-MOVE');
  const identifier: DicomJson = {
    [Tag.QueryRetrieveLevel]: { vr: 'CS', Value: [whole ? 'SERIES' : 'IMAGE'] },
    [Tag.StudyInstanceUID]: { vr: 'UI', Value: [job.studyUid] },
    [Tag.SeriesInstanceUID]: { vr: 'UI', Value: [seriesUid] },
    ...(whole ? {} : { [Tag.SOPInstanceUID]: { vr: 'UI', Value: batch.map((i) => i.sopUid) } }),
  };
  const waiting = new Set(batch.map((i) => i.sopUid));
  const arrived = () => {
    const sizes = new Map(deps.index.findInstances(job.studyUid, seriesUid).map((i) => [i.sopUid, i.size]));
    for (const sopUid of waiting) {
      const size = sizes.get(sopUid);
      if (size === undefined) continue;
      waiting.delete(sopUid);
      run.done([sopUid], size);
      tally.stored++;
      tally.bytes += size;
    }
  };
  let final: Command | undefined;
  let lastCheck = 0;
  for await (const response of client.request(
    contextId,
    {
      commandField: CommandField.CMoveRq,
      affectedSopClassUid: STUDY_ROOT_MOVE,
      priority: 0,
      moveDestination: deps.callingAeTitle,
      commandDataSetType: 0x0000,
    },
    encodeDataSet(identifier, client.contexts.get(contextId)!.transferSyntax),
  )) {
    signal.throwIfAborted();
    final = response.command;
    if (Date.now() - lastCheck >= ARRIVAL_CHECK_MS) {
      arrived();
      lastCheck = Date.now();
    }
  }
  arrived();
  if (waiting.size === 0) return undefined;
  return { missing: [...waiting], reason: moveFailure(final!, deps.callingAeTitle) };
}

/** Why instances a C-MOVE ended without are not here, in words that say what to fix. */
function moveFailure(final: Command, ourAeTitle: string): string {
  const status = final.status ?? 0;
  const said = `C-MOVE ${dimseStatusReason(status, final.errorComment)}`;
  if (status === 0xa801)
    return `the remote AE does not know ${ourAeTitle} as a move destination (${said}): add this archive's AE title, host and DIMSE port to its known AEs`;
  // Orthanc answers 0xC000 without counts when its C-STOREs to us were refused: that too is a sub-operation failure.
  const failed = final.failedSubOperations ?? 0;
  if (failed > 0 || status === 0xb000 || status === 0xa702 || (status & 0xf000) === 0xc000)
    return `the remote AE could not store it here (${said}${failed > 0 ? `, ${failed} failed` : ''}): it must be a known remote AE of this archive, from its host, allowed to store (Admin → DICOM devices)`;
  if (status === 0 || status === 0xfe00) return `the remote AE's C-MOVE ended (${said}) but the instance is not in this archive`;
  return `the remote AE refused the C-MOVE (${said})`;
}
