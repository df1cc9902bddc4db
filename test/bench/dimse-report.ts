/** The figures bench:dimse measures per server, and the table and verdicts it prints (dimse-bench.ts). */

export interface StoreFigures {
  associations: number;
  instances: number;
  seconds: number;
  perSecond: number;
  serverCpuMsPerInstance: number;
}

export interface FindFigures {
  via: 'findscu' | 'one association';
  queries: number;
  p50: number;
  p95: number;
  kinds: Record<string, { p50: number; p95: number; meanMatches: number }>;
  serverCpuMsPerQuery: number;
  /** Matches per query, to compare the two servers' answers. */
  counts: number[];
}

export interface ServerFigures {
  label: string;
  store: StoreFigures[];
  find: FindFigures[];
  move?: { instances: number; seconds: number; perSecond: number };
  /** Resident memory when the DIMSE phases began (the corpus loaded, nothing sent yet). */
  rssStartBytes: number;
  rssPeakBytes: number;
  rssAfterBytes: number;
  vmHwmBytes: number;
}

export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const ms = (value: number | undefined) => (value === undefined ? '' : `${value.toFixed(1)} ms`);

export function printTable(rows: ServerFigures[]): void {
  const [ours, orthanc] = rows;
  const cell = (pick: (f: ServerFigures) => string) => rows.map(pick).join(' | ');
  const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}×` : '');
  const lines: [string, string, string][] = [];
  for (const [n, store] of (ours?.store ?? []).entries()) {
    const theirs = orthanc?.store[n];
    lines.push([
      `C-STORE storescu, ${store.associations} association(s): inst/s`,
      cell((f) => f.store[n]?.perSecond.toFixed(0) ?? ''),
      ratio(store.perSecond, theirs?.perSecond),
    ]);
    lines.push([`… server CPU ms/instance`, cell((f) => f.store[n]?.serverCpuMsPerInstance.toFixed(2) ?? ''), '']);
  }
  for (const [n, find] of (ours?.find ?? []).entries()) {
    const theirs = orthanc?.find[n];
    lines.push([
      `C-FIND study level, ${find.via}: p50`,
      cell((f) => ms(f.find[n]?.p50)),
      theirs ? `${(theirs.p50 / find.p50).toFixed(1)}× faster` : '',
    ]);
    lines.push([`… p95`, cell((f) => ms(f.find[n]?.p95)), theirs ? `${(theirs.p95 / find.p95).toFixed(1)}× faster` : '']);
    for (const kind of Object.keys(find.kinds))
      lines.push([
        `… ${kind} p50 / p95 (mean matches ${find.kinds[kind]!.meanMatches.toFixed(0)})`,
        cell((f) => `${ms(f.find[n]?.kinds[kind]?.p50)} / ${ms(f.find[n]?.kinds[kind]?.p95)}`),
        '',
      ]);
    lines.push([`… server CPU ms/query`, cell((f) => f.find[n]?.serverCpuMsPerQuery.toFixed(2) ?? ''), '']);
  }
  if (ours?.move)
    lines.push([
      `C-MOVE movescu → storescp: inst/s`,
      cell((f) => f.move?.perSecond.toFixed(0) ?? ''),
      ratio(ours.move.perSecond, orthanc?.move?.perSecond),
    ]);
  lines.push([
    `server RSS when the DIMSE phases began`,
    cell((f) => mb(f.rssStartBytes)),
    ratio(ours?.rssStartBytes, orthanc?.rssStartBytes),
  ]);
  lines.push([
    `server RSS, peak during the DIMSE phases`,
    cell((f) => mb(f.rssPeakBytes)),
    ratio(ours?.rssPeakBytes, orthanc?.rssPeakBytes),
  ]);
  lines.push([`server RSS, after them`, cell((f) => mb(f.rssAfterBytes)), ratio(ours?.rssAfterBytes, orthanc?.rssAfterBytes)]);
  lines.push([`server VmHWM (lifetime peak)`, cell((f) => mb(f.vmHwmBytes)), ratio(ours?.vmHwmBytes, orthanc?.vmHwmBytes)]);
  console.log(`\n| figure | ${rows.map((r) => r.label).join(' | ')} | ours / Orthanc |`);
  console.log(`|---|${rows.map(() => '---|').join('')}---|`);
  for (const [name, values, r] of lines) console.log(`| ${name} | ${values} | ${r} |`);
}

export function printTargets(ours: ServerFigures, orthanc: ServerFigures | undefined): void {
  if (!orthanc) return;
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log('\ntargets (issue 14):');
  for (const [n, store] of ours.store.entries()) {
    const theirs = orthanc.store[n]!.perSecond;
    console.log(
      `  C-STORE ≥ Orthanc, ${store.associations} association(s): ${store.perSecond.toFixed(0)} vs ${theirs.toFixed(0)} inst/s: ${verdict(store.perSecond >= theirs)}`,
    );
  }
  const find = ours.find.find((f) => f.via === 'one association');
  const theirs = orthanc.find.find((f) => f.via === 'one association');
  if (find && theirs) {
    const faster = theirs.p50 / find.p50;
    console.log(`  C-FIND ≥ 10× faster (p50 on one association): ${faster.toFixed(1)}×: ${verdict(faster >= 10)}`);
  }
  console.log(
    `  RSS ≤ half of Orthanc's (peak during the DIMSE phases): ${mb(ours.rssPeakBytes)} vs ${mb(orthanc.rssPeakBytes)}: ${verdict(ours.rssPeakBytes * 2 <= orthanc.rssPeakBytes)}`,
  );
}
