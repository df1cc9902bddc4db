import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collect } from '../../server/stored/byte-streams';
import { CORPUS_DIR, corpusManifest, type CorpusEntry } from '../helpers/corpus';
import { runDcmtk, startStorescp } from '../helpers/dcmtk';
import { stowFiles } from '../helpers/dicomweb-http';
import { dataSetOf, startDimseArchive } from '../helpers/dimse-archive';
import { settledState } from '../helpers/raw-association';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

const UNCOMPRESSED = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2']);
const entries = corpusManifest();
/**
 * For the conversions: the well-formed uncompressed files, one per SOP Instance UID (the corpus
 * holds one CT in ten syntaxes), but the DICOMDIR and the Label Map Segmentation (2023), whose
 * SOP class storescu knows only from a configuration.
 */
const uncompressedFiles = onePerInstance(
  entries.filter(
    (e) =>
      e.category !== 'malformed' &&
      UNCOMPRESSED.has(e.transferSyntaxUID ?? '') &&
      !['non-image/DICOMDIR', 'non-image/seg-labelmap-palette.dcm'].includes(e.path) &&
      // Of the three series (261 CT and MR slices alike), the first 10 each.
      (e.category !== 'series' || inFirstTen(e.path)),
  ),
);

function inFirstTen(file: string): boolean {
  const dir = path.dirname(path.join(CORPUS_DIR, file));
  return fs.readdirSync(dir).sort().slice(0, 10).includes(path.basename(file));
}

function onePerInstance(list: CorpusEntry[]): string[] {
  const seen = new Set<string>();
  return list
    .filter((e) => !seen.has(e.sopInstanceUID ?? e.path) && seen.add(e.sopInstanceUID ?? e.path))
    .map((e) => path.join(CORPUS_DIR, e.path));
}

/**
 * Files DCMTK 3.6.7's storescu does not send at all: it cannot read them or finds no SOP Class or
 * Instance UID (malformed/, the DICOMDIR), or it does not know their transfer syntax (HTJ2K
 * 1.2.840.10008.1.2.4.202, Deflated Image Frame Compression 1.2.840.10008.1.2.8.1: it reads them
 * as Explicit VR Little Endian and cannot "convert"). The STOW-RS reference leaves them out too.
 */
const NOT_SENT_BY_STORESCU = new Set([
  'color/ybr-rct-vl-htj2k.dcm',
  'malformed/bad-command-group-in-dataset.dcm',
  'malformed/bad-vr-blank.dcm',
  'malformed/invalid-tag-in-pixel-data-items.dcm',
  'malformed/missing-all-uids-jpeg-ls-rgb.dcm',
  'malformed/no-preamble-acr-nema-1.0.dcm',
  'malformed/no-preamble-no-meta-acr-nema-cr.dcm',
  'malformed/truncated-encapsulated-pixeldata.dcm',
  'malformed/truncated-native-ct-derived.dcm',
  'non-image/DICOMDIR',
  'transfer-syntaxes/ct1-1.2.4.202_htj2k-lossless-rpcl.dcm',
  'transfer-syntaxes/mr3-1.2.4.202_htj2k-lossless-rpcl.dcm',
  'transfer-syntaxes/seg-liver-1.2.8.1_deflated-image-frame.dcm',
]);
/** The rest, one per SOP Instance UID (the first in the corpus): the corpus holds one CT in ten syntaxes, and duplicates are refused the same way on both paths. */
const sendableFiles = onePerInstance(entries.filter((e) => !NOT_SENT_BY_STORESCU.has(e.path)));

/** SOP Instance UID → data set bytes of every instance an archive holds. */
async function storedDataSets(archive: TestArchive): Promise<Map<string, Buffer>> {
  const rows = archive.index.db.prepare('SELECT sop_uid AS sop, blob_key AS key FROM instances').all() as { sop: string; key: string }[];
  const out = new Map<string, Buffer>();
  for (const row of rows) out.set(row.sop, dataSetOf(await collect(await archive.blobStore.get(row.key))));
  return out;
}

/** Stores each file by STOW-RS, one request each (a refused one is just not stored). */
async function stowEach(archive: TestArchive, files: string[]): Promise<void> {
  for (const file of files) await stowFiles(archive, [fs.readFileSync(file)]);
}

function storescu(port: number, args: string[], files: string[]) {
  return runDcmtk('storescu', ['-nh', ...args, '-aet', 'DISTRICT_CT', '-aec', 'PACS', '127.0.0.1', String(port), ...files]);
}

/**
 * DCMTK configurations (-xf) for the corpus's own syntaxes. storescu's proposes one presentation
 * context per SOP class and transfer syntax its files are in, so every file goes in its own
 * syntax, compressed or not (its -x options offer one compressed syntax at a time); storescp's
 * accepts, per SOP class, all of these syntaxes (an acceptor's profile names each class once).
 */
function ownSyntaxConfig(dir: string, role: 'scu' | 'scp'): string {
  const syntaxesOf = new Map<string, Set<string>>();
  for (const e of entries)
    if (e.sopClassUID && e.transferSyntaxUID)
      syntaxesOf.set(e.sopClassUID, (syntaxesOf.get(e.sopClassUID) ?? new Set()).add(e.transferSyntaxUID));
  const lists =
    role === 'scu'
      ? [...syntaxesOf].flatMap(([sopClass, syntaxes]) => [...syntaxes].map((uid) => ({ sopClass, syntaxes: [uid] })))
      : [...syntaxesOf].map(([sopClass, syntaxes]) => ({ sopClass, syntaxes: [...syntaxes] }));
  const lines = ['[[TransferSyntaxes]]'];
  lists.forEach(({ syntaxes }, n) => lines.push(`[TS${n}]`, ...syntaxes.map((uid, i) => `TransferSyntax${i + 1} = ${uid}`)));
  lines.push('[[PresentationContexts]]', '[Own]');
  lists.forEach(({ sopClass }, n) => lines.push(`PresentationContext${n + 1} = ${sopClass}\\TS${n}`));
  lines.push('[[Profiles]]', '[Corpus]', 'PresentationContexts = Own');
  const file = path.join(dir, `${role}.cfg`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/**
 * The whole team corpus sent with DCMTK's storescu (issue 14: "storescu with the whole corpus, in
 * several transfer syntaxes; stored bytes must equal the STOW path's for the same files"). In the
 * files' own syntaxes, every data set the archive stores from C-STORE is byte for byte the one it
 * stores when the same file comes by STOW-RS, and it stores the same instances. Converted by
 * storescu (Implicit VR LE only; Explicit VR LE first in one combined context; Deflated), the
 * reference is what crossed the wire, as storescp +B received it, stored by STOW-RS.
 */
describe('storescu of the whole corpus', () => {
  const archives: TestArchive[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const archive of archives) await archive.stop();
    for (const dir of dirs) await removeTempDir(dir);
  });

  /** Instance by instance: the same SOP Instance UIDs, the same data set bytes. */
  async function expectSameInstances(received: TestArchive, reference: TestArchive, count: number): Promise<void> {
    const [ours, theirs] = [await storedDataSets(received), await storedDataSets(reference)];
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    expect(ours.size).toBe(count);
    // What the archive refused (unreadable, UIDs missing, a UID stored with other content) left nothing behind.
    const clean = { rows: count, objects: count, tempFiles: 0 };
    expect(await settledState(received, clean)).toEqual(clean);
    const different = [...theirs].filter(([sop, dataSet]) => !ours.get(sop)!.equals(dataSet)).map(([sop]) => sop);
    expect(different).toEqual([]);
  }

  const passes: {
    name: string;
    storescu: (dir: string) => string[];
    storescp: (dir: string) => string[];
    files: string[];
    /** The transfer syntaxes the archive stores in. */
    stored: string[];
  }[] = [
    {
      name: 'each file in its own transfer syntax (-xf, one context per SOP class and syntax)',
      storescu: (dir) => ['-xf', ownSyntaxConfig(dir, 'scu'), 'Corpus'],
      storescp: (dir) => ['-xf', ownSyntaxConfig(dir, 'scp'), 'Corpus'],
      files: sendableFiles,
      stored: [...new Set(entries.filter((e) => sendableFiles.includes(path.join(CORPUS_DIR, e.path))).map((e) => e.transferSyntaxUID!))],
    },
    {
      name: 'Implicit VR Little Endian only (-xi)',
      storescu: () => ['-R', '-xi'],
      storescp: () => [],
      files: uncompressedFiles,
      stored: ['1.2.840.10008.1.2'],
    },
    {
      name: 'Explicit VR Little Endian first, one combined context (+C -xe)',
      storescu: () => ['-R', '+C', '-xe'],
      storescp: () => [],
      files: uncompressedFiles,
      stored: ['1.2.840.10008.1.2.1'],
    },
    {
      name: 'Deflated Explicit VR Little Endian, combined (+C -xd)',
      storescu: () => ['-R', '+C', '-xd'],
      storescp: () => ['+xd'],
      files: uncompressedFiles,
      stored: ['1.2.840.10008.1.2.1.99'],
    },
  ];
  it.each(passes)(
    '$name: the instances STOW-RS stores from what crossed the wire, byte for byte',
    async (pass) => {
      const [config, wire] = [await makeTempDir('storescu-cfg'), await makeTempDir('storescp')];
      dirs.push(config, wire);
      const [received, reference] = [await startDimseArchive('DISTRICT_CT'), await startTestArchive()];
      archives.push(received, reference);
      try {
        const run = await storescu(received.dimse!.port, pass.storescu(config), pass.files);
        expect(run.output).not.toMatch(/Store Failed|Bad DICOM file|Association Abort/);
        const storescp = await startStorescp(wire, 'PACS', pass.storescp(config));
        try {
          const copy = await storescu(storescp.port, pass.storescu(config), pass.files);
          expect(copy.output).not.toMatch(/Store Failed|Bad DICOM file|Association Abort/);
        } finally {
          await storescp.stop();
        }
        const wireFiles = fs.readdirSync(wire).map((name) => path.join(wire, name));
        expect(wireFiles).toHaveLength(pass.files.length);
        await stowEach(reference, wireFiles);
        const stored = (reference.index.db.prepare('SELECT count(*) AS n FROM instances').get() as { n: number }).n;
        expect(stored).toBeGreaterThan(pass.files.length - 5);
        await expectSameInstances(received, reference, stored);
        const syntaxes = received.index.db.prepare('SELECT DISTINCT transfer_syntax AS ts FROM instances').all() as { ts: string }[];
        expect(syntaxes.map((row) => row.ts).sort()).toEqual([...pass.stored].sort());
      } finally {
        await received.stop();
        await reference.stop();
        archives.splice(archives.indexOf(received), 2);
      }
    },
    120_000,
  );
});
