/**
 * Exchange benchmark (`npm run bench:exchange`), issue 13: a push of a --slices (300) slice
 * 512×512 CT (made from the real CT of the corpus, fixtures/real-ct-series.ts) from one archive to
 * another, each a real process with its own data dir, through the send job of /api/transfers:
 *
 *   1. loopback, as stored, beside Orthanc 1.10.1 → Orthanc 1.10.1 through its DICOMweb client
 *      (`POST /dicom-web/servers/{peer}/stow`) on the same files;
 *   2. through a throttling TCP proxy (test/helpers/fault-proxy.ts) at --rate Mbit/s with --rtt ms,
 *      as stored and with the peer's send syntax JPEG-LS: time, bytes on the wire, and the link
 *      limit (bytes on the wire / link rate) with the share of the link used;
 *   3. the JPEG-LS push again on the throttled link, the sender `kill -9`ed when about half the
 *      bytes have crossed and started again: bytes on the wire against the uninterrupted push,
 *      and against the largest batch (one STOW request).
 *
 * Every push is checked: the peer holds every instance (QIDO-RS count), and sampled instances
 * carry the same SOP Instance UIDs and, sent as stored, the same bytes. Exit code: 0 every check
 * passed, 3 a check failed, 1 the harness failed.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { PeerSummary, TransferJob } from '../../shared/api/exchange';
import { decodeMultipart, multipartBoundary } from '../../shared/dicomweb/multipart-decoder';
import { realCtSeries } from '../../fixtures/real-ct-series';
import type { CtSeries } from '../../fixtures/generate-ct-series';
import { startArchiveProcess, type ArchiveProcess } from '../helpers/archive-process';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { startOrthanc, type RunningOrthanc } from '../helpers/orthanc';
import { BENCH_ADMIN, BENCH_AUTHORIZATION } from './bench-account';
import { benchReport, finish, runBench } from './run-bench';
import { countSearchResults, stowInBatches } from './stow-client';

const { values: args } = parseArgs({
  options: {
    slices: { type: 'string', default: '300' },
    'throttled-slices': { type: 'string', default: '300' },
    rate: { type: 'string', default: '4' },
    rtt: { type: 'string', default: '100' },
    skip: { type: 'string', default: '' },
    json: { type: 'string' },
  },
});
const SLICES = Number(args.slices);
const THROTTLED_SLICES = Number(args['throttled-slices']);
const RATE_BITS = Number(args.rate) * 1e6;
const RTT_MS = Number(args.rtt);
/** Comma-separated parts to leave out: orthanc, throttled, resume. */
const SKIP = new Set(args.skip.split(',').filter(Boolean));
const JPEG_LS = '1.2.840.10008.1.2.4.80';

interface PushFigures {
  label: string;
  instances: number;
  seconds: number;
  /** Bytes of the instances as stored. */
  storedBytes: number;
  /** Bytes that crossed the proxy toward the peer (undefined on plain loopback). */
  wireBytes?: number;
  linkLimitSeconds?: number;
  linkUse?: number;
  largestRequestBytes?: number;
  /** Peak resident memory of the sending process (VmHWM), bytes; for Orthanc, not measured. */
  senderPeakRss?: number;
}

/** Peak resident set of a process so far (VmHWM of /proc/<pid>/status), bytes. */
async function peakRss(pid: number): Promise<number | undefined> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}

const problems: string[] = [];
const check = (ok: boolean, problem: string) => {
  if (!ok) problems.push(problem);
};

/** Our archive as a process, the bench admin its admin (stow-client.ts signs with it). */
const startOurs = () => startArchiveProcess({ PACS_ADMIN_USER: BENCH_ADMIN.username, PACS_ADMIN_PASSWORD: BENCH_ADMIN.password });

async function api<T>(archive: ArchiveProcess, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${archive.url}${path}`, {
    method,
    headers: { authorization: BENCH_AUTHORIZATION, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function addPeer(sender: ArchiveProcess, name: string, url: string, sendSyntax: string): Promise<PeerSummary> {
  return api<PeerSummary>(sender, 'POST', '/api/peers', {
    name,
    baseUrl: url,
    auth: { kind: 'basic', username: BENCH_ADMIN.username, password: BENCH_ADMIN.password },
    sendSyntax,
    maxConnections: 4,
  });
}

/** Sends the study and waits for the job's end; the job as it ended and the wall-clock seconds. */
async function push(sender: ArchiveProcess, peerId: string, studyUid: string, onProgress?: (job: TransferJob) => Promise<void>) {
  const started = performance.now();
  const job = await api<TransferJob>(sender, 'POST', '/api/transfers', { direction: 'send', peerId, studyInstanceUID: studyUid });
  return waitForEnd(sender, job.id, started, onProgress);
}

async function waitForEnd(sender: ArchiveProcess, id: string, started: number, onProgress?: (job: TransferJob) => Promise<void>) {
  for (;;) {
    let job: TransferJob | undefined;
    try {
      job = await api<TransferJob>(sender, 'GET', `/api/transfers/${id}`);
    } catch {
      // the sender is being restarted
    }
    if (job && (job.status === 'done' || job.status === 'failed' || job.status === 'cancelled'))
      return { job, seconds: (performance.now() - started) / 1000 };
    if (job && onProgress) await onProgress(job);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** SHA-256 of an instance as stored (WADO-RS, transfer-syntax=*). */
async function sha256Of(url: string, authorization: string | undefined): Promise<string> {
  const res = await fetch(url, {
    headers: { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*', ...(authorization ? { authorization } : {}) },
  });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  const parts = decodeMultipart(new Uint8Array(await res.arrayBuffer()), multipartBoundary(res.headers.get('content-type') ?? ''));
  if (parts.length !== 1) throw new Error(`GET ${url}: ${parts.length} parts`);
  return createHash('sha256').update(parts[0]!.body).digest('hex');
}

/** The peer holds every instance; sampled ones are identical to what was sent (as stored) or at least present. */
async function verify(label: string, series: CtSeries, peerDicomWeb: string, peerAuthorization: string | undefined, sameBytes: boolean) {
  // Orthanc without authentication ignores the bench's Authorization header.
  const count = await countSearchResults(`${peerDicomWeb}/studies/${series.studyUid}/instances`);
  check(count === series.instances.length, `${label}: the peer holds ${count} of ${series.instances.length} instances`);
  if (!sameBytes) return;
  for (const index of [0, Math.floor(series.instances.length / 2), series.instances.length - 1]) {
    const instance = series.instances[index]!;
    const url = `${peerDicomWeb}/studies/${series.studyUid}/series/${series.seriesUid}/instances/${instance.sopUid}`;
    const theirs = await sha256Of(url, peerAuthorization);
    const ours = createHash('sha256').update(withZeroPreamble(instance.bytes)).digest('hex');
    check(theirs === ours, `${label}: instance ${index + 1} differs on the peer`);
  }
}

/** What an archive stores of a file: its 128-byte preamble zeroed (PS3.10 7.1 allows any; we keep none). */
function withZeroPreamble(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  copy.fill(0, 0, 128);
  return copy;
}

async function storeInto(archive: ArchiveProcess, series: CtSeries): Promise<void> {
  const { problems: stowProblems } = await stowInBatches(archive.dicomWeb, series.instances, 10, 2);
  if (stowProblems.length > 0) throw new Error(`storing the series failed: ${stowProblems[0]}`);
}

async function oursOnLoopback(series: CtSeries, storedBytes: number): Promise<PushFigures> {
  const [sender, receiver] = await Promise.all([startOurs(), startOurs()]);
  try {
    await storeInto(sender, series);
    const peer = await addPeer(sender, 'loopback', receiver.dicomWeb, 'as-stored');
    const { job, seconds } = await push(sender, peer.id, series.studyUid);
    check(job.status === 'done', `loopback push ended ${job.status}: ${job.lastError ?? ''}`);
    const senderPeakRss = await peakRss(sender.pid);
    await verify('loopback push', series, receiver.dicomWeb, BENCH_AUTHORIZATION, true);
    return { label: 'ours → ours, loopback, as stored', instances: series.instances.length, seconds, storedBytes, senderPeakRss };
  } finally {
    await Promise.all([sender.dispose(), receiver.dispose()]);
  }
}

async function orthancOnLoopback(series: CtSeries, storedBytes: number): Promise<PushFigures> {
  const receiver = await startOrthanc();
  let sender: RunningOrthanc | undefined;
  try {
    sender = await startOrthanc({ servers: { peer: { url: receiver.dicomWeb } } });
    let orthancStudy = '';
    for (const instance of series.instances) {
      const res = await sender.fetch(`${sender.url}/instances`, { method: 'POST', body: new Uint8Array(instance.bytes) });
      if (!res.ok) throw new Error(`Orthanc refused an instance: ${res.status}`);
      orthancStudy = ((await res.json()) as { ParentStudy: string }).ParentStudy;
    }
    const started = performance.now();
    const res = await sender.fetch(`${sender.url}/dicom-web/servers/peer/stow`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Resources: [orthancStudy], Synchronous: true }),
    });
    const seconds = (performance.now() - started) / 1000;
    check(res.ok, `Orthanc's push answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    await verify('Orthanc push', series, receiver.dicomWeb, undefined, false);
    return { label: 'Orthanc → Orthanc, loopback (its DICOMweb client)', instances: series.instances.length, seconds, storedBytes };
  } finally {
    await sender?.stop();
    await receiver.stop();
  }
}

/** A push through the throttled proxy; with `killAt`, the sender is killed when that share of `expectBytes` has crossed. */
async function throttledPush(
  label: string,
  series: CtSeries,
  storedBytes: number,
  sendSyntax: string,
  kill?: { atBytes: number },
): Promise<PushFigures> {
  const [sender, receiver] = await Promise.all([startOurs(), startOurs()]);
  let proxy: FaultProxy | undefined;
  try {
    await storeInto(sender, series);
    proxy = await startFaultProxy(receiver.port);
    const peer = await addPeer(sender, 'district link', `${proxy.url}/dicom-web`, sendSyntax);
    proxy.capture(true);
    proxy.throttle({ bitsPerSecond: RATE_BITS, rttMs: RTT_MS });
    let killed = false;
    const { job, seconds } = await push(sender, peer.id, series.studyUid, async () => {
      if (!kill || killed || proxy!.bytes('upstream') < kill.atBytes) return;
      killed = true;
      await sender.kill9();
      await sender.restart();
    });
    check(job.status === 'done', `${label} ended ${job.status}: ${job.lastError ?? ''}`);
    check(!kill || killed, `${label}: the sender was never killed`);
    const senderPeakRss = await peakRss(sender.pid);
    await verify(label, series, receiver.dicomWeb, BENCH_AUTHORIZATION, sendSyntax === 'as-stored');
    const sent = proxy.sentSopInstanceUids();
    const acknowledgedTwice = sent.length - new Set(sent).size;
    if (!kill) check(acknowledgedTwice === 0, `${label}: ${acknowledgedTwice} instances sent twice`);
    const wireBytes = proxy.bytes('upstream');
    const largestRequestBytes = Math.max(0, ...proxy.capturedRequests().map((r) => r.body.length));
    const linkLimitSeconds = (wireBytes * 8) / RATE_BITS;
    return {
      label,
      instances: series.instances.length,
      seconds,
      storedBytes,
      wireBytes,
      linkLimitSeconds,
      linkUse: linkLimitSeconds / seconds,
      largestRequestBytes,
      ...(senderPeakRss === undefined ? {} : { senderPeakRss }),
    };
  } finally {
    await proxy?.close();
    await Promise.all([sender.dispose(), receiver.dispose()]);
  }
}

const mb = (bytes: number | undefined) => (bytes === undefined ? '' : `${(bytes / 1e6).toFixed(1)} MB`);

function printTable(rows: PushFigures[]): void {
  console.log('\n| push | instances | time | stored | on the wire | link limit | link used | largest request | sender peak RSS |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.label} | ${r.instances} | ${r.seconds.toFixed(1)} s | ${mb(r.storedBytes)} | ${mb(r.wireBytes)} | ${
        r.linkLimitSeconds === undefined ? '' : `${r.linkLimitSeconds.toFixed(1)} s`
      } | ${r.linkUse === undefined ? '' : `${(r.linkUse * 100).toFixed(0)} %`} | ${mb(r.largestRequestBytes)} | ${mb(r.senderPeakRss)} |`,
    );
}

runBench('pacs-exchange-bench-', async () => {
  const report = benchReport({
    slices: SLICES,
    throttledSlices: THROTTLED_SLICES,
    rateMbps: RATE_BITS / 1e6,
    rttMs: RTT_MS,
    skip: [...SKIP],
  });
  const rows: PushFigures[] = [];
  const series = realCtSeries({ slices: SLICES });
  const storedBytes = series.instances.reduce((sum, i) => sum + i.bytes.length, 0);
  console.error(`${SLICES} slices, ${mb(storedBytes)} as stored`);

  rows.push(await oursOnLoopback(series, storedBytes));
  console.error(`ours loopback: ${rows.at(-1)!.seconds.toFixed(1)} s`);
  if (!SKIP.has('orthanc')) {
    rows.push(await orthancOnLoopback(series, storedBytes));
    console.error(`orthanc loopback: ${rows.at(-1)!.seconds.toFixed(1)} s`);
  }

  const thin = THROTTLED_SLICES === SLICES ? series : realCtSeries({ slices: THROTTLED_SLICES });
  const thinBytes = thin.instances.reduce((sum, i) => sum + i.bytes.length, 0);
  const link = `${RATE_BITS / 1e6} Mbit/s, ${RTT_MS} ms`;
  if (!SKIP.has('throttled')) {
    rows.push(await throttledPush(`ours → ours, ${link}, as stored`, thin, thinBytes, 'as-stored'));
    console.error(`throttled as stored: ${rows.at(-1)!.seconds.toFixed(1)} s`);
  }
  const compressed = await throttledPush(`ours → ours, ${link}, JPEG-LS`, thin, thinBytes, JPEG_LS);
  rows.push(compressed);
  console.error(`throttled JPEG-LS: ${compressed.seconds.toFixed(1)} s`);
  if (!SKIP.has('resume')) {
    const resumed = await throttledPush(`ours → ours, ${link}, JPEG-LS, sender kill -9 at half`, thin, thinBytes, JPEG_LS, {
      atBytes: compressed.wireBytes! / 2,
    });
    rows.push(resumed);
    const extra = resumed.wireBytes! - compressed.wireBytes!;
    console.log(
      `\nresumed job: ${mb(extra)} more on the wire than the uninterrupted push; largest batch ${mb(compressed.largestRequestBytes)} (target: at most one batch more)`,
    );
    check(
      extra <= compressed.largestRequestBytes!,
      `the resumed push cost ${mb(extra)} more, more than one batch (${mb(compressed.largestRequestBytes)})`,
    );
    report.resumeExtraBytes = extra;
  }

  printTable(rows);
  const ours = rows[0]!;
  const orthanc = rows.find((r) => r.label.startsWith('Orthanc'));
  console.log('\ntargets (issue 13):');
  if (orthanc)
    console.log(`  loopback faster than Orthanc → Orthanc: ${ours.seconds.toFixed(1)} s against ${orthanc.seconds.toFixed(1)} s`);
  for (const r of rows.filter((row) => row.linkUse !== undefined && !row.label.includes('kill')))
    console.log(`  ≥ 90 % of the link used: ${(r.linkUse! * 100).toFixed(0)} % (${r.label})`);
  console.log(`  fewer bytes than the raw series with JPEG-LS: ${mb(compressed.wireBytes)} on the wire against ${mb(thinBytes)} stored`);
  report.pushes = rows;
  return finish(report, problems, 'every push verified on the peer', args.json);
});
