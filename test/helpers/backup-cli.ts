import dicomParser from 'dicom-parser';
import { expect } from 'vitest';
import { generateCtSeries } from '../../fixtures/generate-ct-series';
import { expectStored, getMultipart } from './dicomweb-http';
import { runEntryPoint, type EntryPointResult } from './run-entry-point';
import type { TestArchive } from './start-app';

/** `npm run pacs -- <args>` as a real process on the archive configured by `env`. */
export function runPacs(args: string[], env: Record<string, string>): Promise<EntryPointResult> {
  return runEntryPoint('server/cli/pacs.ts', args, env);
}

/** One generated CT series of `slices` instances (64×64), stored; the SOP Instance UIDs and study UID acknowledged. */
export async function storeSeries(archive: TestArchive, slices: number, seed: string): Promise<{ studyUid: string; sopUids: string[] }> {
  const series = generateCtSeries({ slices, rows: 64, columns: 64, seed });
  await expectStored(
    archive,
    series.instances.map((i) => i.bytes),
  );
  return { studyUid: series.studyUid, sopUids: series.instances.map((i) => i.sopUid) };
}

/**
 * STOW-RS of one small series after another until stopped: the concurrent load a backup runs
 * under. Every acknowledged instance is recorded with the time its answer came.
 */
export class StowLoop {
  readonly acknowledged: Array<{ sopUid: string; studyUid: string; at: number }> = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(archive: TestArchive) {
    this.loop = (async () => {
      for (let n = 0; this.running; n++) {
        const { studyUid, sopUids } = await storeSeries(archive, 4, `load-${n}`);
        const at = performance.now();
        for (const sopUid of sopUids) this.acknowledged.push({ sopUid, studyUid, at });
      }
    })();
  }

  /** Resolves once `count` instances are acknowledged. */
  async waitFor(count: number): Promise<void> {
    while (this.acknowledged.length < count) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  stop(): Promise<void> {
    this.running = false;
    return this.loop;
  }
}

/** Every instance of the archive, by SOP Instance UID, with its study: from the index of the running archive. */
export function indexedInstances(archive: TestArchive): Map<string, string> {
  const rows = archive.index.db
    .prepare(
      `SELECT i.sop_uid AS sopUid, st.study_uid AS studyUid FROM instances i JOIN series se ON se.pk = i.series_pk JOIN studies st ON st.pk = se.study_pk`,
    )
    .all() as Array<{ sopUid: string; studyUid: string }>;
  return new Map(rows.map((r) => [r.sopUid, r.studyUid]));
}

/** The instance as stored (`transfer-syntax=*`), retrieved with WADO-RS at study level and found by its SOP Instance UID. */
export async function retrieveStudyInstances(archive: TestArchive, studyUid: string): Promise<Map<string, Buffer>> {
  const { parts } = await getMultipart(archive, `${archive.dicomWeb}/studies/${studyUid}`);
  return new Map(parts.map((part) => [sopUidOf(part.body), part.body]));
}

/** Expects the `restored` archive to give, byte for byte, what `live` gives for each of `studies` (study UID → SOP Instance UIDs wanted). */
export async function expectSameBytes(live: TestArchive, restored: TestArchive, studies: Map<string, string[]>): Promise<number> {
  let compared = 0;
  for (const [studyUid, sopUids] of studies) {
    const [before, after] = await Promise.all([retrieveStudyInstances(live, studyUid), retrieveStudyInstances(restored, studyUid)]);
    for (const sopUid of sopUids) {
      expect(after.get(sopUid), `instance ${sopUid}`).toBeDefined();
      expect(after.get(sopUid)!.equals(before.get(sopUid)!), `bytes of ${sopUid}`).toBe(true);
      compared++;
    }
  }
  return compared;
}

/** `pacs check --verify` on the archive of `env` finds nothing wrong: index and storage agree both ways, and every object matches its ingest digest. */
export async function expectCheckFindsNothing(env: Record<string, string>): Promise<void> {
  const check = await runPacs(['check', '--verify'], env);
  expect(check.stderr).toBe('');
  expect(check.code, check.stdout).toBe(0);
}

/** SOP Instance UID (0008,0018) of a Part 10 file, read with dicom-parser. */
function sopUidOf(file: Buffer): string {
  return (
    dicomParser.parseDicom(new Uint8Array(file.buffer, file.byteOffset, file.length), { untilTag: 'x00080018' }).string('x00080018') ?? ''
  );
}
