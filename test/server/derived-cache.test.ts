import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DERIVED_KEY_PREFIX } from '../../server/storage/object-keys';
import { DerivedFrameRows, type DerivedFrameRow } from '../../server/stored/derived-frame-rows';
import { DerivedFrames } from '../../server/stored/derived-frames';
import { BACKENDS, startArchiveOn } from '../helpers/backends';
import { CORPUS_DIR, corpusEntry, corpusFile, corpusInstanceUrl } from '../helpers/corpus';
import { getMultipart, stowFiles } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * The derived-representation cache (issue 11 item 3) over real HTTP, real SQLite and real object
 * storage: a frame encoded once is read from storage the second time (hit counter), eviction keeps
 * the cache under its cap, deleting an instance removes its derived objects and rows, and
 * PACS_DERIVE_AT_INGEST encodes the chosen modalities' frames after ingest.
 */

const CT = 'series/ct-abdomen-philips-tcia/1-036.dcm';
const MR_6F = 'multiframe/enhanced-mr-siemens-xa10-6f.dcm';
const CT_2F = 'multiframe/enhanced-ct-2f-jpeg-ls-bot-not-fragmented.dcm';
const CT_JLS = 'transfer-syntaxes/ct1-1.2.4.80_jpeg-ls-lossless.dcm';
const RPCL = '1.2.840.10008.1.2.4.202';
const ACCEPT_RPCL = `multipart/related; type="image/jphc"; transfer-syntax=${RPCL}`;

const rowsOf = (archive: TestArchive): DerivedFrameRow[] =>
  archive.index.db
    .prepare(
      `SELECT key, blob_key AS blobKey, frame, transfer_syntax AS transferSyntax, bytes, created_at AS createdAt,
       last_used_at AS lastUsedAt, hits FROM derived_frames ORDER BY key`,
    )
    .all() as DerivedFrameRow[];

async function derivedObjects(archive: TestArchive): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for await (const key of archive.blobStore.list(DERIVED_KEY_PREFIX)) sizes.set(key, (await archive.blobStore.head(key)).size);
  return sizes;
}

const blobKeyOf = (archive: TestArchive, file: string): string => {
  const { studyInstanceUID, seriesInstanceUID, sopInstanceUID } = corpusEntry(file);
  return archive.index.findInstances(studyInstanceUID!, seriesInstanceUID!, sopInstanceUID!)[0]!.blobKey;
};

const frameUrl = (archive: TestArchive, file: string, frames: string) =>
  `${corpusInstanceUrl(archive.dicomWeb, corpusEntry(file))}/frames/${frames}`;

describe.each(BACKENDS)('the derived frame cache on %s', (backend) => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await startArchiveOn(backend);
    expect((await stowFiles(archive, [corpusFile(CT), corpusFile(MR_6F)])).status).toBe(200);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('keeps an encoded frame in object storage and serves the second read from it', async () => {
    const first = await getMultipart(archive, frameUrl(archive, CT, '1'), ACCEPT_RPCL);
    expect(first.status).toBe(200);
    await archive.derived.idle();
    const [row, ...others] = rowsOf(archive);
    expect(others).toEqual([]);
    expect(row).toMatchObject({ frame: 1, transferSyntax: RPCL, bytes: first.parts[0]!.body.length, hits: 0 });
    expect(row!.key.startsWith(DERIVED_KEY_PREFIX)).toBe(true);
    expect(await derivedObjects(archive)).toEqual(new Map([[row!.key, row!.bytes]]));

    const second = await getMultipart(archive, frameUrl(archive, CT, '1'), ACCEPT_RPCL);
    expect(second.parts[0]!.body.equals(first.parts[0]!.body)).toBe(true);
    await archive.derived.idle();
    expect(rowsOf(archive)[0]).toMatchObject({ key: row!.key, hits: 1 });
    expect(rowsOf(archive)[0]!.lastUsedAt).toBeGreaterThanOrEqual(row!.lastUsedAt);
  });

  it('reads a byte range of a cached frame from storage', async () => {
    const whole = await getMultipart(archive, frameUrl(archive, CT, '1'), ACCEPT_RPCL);
    const codestream = whole.parts[0]!.body;
    const res = await archive.fetch(frameUrl(archive, CT, '1'), {
      headers: { accept: `image/jphc; transfer-syntax=${RPCL}`, range: 'bytes=1000-4999' },
    });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 1000-4999/${codestream.length}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(codestream.subarray(1000, 5000))).toBe(true);
    await archive.derived.idle();
    expect(rowsOf(archive)[0]!.hits).toBe(3);
  });

  it('encodes a frame once for concurrent readers', async () => {
    const answers = await Promise.all(Array.from({ length: 4 }, () => getMultipart(archive, frameUrl(archive, MR_6F, '3'), ACCEPT_RPCL)));
    await archive.derived.idle();
    expect(new Set(answers.map((a) => a.parts[0]!.body.toString('base64'))).size).toBe(1);
    expect(rowsOf(archive).filter((r) => r.frame === 3).length).toBe(1);
  });

  it('deleting an instance removes its derived objects and rows', async () => {
    expect((await getMultipart(archive, frameUrl(archive, MR_6F, '1,2,4'), ACCEPT_RPCL)).status).toBe(200);
    await archive.derived.idle();
    const mr = corpusEntry(MR_6F);
    const before = rowsOf(archive);
    expect(before.length).toBe(5); // CT frame 1, MR frames 1 to 4
    const ctRow = before.find((r) => r.blobKey === blobKeyOf(archive, CT))!;
    const res = await archive.fetch(
      `${archive.dicomWeb}/studies/${mr.studyInstanceUID}/series/${mr.seriesInstanceUID}/instances/${mr.sopInstanceUID}`,
      {
        method: 'DELETE',
      },
    );
    expect(res.status).toBe(204);
    expect(rowsOf(archive)).toEqual([ctRow]);
    expect(await derivedObjects(archive)).toEqual(new Map([[ctRow.key, ctRow.bytes]]));
  });

  it('makes a frame again when its object is gone under its row (a crash between deletes), and writes it back', async () => {
    const [row] = rowsOf(archive);
    const before = await getMultipart(archive, frameUrl(archive, CT, '1'), ACCEPT_RPCL);
    await archive.blobStore.delete(row!.key);
    const after = await getMultipart(archive, frameUrl(archive, CT, '1'), ACCEPT_RPCL);
    expect(after.parts[0]!.body.equals(before.parts[0]!.body)).toBe(true);
    await archive.derived.idle();
    expect(await derivedObjects(archive)).toEqual(new Map([[row!.key, row!.bytes]]));
  });

  it('sweeps what a crash can leave: rows of deleted instances, objects without a row', async () => {
    const [kept] = rowsOf(archive);
    const gone = 'v1/instances/ab/ab0000000000000000000000000000ff.dcm';
    const orphan = archive.derived.keyOf({ blobKey: gone, frame: 1, transferSyntax: RPCL });
    const deadRow = archive.derived.keyOf({ blobKey: gone, frame: 2, transferSyntax: RPCL });
    await archive.blobStore.put(orphan, Readable.from([Buffer.from('orphan')]));
    await archive.blobStore.put(deadRow, Readable.from([Buffer.from('dead')]));
    archive.index.db
      .prepare(
        `INSERT INTO derived_frames (key, blob_key, frame, transfer_syntax, bytes, created_at, last_used_at) VALUES (?, ?, 2, ?, 4, 0, 0)`,
      )
      .run(deadRow, gone, RPCL);
    expect(await archive.derived.sweep()).toEqual({ deadRows: 1, orphanObjects: 1 });
    expect(rowsOf(archive)).toEqual([kept]);
    expect([...(await derivedObjects(archive)).keys()]).toEqual([kept!.key]);
  });

  it('evicts everything at the next start when the cap is lowered to 0', async () => {
    expect(rowsOf(archive).length).toBeGreaterThan(0);
    const restarted = new DerivedFrames(new DerivedFrameRows(archive.index.db), archive.blobStore, 0, () => undefined);
    await restarted.sweep();
    await restarted.idle();
    expect(rowsOf(archive)).toEqual([]);
    expect((await derivedObjects(archive)).size).toBe(0);
    expect(restarted.totalBytes).toBe(0);
  });
});

describe('eviction and ingest-time derivation', () => {
  let archive: TestArchive;
  const slices = fs
    .readdirSync(path.join(CORPUS_DIR, 'series/ct-abdomen-philips-tcia'))
    .sort()
    .slice(0, 16)
    .map((name) => `series/ct-abdomen-philips-tcia/${name}`);
  afterAll(async () => {
    await archive?.stop();
  });

  it('keeps the cache within PACS_DERIVED_CACHE_MB, evicting the least recently used', async () => {
    archive = await startTestArchive({ PACS_DERIVED_CACHE_MB: '1' });
    expect((await stowFiles(archive, slices.map(corpusFile))).status).toBe(200);
    const sizes: number[] = [];
    for (const slice of slices) {
      const answer = await getMultipart(archive, frameUrl(archive, slice, '1'), ACCEPT_RPCL);
      expect(answer.status).toBe(200);
      sizes.push(answer.parts[0]!.body.length);
      await archive.derived.idle();
      const rows = rowsOf(archive);
      const total = rows.reduce((sum, r) => sum + r.bytes, 0);
      expect(total).toBeLessThanOrEqual(2 ** 20);
      expect(archive.derived.totalBytes).toBe(total);
      expect(await derivedObjects(archive)).toEqual(new Map(rows.map((r) => [r.key, r.bytes])));
    }
    expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(2 ** 20); // eviction had to happen
    // The most recent slice is kept, the first one was evicted.
    const kept = new Set(rowsOf(archive).map((r) => r.blobKey));
    expect(kept.has(blobKeyOf(archive, slices.at(-1)!))).toBe(true);
    expect(kept.has(blobKeyOf(archive, slices[0]!))).toBe(false);
    // An evicted frame is made again, byte for byte the same.
    const again = await getMultipart(archive, frameUrl(archive, slices[0]!, '1'), ACCEPT_RPCL);
    expect(again.parts[0]!.body.length).toBe(sizes[0]);
    await archive.stop();
  });

  it('with PACS_DERIVED_CACHE_MB=0 encodes every time and keeps nothing', async () => {
    archive = await startTestArchive({ PACS_DERIVED_CACHE_MB: '0' });
    expect((await stowFiles(archive, [corpusFile(CT)])).status).toBe(200);
    const first = await getMultipart(archive, frameUrl(archive, CT, '1'), ACCEPT_RPCL);
    const second = await getMultipart(archive, frameUrl(archive, CT, '1'), ACCEPT_RPCL);
    expect(second.parts[0]!.body.equals(first.parts[0]!.body)).toBe(true);
    await archive.derived.idle();
    expect(rowsOf(archive)).toEqual([]);
    expect((await derivedObjects(archive)).size).toBe(0);
    await archive.stop();
  });

  it('PACS_DERIVE_AT_INGEST=CT makes the .202 frames of single- and multi-frame CT instances after ingest, and not of MR', async () => {
    archive = await startTestArchive({ PACS_DERIVE_AT_INGEST: 'CT' });
    // A CT whose JPEG-LS frame cannot be decoded (start-of-frame marker FF F7 broken): stored all the same, no row.
    const broken = Buffer.from(corpusFile(CT_JLS));
    broken[broken.indexOf(Buffer.from([0xff, 0xd8, 0xff, 0xf7])) + 3] = 0x01;
    expect((await stowFiles(archive, [...[CT, CT_2F, MR_6F].map(corpusFile), broken])).status).toBe(200);
    await archive.ingestDerivation!.idle();
    const made = rowsOf(archive)
      .map((r) => [r.blobKey, r.frame, r.transferSyntax])
      .sort((a, b) => String(a).localeCompare(String(b)));
    const expected = [
      [blobKeyOf(archive, CT), 1, RPCL],
      [blobKeyOf(archive, CT_2F), 1, RPCL],
      [blobKeyOf(archive, CT_2F), 2, RPCL],
    ].sort((a, b) => String(a).localeCompare(String(b)));
    expect(made).toEqual(expected);
    // The first reader takes it from the cache.
    expect((await getMultipart(archive, frameUrl(archive, CT, '1'), ACCEPT_RPCL)).status).toBe(200);
    await archive.derived.idle();
    expect(rowsOf(archive).find((r) => r.blobKey === blobKeyOf(archive, CT))!.hits).toBe(1);
  });
});
