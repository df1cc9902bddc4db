import fs from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DimseAssociationError } from '../../server/dimse/dimse-client';
import { storeInstances, type StoreOutcome } from '../../server/dimse/store-scu';
import type { IndexedInstance } from '../../server/index/archive-index';
import { CORPUS_DIR, corpusEntry } from '../helpers/corpus';
import { startStorescp, type Storescp } from '../helpers/dcmtk';
import { expectStored, getMultipart } from '../helpers/dicomweb-http';
import { freeLoopbackPort } from '../helpers/free-port';
import { gdcmRaw } from '../helpers/reference-decoders';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';
import { CT_STUDY, ctSlices } from '../helpers/transfer-jobs';

const IMPLICIT = '1.2.840.10008.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
const JPEG_LS = 'transfer-syntaxes/ct1-1.2.4.80_jpeg-ls-lossless.dcm';
const J2K = 'transfer-syntaxes/mr-siemens-trio-1.2.4.90_jpeg2000-lossless.dcm';

function dataSetOf(part10: Buffer): Buffer {
  return part10.subarray(128 + 4 + 12 + part10.readUInt32LE(128 + 4 + 8));
}

/** What a storescp wrote, by SOP Instance UID. */
function received(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of fs.readdirSync(dir)) {
    const bytes = fs.readFileSync(path.join(dir, name));
    files.set(dicomParser.parseDicom(new Uint8Array(bytes)).string('x00080018')!, bytes);
  }
  return files;
}

function pixelData(part10: Buffer): Buffer {
  const element = dicomParser.parseDicom(new Uint8Array(part10)).elements.x7fe00010!;
  return part10.subarray(element.dataOffset, element.dataOffset + element.length);
}

async function collect(outcomes: AsyncIterable<StoreOutcome>): Promise<StoreOutcome[]> {
  const all: StoreOutcome[] = [];
  for await (const outcome of outcomes) all.push(outcome);
  return all;
}

/**
 * store-scu.ts, the archive as a C-STORE SCU (issue 14 item 5), with DCMTK's storescp as the
 * remote AE: the real CT goes in its stored syntax, each data set byte for byte; instances stored
 * in JPEG-LS and JPEG 2000 go as stored to an AE that takes them, and re-encoded in Explicit VR
 * Little Endian, with the same pixels, to one that takes only uncompressed syntaxes.
 */
describe('store-scu: sending stored instances to a remote AE', () => {
  let archive: TestArchive;
  let instances: IndexedInstance[];
  const dirs: string[] = [];
  const scps: Storescp[] = [];

  async function storescp(args: string[]): Promise<{ scp: Storescp; dir: string }> {
    const dir = await makeTempDir('store-scu');
    dirs.push(dir);
    const scp = await startStorescp(dir, 'REMOTE', args);
    scps.push(scp);
    return { scp, dir };
  }

  beforeAll(async () => {
    archive = await startTestArchive({ PACS_DIMSE_PORT: 'off' });
    await expectStored(archive, ctSlices(40));
    await expectStored(archive, [fs.readFileSync(path.join(CORPUS_DIR, JPEG_LS)), fs.readFileSync(path.join(CORPUS_DIR, J2K))]);
    instances = [
      ...archive.index.findInstances(CT_STUDY),
      ...[JPEG_LS, J2K].flatMap((file) => archive.index.findInstances(corpusEntry(file).studyInstanceUID!)),
    ];
    expect(instances).toHaveLength(42);
  }, 60_000);
  afterAll(async () => {
    for (const scp of scps) await scp.stop();
    await archive?.stop();
    for (const dir of dirs) await removeTempDir(dir);
  });

  const target = (scp: Storescp) => ({ host: '127.0.0.1', port: scp.port, calledAeTitle: 'REMOTE', callingAeTitle: 'PACS' });

  it('sends each instance in its stored syntax when accepted: data sets byte for byte', async () => {
    const { scp, dir } = await storescp(['+xa']);
    const outcomes = await collect(storeInstances(archive, target(scp), instances));
    expect(outcomes.map((o) => o.status)).toEqual(instances.map(() => 0));
    const files = received(dir);
    expect(files.size).toBe(42);
    for (const [n, instance] of instances.entries()) {
      const stored = Buffer.concat(await (await archive.blobStore.get(instance.blobKey)).toArray());
      expect(outcomes[n]!.transferSyntax).toBe(instance.transferSyntax);
      expect(outcomes[n]!.bytes).toBe(dataSetOf(stored).length);
      expect(dataSetOf(files.get(instance.sopUid)!).equals(dataSetOf(stored))).toBe(true);
    }
    expect(new Set(outcomes.map((o) => o.transferSyntax))).toEqual(new Set([IMPLICIT, '1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.90']));
  }, 60_000);

  it('re-encodes JPEG-LS and JPEG 2000 in Explicit VR Little Endian for an AE that takes only uncompressed syntaxes', async () => {
    const { scp, dir } = await storescp([]);
    const compressed = instances.slice(38);
    const outcomes = await collect(storeInstances(archive, target(scp), compressed));
    expect(outcomes.map((o) => [o.status, o.transferSyntax])).toEqual([
      [0, IMPLICIT],
      [0, IMPLICIT],
      [0, EXPLICIT],
      [0, EXPLICIT],
    ]);
    const files = received(dir);
    for (const file of [JPEG_LS, J2K]) {
      const sop = corpusEntry(file).sopInstanceUID!;
      const reference = gdcmRaw(path.join(CORPUS_DIR, file)).pixels;
      expect(pixelData(files.get(sop)!).equals(reference), file).toBe(true);
      expect(dicomParser.parseDicom(new Uint8Array(files.get(sop)!)).string('x00020010')).toBe(EXPLICIT);
    }
  }, 60_000);

  it('re-encodes in Implicit VR Little Endian for an AE that takes only that: every element value as in Explicit VR Little Endian', async () => {
    const { scp, dir } = await storescp(['+xi']);
    const compressed = instances.slice(40);
    const outcomes = await collect(storeInstances(archive, target(scp), compressed));
    expect(outcomes.map((o) => [o.status, o.transferSyntax])).toEqual([
      [0, IMPLICIT],
      [0, IMPLICIT],
    ]);
    const files = received(dir);
    for (const [n, file] of [JPEG_LS, J2K].entries()) {
      const implicit = files.get(corpusEntry(file).sopInstanceUID!)!;
      expect(dicomParser.parseDicom(new Uint8Array(implicit)).string('x00020010')).toBe(IMPLICIT);
      expect(pixelData(implicit).equals(gdcmRaw(path.join(CORPUS_DIR, file)).pixels), file).toBe(true);
      // The same instance as WADO-RS gives it in Explicit VR Little Endian: the same value for every element.
      const { parts } = await getMultipart(
        archive,
        `${archive.dicomWeb}/studies/${compressed[n]!.studyUid}/series/${compressed[n]!.seriesUid}/instances/${compressed[n]!.sopUid}`,
        'multipart/related; type="application/dicom"',
      );
      const explicit = parts[0]!.body;
      const a = dicomParser.parseDicom(new Uint8Array(explicit));
      const b = dicomParser.parseDicom(new Uint8Array(implicit));
      const tags = Object.keys(a.elements).filter((tag) => !tag.startsWith('x0002') && !a.elements[tag]!.items);
      expect(tags.length).toBeGreaterThan(40);
      for (const tag of tags) {
        const [x, y] = [a.elements[tag]!, b.elements[tag]];
        expect(y, tag).toBeDefined();
        expect(
          implicit.subarray(y!.dataOffset, y!.dataOffset + y!.length).equals(explicit.subarray(x.dataOffset, x.dataOffset + x.length)),
          tag,
        ).toBe(true);
      }
    }
  }, 60_000);

  it('says why when the remote AE cannot be reached, and stops when aborted', async () => {
    const closed = await collect(
      storeInstances(archive, { ...target(scps[0]!), port: await freeLoopbackPort() }, instances.slice(0, 1)),
    ).catch((error: unknown) => error);
    expect(closed).toBeInstanceOf(DimseAssociationError);
    expect((closed as DimseAssociationError).kind).toBe('unreachable');

    const { scp, dir } = await storescp([]);
    const controller = new AbortController();
    const outcomes: StoreOutcome[] = [];
    for await (const outcome of storeInstances(archive, target(scp), instances.slice(0, 20), { signal: controller.signal })) {
      outcomes.push(outcome);
      if (outcomes.length === 3) controller.abort();
    }
    expect(outcomes).toHaveLength(3);
    expect(received(dir).size).toBe(3);
  }, 60_000);
});
