import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDelimiter, newBoundary, partHeader } from '../../shared/dicomweb/multipart';
import type { CheckReport } from '../../server/ops/consistency-check';
import { startArchiveProcess, type ArchiveProcess } from '../helpers/archive-process';
import { corpusFile, corpusManifest } from '../helpers/corpus';
import { getMultipart, withZeroPreamble } from '../helpers/dicomweb-http';
import { realS3Client, realS3Env, removeBucket, startRealS3, type RealS3 } from '../helpers/real-s3';
import { runEntryPoint } from '../helpers/run-entry-point';
import { testArchiveEnv } from '../helpers/start-app';

const CT = corpusManifest().filter((e) => e.path.startsWith('series/ct-abdomen-philips-tcia/'));
const CLIENTS = 4;
const PER_STUDY = 8;

/** The CT's slices as a new study: its three UIDs end in `tag` (same length, so the files stay valid). */
function ctAsStudy(tag: string, count: number): { studyUid: string; files: Buffer[] } {
  const swap = (uid: string) => `${uid.slice(0, -tag.length)}${tag}`;
  const studyUid = swap(CT[0]!.studyInstanceUID!);
  const files = CT.slice(0, count).map((entry) => {
    let bytes = corpusFile(entry.path);
    for (const uid of [entry.studyInstanceUID!, entry.seriesInstanceUID!, entry.sopInstanceUID!]) bytes = replaceAll(bytes, uid, swap(uid));
    return bytes;
  });
  return { studyUid, files };
}

function replaceAll(bytes: Buffer, from: string, to: string): Buffer {
  const copy = Buffer.from(bytes);
  for (let at = copy.indexOf(from, 0, 'latin1'); at >= 0; at = copy.indexOf(from, at + 1, 'latin1')) copy.write(to, at, 'latin1');
  return copy;
}

/** Digits 1-9 only: a UID component never gains a leading zero. */
const tagOf = (n: number) => String(n).padStart(7, '0').replaceAll('0', '9');

/** One STOW-RS request streamed part by part; resolves with the acknowledged SOP Instance UIDs, or [] when the archive died. */
function stow(archive: ArchiveProcess, files: Buffer[]): Promise<string[]> {
  const boundary = newBoundary();
  return new Promise((resolve) => {
    const req = http.request(`${archive.dicomWeb}/studies`, {
      method: 'POST',
      headers: {
        authorization: archive.adminAuthorization,
        accept: 'application/dicom+json',
        'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
      },
    });
    req.on('error', () => resolve([]));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => resolve([]));
      res.on('end', () => {
        if (res.statusCode !== 200) return resolve([]);
        const json = JSON.parse(Buffer.concat(chunks).toString()) as Record<
          string,
          { Value?: Array<Record<string, { Value?: string[] }>> }
        >;
        resolve((json['00081199']?.Value ?? []).map((item) => item['00081155']!.Value![0]!));
      });
    });
    void (async () => {
      for (const [n, file] of files.entries()) {
        const more = req.write(Buffer.concat([Buffer.from(partHeader(boundary, { 'Content-Type': 'application/dicom' }, n === 0)), file]));
        if (!more) await new Promise((r) => req.once('drain', r));
        if (req.destroyed) return;
      }
      req.end(Buffer.from(closeDelimiter(boundary)));
    })();
  });
}

async function walk(root: string, dir = ''): Promise<string[]> {
  const entries = await fs.readdir(path.join(root, dir), { withFileTypes: true }).catch(() => []);
  const keys: string[] = [];
  for (const e of entries) {
    if (e.isDirectory()) keys.push(...(await walk(root, `${dir}${e.name}/`)));
    else keys.push(`${dir}${e.name}`);
  }
  return keys;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.each([
  ['fs', 4],
  ['s3', 2],
] as const)('kill -9 during ingest on %s storage: the durable record of objects being written', (storage, cycles) => {
  let archive: ArchiveProcess;
  let s3: RealS3 | undefined;
  let storageEnv: Record<string, string> = {};
  /** Every instance STOW-RS acknowledged: study → SHA-256 of the bytes stored (preamble zeroed). */
  const acknowledged = new Map<string, Set<string>>();
  let studies = 0;

  beforeAll(async () => {
    if (storage === 's3') {
      s3 = await startRealS3();
      storageEnv = realS3Env(s3);
    }
    archive = await startArchiveProcess({ PACS_LOG_LEVEL: 'info', ...storageEnv });
  }, 180_000);
  afterAll(async () => {
    await archive?.dispose();
    if (s3) await removeBucket(s3, storageEnv.PACS_S3_BUCKET!);
  });

  /** A direct listing of storage: the folder, or the bucket through a plain S3 client. */
  const storedInstanceKeys = async () => {
    if (!s3) return (await walk(path.join(archive.dataDir, 'objects'), 'v1/instances/')).sort();
    const listed = (await realS3Client(s3).listObjectsV2(storageEnv.PACS_S3_BUCKET!, 'v1/instances/', true).toArray()) as Array<{
      name: string;
    }>;
    return listed.map((item) => item.name).sort();
  };
  const indexState = () => {
    const db = new Database(path.join(archive.dataDir, 'index.sqlite'), { readonly: true });
    try {
      return {
        keys: new Set(db.prepare(`SELECT blob_key FROM instances`).pluck().all() as string[]),
        pending: new Set(db.prepare(`SELECT key FROM pending_objects`).pluck().all() as string[]),
      };
    } finally {
      db.close();
    }
  };
  const check = async (args: string[]) => {
    const run = await runEntryPoint('server/cli/pacs.ts', ['check', '--json', ...args], {
      ...testArchiveEnv(archive.dataDir),
      ...storageEnv,
    });
    return { code: run.code, report: JSON.parse(run.stdout) as CheckReport };
  };

  /** STOW-RS from CLIENTS clients, one new study after another, until the archive is killed `afterMs` in. */
  async function ingestThenKill(afterMs: number): Promise<void> {
    let killed = false;
    const client = async () => {
      while (!killed) {
        const { studyUid, files } = ctAsStudy(tagOf(++studies), PER_STUDY);
        const acked = await stow(archive, files);
        if (acked.length > 0) {
          const set = acknowledged.get(studyUid) ?? new Set<string>();
          for (const f of files) set.add(sha(withZeroPreamble(f)));
          acknowledged.set(studyUid, set);
          expect(acked).toHaveLength(files.length);
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, client);
    await new Promise((r) => setTimeout(r, afterMs));
    await archive.kill9();
    killed = true;
    await Promise.all(clients);
  }

  it('check lists exactly the orphans a listing of storage finds; --repair or the start-up sweep leaves none; every acknowledged instance is intact', async () => {
    let orphansSeen = 0;
    let sweptTotal = 0;
    let inFlight = 0;
    for (let cycle = 0; cycle < cycles; cycle++) {
      await ingestThenKill(1500 + cycle * 700);

      // The stopped data dir: the orphans are the listing minus the keys the index names.
      const { keys, pending } = indexState();
      const orphans = (await storedInstanceKeys()).filter((key) => !keys.has(key));
      for (const key of orphans) expect(pending, 'every orphan is in the durable record').toContain(key);
      orphansSeen += orphans.length;
      inFlight += [...pending].filter((key) => !keys.has(key)).length;

      const listed = await check([]);
      expect(listed.report.orphans.count).toBe(orphans.length);
      expect(listed.report.orphans.first.map((o) => o.key).sort()).toEqual(orphans);
      expect(listed.report).toMatchObject({ missing: { count: 0 }, wrongSize: { count: 0 } });
      // All recorded: the archive's own, which its next start removes; listed, not a problem.
      expect(listed.report.recordedOrphans).toBe(orphans.length);
      expect(listed.code).toBe(0);

      if (cycle % 2 === 0) {
        const repaired = await check(['--repair', '--grace', '0s']);
        expect(repaired.report.quarantined).toBe(orphans.length);
        expect((await storedInstanceKeys()).filter((key) => !keys.has(key))).toEqual([]);
        await archive.restart();
      } else {
        await archive.restart(); // no check: the start-up sweep alone
        const swept = /start-up sweep: removed (\d+) objects/.exec(archive.stdout);
        expect(Number(swept?.[1] ?? 0)).toBe(orphans.length);
        sweptTotal += orphans.length;
        const after = indexState();
        expect((await storedInstanceKeys()).filter((key) => !after.keys.has(key))).toEqual([]);
        expect(after.pending.size).toBe(0);
      }
    }

    // Every acknowledged instance, byte for byte, through WADO-RS.
    expect(acknowledged.size).toBeGreaterThan(0);
    for (const [studyUid, shas] of acknowledged) {
      const { status, parts } = await getMultipart(archive, `${archive.dicomWeb}/studies/${studyUid}`);
      expect(status).toBe(200);
      expect(new Set(parts.map((p) => sha(p.body)))).toEqual(shas);
    }
    await archive.stop();
    const final = await check(['--verify']);
    expect(final.report).toMatchObject({ problems: 0, orphans: { count: 0 }, missing: { count: 0 } });
    expect(final.report.verify!.corrupt.count).toBe(0);
    expect(final.code).toBe(0);
    console.log(
      `${storage}, kill -9 × ${cycles}: ${acknowledged.size} studies acknowledged of ${studies} sent, ${inFlight} objects recorded as being written at the kill, ${orphansSeen} of them complete orphans under v1/instances/ (${sweptTotal} removed by the start-up sweep), ${final.report.verify!.verified} objects verified`,
    );
    await archive.restart();
  }, 300_000);
});

describe('the start-up sweep', () => {
  it('deletes exactly the recorded objects no row names, whatever their age, and nothing else', async () => {
    const archive = await startArchiveProcess({ PACS_LOG_LEVEL: 'info' });
    try {
      const { studyUid, files } = ctAsStudy(tagOf(7_654_321), 3);
      expect(await stow(archive, files)).toHaveLength(3);
      await archive.stop();
      // What a kill between an object's write and its row's commit leaves, and what one between a DELETE's
      // commit and its object's delete leaves: an object no row names, recorded. One of them is a week old.
      const root = path.join(archive.dataDir, 'objects');
      const crashed = ['v1/instances/ab/ab0123456789abcdef0123456789abcd.dcm', 'v1/instances/cd/cd0123456789abcdef0123456789abcd.dcm'];
      const unrecorded = 'v1/instances/ef/ef0123456789abcdef0123456789abcd.dcm';
      for (const key of [...crashed, unrecorded]) {
        await fs.mkdir(path.dirname(path.join(root, key)), { recursive: true });
        await fs.writeFile(path.join(root, key), Buffer.alloc(100, 1));
      }
      const weekAgo = new Date(Date.now() - 7 * 86_400_000);
      await fs.utimes(path.join(root, crashed[1]!), weekAgo, weekAgo);
      const db = new Database(path.join(archive.dataDir, 'index.sqlite'));
      const indexed = db.prepare(`SELECT blob_key FROM instances`).pluck().all() as string[];
      const record = db.prepare(`INSERT INTO pending_objects (key, since) VALUES (?, ?)`);
      for (const key of crashed) record.run(key, Date.now());
      record.run('v1/instances/12/120123456789abcdef0123456789abcd.dcm', Date.now()); // recorded, never written
      record.run(indexed[0], Date.now()); // named by a row: kept whatever the record says
      db.close();

      await archive.restart();
      expect(archive.stdout).toContain('start-up sweep: removed 2 objects of unacknowledged instances');
      const left = (await walk(root, 'v1/instances/')).sort();
      expect(left).toEqual([...indexed, unrecorded].sort()); // an orphan from before the record is the check's
      const after = new Database(path.join(archive.dataDir, 'index.sqlite'), { readonly: true });
      expect(after.prepare(`SELECT count(*) FROM pending_objects`).pluck().get()).toBe(0);
      after.close();
      const { status, parts } = await getMultipart(archive, `${archive.dicomWeb}/studies/${studyUid}`);
      expect(status).toBe(200);
      expect(new Set(parts.map((p) => sha(p.body)))).toEqual(new Set(files.map((f) => sha(withZeroPreamble(f)))));
    } finally {
      await archive.dispose();
    }
  }, 120_000);
});
