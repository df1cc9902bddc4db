import type { AuditLog } from '../audit/audit-log';
import type { ArchiveIndex } from '../index/archive-index';
import type { IngestDeps } from '../ingest/store-instance';
import { retrieveInto, type RetrieveContext } from './fetch-retrieve';
import { listPeerInstances } from './fetch-listing';
import { peerTransferError } from './peer-failure';
import { recordTransfer } from './transfer-audit';
import type { JobInstance, TransferRun, TransferWorker } from './transfer-work';

export interface FetchWorkerDeps {
  index: ArchiveIndex;
  /** The archive's one ingest path: what is fetched is validated, deduplicated and indexed as for STOW-RS. */
  ingest: IngestDeps;
  audit: AuditLog;
  /** PACS_FETCH_MAX_INSTANCE_MB in bytes. */
  maxInstanceBytes: number;
}

/** Retrieve requests in flight to one peer at most (fewer when its maxConnections is lower). */
const MAX_IN_FLIGHT = 4;

/** One WADO-RS request: a whole series, or one instance. */
interface Retrieval {
  seriesUid: string;
  /** Undefined for the whole series. */
  sopUid?: string;
  sopUids: string[];
}

/**
 * Fetch (pull) from a peer, the TransferWorker of direction `fetch` (issue 13 item 3). Each run:
 * list what the peer holds (QIDO-RS, fetch-listing.ts), mark done at once what our index already
 * holds, then retrieve the rest as stored (WADO-RS, fetch-retrieve.ts): a series in one request
 * when all of it is wanted, else instance by instance, a few requests in flight. An answer that
 * fails to bring some instances gives each of them one more try on its own; then they fail with
 * the reason. A resume does the same from the start, so it skips whatever was stored meanwhile.
 * Audited once per run as transfer-fetch (PS3.15 110104, C) with what was stored.
 */
export function fetchWorker(deps: FetchWorkerDeps): TransferWorker {
  return async (run) => {
    const tally = { stored: 0, bytes: 0, held: 0, failed: 0 };
    let stopped: unknown;
    try {
      await fetchJob(run, deps, tally);
    } catch (error) {
      stopped = peerTransferError(error);
    }
    const outcome = stopped !== undefined ? 8 : tally.failed > 0 ? 4 : 0;
    const why = stopped === undefined ? '' : `; stopped: ${run.signal.aborted ? String(run.signal.reason) : (stopped as Error).message}`;
    recordTransfer(deps.audit, run.job, run.peer, {
      action: 'transfer-fetch',
      outcome,
      detail: `${tally.stored} instance(s) stored (${tally.bytes} bytes), ${tally.held} already held, ${tally.failed} failed${why}`,
    });
    if (stopped !== undefined) throw stopped;
  };
}

async function fetchJob(run: TransferRun, deps: FetchWorkerDeps, tally: { stored: number; bytes: number; held: number; failed: number }) {
  const { job, peer } = run;
  const stop = new AbortController();
  const signal = AbortSignal.any([run.signal, stop.signal]);

  const listing = await listPeerInstances(peer, job, signal);
  run.list([...listing.instances, ...listing.missing]);
  const fail = (sopUid: string, reason: string) => {
    run.failed(sopUid, reason);
    tally.failed++;
  };
  for (const instance of listing.missing) fail(instance.sopUid, 'the peer has no such instance');

  const onPeer = new Set(listing.instances.map((i) => i.sopUid));
  const held = new Set(deps.index.findInstances(job.studyUid, job.seriesUid ?? undefined).map((i) => i.sopUid));
  const todo: JobInstance[] = [];
  const alreadyHeld: string[] = [];
  for (const instance of run.pending()) {
    if (held.has(instance.sopUid)) alreadyHeld.push(instance.sopUid);
    else if (!onPeer.has(instance.sopUid)) fail(instance.sopUid, 'the peer no longer lists this instance');
    else todo.push(instance);
  }
  if (alreadyHeld.length > 0) run.done(alreadyHeld, 0);
  tally.held += alreadyHeld.length;

  const ctx: RetrieveContext = {
    peer,
    studyUid: job.studyUid,
    ingest: deps.ingest,
    source: `peer:${job.peerName}`,
    maxInstanceBytes: deps.maxInstanceBytes,
    signal,
    onStored: (sopUid, bytes) => {
      run.done([sopUid], bytes);
      tally.stored++;
      tally.bytes += bytes;
    },
    onRefused: fail,
    onBytes: (bytes) => run.progress(bytes),
  };
  const tries = new Map<string, number>();
  let round = plan(todo, listing.instances, listing.wholeSeries);
  const width = Math.max(1, Math.min(MAX_IN_FLIGHT, peer.endpoint.maxConnections));
  while (round.length > 0) {
    const next: Retrieval[] = [];
    await inParallel(round, width, stop, async (retrieval) => {
      const { path, what } = describe(job.studyUid, retrieval);
      const result = await retrieveInto(ctx, path, what, new Set(retrieval.sopUids));
      for (const sopUid of result.missing) {
        const attempt = (tries.get(sopUid) ?? 0) + 1;
        tries.set(sopUid, attempt);
        const final = retrieval.sopUid !== undefined && (result.problem!.kind === 'too-large' || attempt >= 2);
        if (final) fail(sopUid, result.problem!.message);
        else next.push({ seriesUid: retrieval.seriesUid, sopUid, sopUids: [sopUid] });
      }
    });
    round = next;
  }
}

/** Whole series where every instance the peer has of it is wanted, single instances otherwise. */
function plan(todo: JobInstance[], listed: JobInstance[], wholeSeries: ReadonlySet<string>): Retrieval[] {
  const listedCount = new Map<string, number>();
  for (const i of listed) listedCount.set(i.seriesUid, (listedCount.get(i.seriesUid) ?? 0) + 1);
  const bySeries = new Map<string, string[]>();
  for (const i of todo) bySeries.set(i.seriesUid, [...(bySeries.get(i.seriesUid) ?? []), i.sopUid]);
  const retrievals: Retrieval[] = [];
  for (const [seriesUid, sopUids] of bySeries) {
    if (wholeSeries.has(seriesUid) && sopUids.length === listedCount.get(seriesUid)) retrievals.push({ seriesUid, sopUids });
    else for (const sopUid of sopUids) retrievals.push({ seriesUid, sopUid, sopUids: [sopUid] });
  }
  return retrievals;
}

function describe(studyUid: string, r: Retrieval): { path: string; what: string } {
  const series = `/studies/${studyUid}/series/${r.seriesUid}`;
  if (r.sopUid === undefined) return { path: series, what: `the retrieval of series ${r.seriesUid}` };
  return { path: `${series}/instances/${r.sopUid}`, what: `the retrieval of instance ${r.sopUid}` };
}

/**
 * Runs `task` on every item, `width` at a time. The first failure aborts `stop` (so the requests
 * in flight end) and is thrown once every task has ended.
 */
async function inParallel<T>(items: T[], width: number, stop: AbortController, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure && next < items.length) {
      const item = items[next++]!;
      try {
        await task(item);
      } catch (error) {
        failure ??= { error };
        stop.abort(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  if (failure) throw failure.error;
}
