import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { BACKENDS, startArchiveOn } from '../helpers/backends';
import { requireTool } from '../helpers/debian-tools';
import { STORE_COMPRESSED_SYNTAXES } from '../../server/config';
import { LOSSLESS_ENCODINGS } from '../../server/codecs/encode-registry';
import { CORPUS_DIR, corpusEntry, corpusFile } from '../helpers/corpus';
import { expectStored, getJson, getMultipart, stowFiles, withZeroPreamble } from '../helpers/dicomweb-http';
import { dcmtkDecode, opjDecompress } from '../helpers/encoded-frame-references';
import { gdcmRaw } from '../helpers/reference-decoders';
import { frameGeometryOf } from '../helpers/corpus-geometry';
import { instanceObjects, rowOf, storedBytes, url, type InstanceRow } from '../helpers/stored-instance-rows';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * PACS_STORE_COMPRESSED (issue 11 item 3): instances received uncompressed are re-stored
 * losslessly compressed in the background after STOW-RS, with the original transfer syntax
 * recorded. Real server, real SQLite and object storage, the real 40-slice CT; the stored objects
 * are read back by DCMTK and OpenJPEG, which share no code with the archive.
 */

const JPEG_LS = '1.2.840.10008.1.2.4.80';
const HTJ2K = '1.2.840.10008.1.2.4.201';
const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const AS_STORED = 'multipart/related; type="application/dicom"; transfer-syntax=*';
const DEFAULT_DICOM = 'multipart/related; type="application/dicom"';
const OCTETS = 'multipart/related; type="application/octet-stream"';

const CT_SLICES = Array.from({ length: 40 }, (_, k) => `series/ct-abdomen-philips-tcia/1-0${36 + k}.dcm`);
const CT = CT_SLICES[0]!;
const RGB = 'color/rgb-us-nema-us1.dcm'; // native 8-bit RGB
const YBR_422 = 'color/ybr-full-422-us-uncompressed.dcm'; // native subsampled chroma: the encoders refuse it
/** The CT as if decompressed from a lossy encoding: Lossy Image Compression 01, under a SOP Instance UID of its own. */
const LOSSY_ONCE_SOP = '2.25.20261206142000';
const BIG_ENDIAN_CT = 'transfer-syntaxes/ct1-1.2.2_explicit-vr-be.dcm';
const DEFLATED_CT = 'transfer-syntaxes/ct1-1.2.1.99_deflated.dcm';
const PIXEL_DATA = '7FE00010';

const parse = (bytes: Buffer) => dicomParser.parseDicom(new Uint8Array(bytes));

/** The CT edited by DCMTK: Lossy Image Compression 01 and SOP Instance UID LOSSY_ONCE_SOP, still Implicit VR Little Endian. */
function lossyOnceCt(): Buffer {
  requireTool('dcmodify');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lossy-once-'));
  try {
    const file = path.join(dir, 'ct.dcm');
    fs.writeFileSync(file, corpusFile(CT));
    execFileSync('dcmodify', ['-nb', '-i', '(0028,2110)=01', '-m', `(0008,0018)=${LOSSY_ONCE_SOP}`, file], { stdio: 'pipe' });
    return fs.readFileSync(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The native Pixel Data of a Part 10 file. */
function nativePixels(bytes: Buffer): Buffer {
  const pixel = parse(bytes).elements.x7fe00010!;
  return bytes.subarray(pixel.dataOffset, pixel.dataOffset + pixel.length);
}

/** The single fragment of a one-frame encapsulated Pixel Data. */
function onlyFragment(bytes: Buffer): Buffer {
  const pixel = parse(bytes).elements.x7fe00010!;
  expect(pixel.fragments).toHaveLength(1);
  const fragment = pixel.fragments![0]!;
  return bytes.subarray(fragment.position, fragment.position + fragment.length);
}

async function asStored(archive: TestArchive, file: string): Promise<{ contentType: string; body: Buffer }> {
  const { status, parts } = await getMultipart(archive, url(archive, file), AS_STORED);
  expect(status).toBe(200);
  return { contentType: parts[0]!.headers['content-type']!, body: parts[0]!.body };
}

/** Instance metadata with BulkDataURIs relative to the archive, so two archives' answers compare. */
async function metadataOf(archive: TestArchive, file: string): Promise<DicomJson> {
  const { status, json } = await getJson(archive, `${url(archive, file)}/metadata`);
  expect(status).toBe(200);
  return JSON.parse(JSON.stringify((json as DicomJson[])[0]).replaceAll(archive.dicomWeb, '')) as DicomJson;
}

describe('PACS_STORE_COMPRESSED', () => {
  let plain: TestArchive;
  beforeAll(async () => {
    plain = await startTestArchive();
    await expectStored(plain, [corpusFile(CT), corpusFile(RGB)]);
  });
  afterAll(async () => {
    await plain?.stop();
  });

  it('is off by default: a native CT stays as received, byte for byte', async () => {
    expect(plain.compressionAtRest).toBeUndefined();
    const row = rowOf(plain, CT)!;
    expect(row).toMatchObject({ transferSyntax: IMPLICIT_LE, originalTransferSyntax: null, originalSize: null });
    expect((await storedBytes(plain, row.blobKey)).equals(withZeroPreamble(corpusFile(CT)))).toBe(true);
  });

  it('refuses to start on a value that is not off or a lossless syntax the archive encodes', () => {
    for (const value of ['1.2.840.10008.1.2.4.50', 'jpeg-ls', '1.2.840.10008.1.2.4.90']) {
      expect(() => loadConfig({ PACS_STORE_COMPRESSED: value })).toThrow(ConfigError);
      expect(() => loadConfig({ PACS_STORE_COMPRESSED: value })).toThrow(/PACS_STORE_COMPRESSED=.* must be off or one of the lossless/);
    }
    expect(loadConfig({}).storeCompressed).toBeUndefined();
    expect(loadConfig({ PACS_STORE_COMPRESSED: 'OFF' }).storeCompressed).toBeUndefined();
    expect(loadConfig({ PACS_STORE_COMPRESSED: HTJ2K }).storeCompressed).toBe(HTJ2K);
    expect(STORE_COMPRESSED_SYNTAXES).toEqual(LOSSLESS_ENCODINGS);
  });

  describe('as JPEG-LS, on the 40 real CT slices', () => {
    let archive: TestArchive;
    let stowMs = 0;
    let restoreMsPerInstance = 0;
    beforeAll(async () => {
      archive = await startTestArchive({ PACS_STORE_COMPRESSED: JPEG_LS });
      const started = performance.now();
      for (let k = 0; k < CT_SLICES.length; k += 10)
        await expectStored(
          archive,
          CT_SLICES.slice(k, k + 10).map((f) => corpusFile(f)),
        );
      const stowed = performance.now();
      stowMs = stowed - started;
      // Stored as received first: STOW-RS answers before anything is re-encoded.
      expect(rowOf(archive, CT)!.transferSyntax).toBe(IMPLICIT_LE);
      await archive.compressionAtRest!.idle();
      // The queue starts once ingest has been quiet for 1 s.
      restoreMsPerInstance = (performance.now() - stowed - 1_000) / CT_SLICES.length;
    }, 120_000);
    afterAll(async () => {
      await archive?.stop();
    });

    it('keeps every slice as JPEG-LS, records the original syntax and size, and deletes the old objects after their grace', async () => {
      // The objects received stay readable for a while, for readers that located them before the swap.
      const replaced = archive.compressionAtRest!.replacedKeys;
      expect(replaced).toHaveLength(CT_SLICES.length);
      const old = await storedBytes(archive, replaced[0]!);
      const slice = CT_SLICES.find((f) => corpusEntry(f).sopInstanceUID === parse(old).string('x00080018'))!;
      expect(old.equals(withZeroPreamble(corpusFile(slice)))).toBe(true);
      expect((await instanceObjects(archive)).size).toBe(2 * CT_SLICES.length);
      await archive.compressionAtRest!.deleteReplaced();
      const objects = await instanceObjects(archive);
      expect(objects.size).toBe(CT_SLICES.length);
      expect(replaced.some((key) => objects.has(key))).toBe(false);
      let received = 0;
      let stored = 0;
      for (const file of CT_SLICES) {
        const row = rowOf(archive, file)!;
        expect(row).toMatchObject({ transferSyntax: JPEG_LS, originalTransferSyntax: IMPLICIT_LE, originalSize: corpusFile(file).length });
        expect(objects.get(row.blobKey)).toBe(row.size);
        received += row.originalSize!;
        stored += row.size;
      }
      expect(stored).toBeLessThan(received / 2);
      console.log(
        `store compressed, 40 CT slices as JPEG-LS: ${received} bytes received, ${stored} stored (${(received / stored).toFixed(2)}:1); ` +
          `STOW ${Math.round(stowMs)} ms; re-store ${restoreMsPerInstance.toFixed(1)} ms per instance`,
      );
    });

    it('gives the JPEG-LS object with transfer-syntax=*, which DCMTK decodes to exactly the received pixels', async () => {
      const { status, parts } = await getMultipart(archive, `${archive.dicomWeb}/studies/${corpusEntry(CT).studyInstanceUID}`, AS_STORED);
      expect(status).toBe(200);
      expect(parts).toHaveLength(CT_SLICES.length);
      const bySop = new Map(CT_SLICES.map((f) => [corpusEntry(f).sopInstanceUID, f]));
      for (const part of parts) {
        expect(part.headers['content-type']).toBe(`application/dicom; transfer-syntax=${JPEG_LS}`);
        const file = bySop.get(parse(part.body).string('x00080018'))!;
        expect(dcmtkDecode(part.body, 'dcmdjpls').equals(nativePixels(corpusFile(file))), file).toBe(true);
      }
    });

    it('gives the original pixels by default (Explicit VR Little Endian) and as octet-stream frames', async () => {
      const original = nativePixels(corpusFile(CT));
      const { status, parts } = await getMultipart(archive, url(archive, CT), DEFAULT_DICOM);
      expect(status).toBe(200);
      expect(parts[0]!.headers['content-type']).toBe(`application/dicom; transfer-syntax=${EXPLICIT_LE}`);
      expect(nativePixels(parts[0]!.body).equals(original)).toBe(true);
      const frame = await getMultipart(archive, `${url(archive, CT)}/frames/1`, OCTETS);
      expect(frame.status).toBe(200);
      expect(frame.parts[0]!.body.equals(original)).toBe(true);
    });

    it('leaves the metadata as it was but for the VR of Pixel Data, whose BulkDataURI still resolves', async () => {
      const before = await metadataOf(plain, CT);
      const after = await metadataOf(archive, CT);
      expect(before[PIXEL_DATA]).toEqual({ vr: 'OW', BulkDataURI: expect.stringContaining('/bulkdata/7FE00010') as string });
      expect(after).toEqual({ ...before, [PIXEL_DATA]: { ...before[PIXEL_DATA], vr: 'OB' } });
      const bulk = await archive.fetch(`${archive.dicomWeb}${after[PIXEL_DATA]!.BulkDataURI!}`, {
        headers: { accept: 'multipart/related; type="application/octet-stream"' },
      });
      expect(bulk.status).toBe(200);
      expect((await bulk.arrayBuffer()).byteLength).toBeGreaterThan(0);
    });

    it('tells the admin in the audit trail what each instance was received as', async () => {
      const res = await archive.fetch(`${archive.url}/api/audit?action=store-compressed&limit=100`);
      const { total, records } = (await res.json()) as { total: number; records: Array<{ detail: string; studyUid: string }> };
      expect(total).toBe(CT_SLICES.length);
      expect(records[0]!.studyUid).toBe(corpusEntry(CT).studyInstanceUID);
      expect(records[0]!.detail).toMatch(
        new RegExp(
          `stored in ${JPEG_LS.replaceAll('.', '\\.')}, received in ${IMPLICIT_LE.replaceAll('.', '\\.')} \\(\\d+ → \\d+ bytes\\)`,
        ),
      );
    });

    it('answers a re-sent identical instance as already stored, and refuses different content under its UID', async () => {
      const again = await stowFiles(archive, [corpusFile(CT)]);
      expect(again.status).toBe(200);
      expect(again.referenced[0]!['00081196']?.Value?.[0]).toBe(0xb000);
      const changed = Buffer.from(corpusFile(CT));
      changed[changed.length - 1]! ^= 1;
      expect((await stowFiles(archive, [changed])).status).toBe(409);
      expect(rowOf(archive, CT)!.transferSyntax).toBe(JPEG_LS);
      await archive.compressionAtRest!.deleteReplaced();
      expect((await instanceObjects(archive)).size).toBe(CT_SLICES.length);
    });
  });

  // The two files are one CT in two encodings, under one SOP Instance UID: an archive each.
  describe.each([BIG_ENDIAN_CT, DEFLATED_CT])('from %s, before PACS_DERIVE_AT_INGEST', (file) => {
    let archive: TestArchive;
    beforeAll(async () => {
      archive = await startTestArchive({ PACS_STORE_COMPRESSED: JPEG_LS, PACS_DERIVE_AT_INGEST: 'CT' });
      await expectStored(archive, [corpusFile(file)]);
      await archive.compressionAtRest!.idle();
      await archive.ingestDerivation!.idle();
    }, 60_000);
    afterAll(async () => {
      await archive?.stop();
    });

    it('keeps it as JPEG-LS decoding (DCMTK) to the pixels GDCM reads from the file received', async () => {
      const row = rowOf(archive, file)!;
      expect(row).toMatchObject({ transferSyntax: JPEG_LS, originalTransferSyntax: corpusEntry(file).transferSyntaxUID });
      const expected = gdcmRaw(path.join(CORPUS_DIR, file)).pixels;
      expect(dcmtkDecode((await asStored(archive, file)).body, 'dcmdjpls').equals(expected)).toBe(true);
      const { parts } = await getMultipart(archive, url(archive, file), DEFAULT_DICOM);
      expect(nativePixels(parts[0]!.body).equals(expected)).toBe(true);
    });

    it('derives its frame at ingest from the object kept, not from the one replaced', () => {
      const keys = archive.index.db.prepare(`SELECT blob_key FROM derived_frames`).pluck().all();
      expect(keys).toEqual([rowOf(archive, file)!.blobKey]);
    });
  });

  describe.each(BACKENDS)('as HTJ2K on %s', (backend) => {
    let archive: TestArchive;
    beforeAll(async () => {
      archive = await startArchiveOn(backend, { PACS_STORE_COMPRESSED: HTJ2K });
      await expectStored(archive, [corpusFile(CT), corpusFile(RGB), corpusFile(YBR_422), lossyOnceCt()]);
      await archive.compressionAtRest!.idle();
    }, 60_000);
    afterAll(async () => {
      await archive?.stop();
    });

    it.each([CT, RGB])('keeps %s as HTJ2K, which OpenJPEG decodes to the received pixels', async (file) => {
      const row = rowOf(archive, file)!;
      expect(row).toMatchObject({ transferSyntax: HTJ2K, originalTransferSyntax: corpusEntry(file).transferSyntaxUID });
      const { contentType, body } = await asStored(archive, file);
      expect(contentType).toBe(`application/dicom; transfer-syntax=${HTJ2K}`);
      expect(body.length).toBe(row.size);
      const received = corpusFile(file);
      const geometry = frameGeometryOf(parse(received));
      expect(opjDecompress(onlyFragment(body), geometry).pixels.equals(nativePixels(received))).toBe(true);
      const { parts } = await getMultipart(archive, url(archive, file), DEFAULT_DICOM);
      expect(nativePixels(parts[0]!.body).equals(nativePixels(received))).toBe(true);
      expect(parse(parts[0]!.body).string('x00280004')).toBe(parse(received).string('x00280004'));
    });

    it('keeps RGB as YBR_RCT in its metadata, as PS3.5 8.2.4 asks of JPEG 2000 with the reversible colour transform', async () => {
      const after = await metadataOf(archive, RGB);
      expect(after['00280004']?.Value).toEqual(['YBR_RCT']);
    });

    it('keeps frames the encoder refuses (YBR_FULL_422) as received', async () => {
      const row = rowOf(archive, YBR_422)!;
      expect(row).toMatchObject({ transferSyntax: EXPLICIT_LE, originalTransferSyntax: null });
      expect((await storedBytes(archive, row.blobKey)).equals(withZeroPreamble(corpusFile(YBR_422)))).toBe(true);
      await archive.compressionAtRest!.deleteReplaced();
      expect((await instanceObjects(archive)).size).toBe(4);
    });

    it('keeps pixels that were lossy once (Lossy Image Compression 01) as received', async () => {
      const row = archive.index.db
        .prepare(
          `SELECT blob_key AS blobKey, transfer_syntax AS transferSyntax, original_transfer_syntax AS originalTransferSyntax FROM instances WHERE sop_uid = ?`,
        )
        .get(LOSSY_ONCE_SOP) as InstanceRow;
      expect(row).toMatchObject({ transferSyntax: IMPLICIT_LE, originalTransferSyntax: null });
      expect((await storedBytes(archive, row.blobKey)).equals(withZeroPreamble(lossyOnceCt()))).toBe(true);
    });
  });
});
