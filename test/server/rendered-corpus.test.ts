import { createRequire } from 'node:module';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusEntry, corpusFile, corpusInstanceUrl, corpusManifest } from '../helpers/corpus';
import { stowFiles, expectStored } from '../helpers/dicomweb-http';
import { decode, get, modalityValues, stats, type Decoded } from '../helpers/rendered-images';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/** The part of dcmjs used to edit a corpus file (it ships no typings). */
interface DcmjsDict {
  dict: Record<string, unknown>;
  write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
}
const dcmjs = createRequire(import.meta.url)('dcmjs') as { data: { DicomMessage: { readFile(buffer: ArrayBuffer): DcmjsDict } } };

/**
 * Retrieve Rendered (PS3.18 10.4.1.1.3) across the corpus: every image decodes to Rows×Columns
 * with sensible values, every lossless encoding of one CT renders the same pixels, and a VOI LUT
 * stored as bulk data is applied.
 */

const PNG = 'image/png';

/** Whether the file has a non-empty Pixel Data element (dicom-parser; false when it cannot parse the file). */
function hasPixelData(path: string): boolean {
  try {
    const ds = dicomParser.parseDicom(new Uint8Array(corpusFile(path)));
    const pixel = ds.elements.x7fe00010 ?? ds.elements.x7fe00008;
    return pixel !== undefined && (pixel.length > 0 || pixel.encapsulatedPixelData === true);
  } catch {
    return true;
  }
}

describe('Retrieve Rendered on every image of the corpus', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await startTestArchive();
  });
  afterAll(async () => {
    await archive?.stop();
  });

  const images = corpusManifest().filter((e) => typeof e.rows === 'number' && typeof e.columns === 'number');

  it(`renders each of the ${images.length} images with pixel data to Rows×Columns`, { timeout: 600_000 }, async () => {
    const refused: string[] = [];
    const rendered: string[] = [];
    const failures: string[] = [];
    const brokenInside: string[] = [];
    const skipped: string[] = [];
    for (const entry of images) {
      const url = corpusInstanceUrl(archive.dicomWeb, entry);
      // Several files share a SOP Instance UID on purpose (corpus README): make room for each.
      if (entry.sopInstanceUID) await archive.fetch(url, { method: 'DELETE' });
      const stow = await stowFiles(archive, [corpusFile(entry.path)]);
      if (stow.status !== 200) {
        // Only malformed files may be refused, and then with a failed SOP and no reference.
        expect(entry.category, `${entry.path} refused by STOW (${stow.status})`).toBe('malformed');
        expect(stow.referenced).toHaveLength(0);
        expect([400, 409]).toContain(stow.status);
        refused.push(entry.path);
        continue;
      }
      const res = await get(archive, `${url}/rendered`);
      if (!hasPixelData(entry.path)) {
        // Rows and Columns but an empty Pixel Data: nothing to render.
        expect(res.status, entry.path).toBe(406);
        skipped.push(entry.path);
        continue;
      }
      if (entry.category === 'malformed' && res.status !== 200) {
        // Stored but broken inside: a precise client error, never a 5xx.
        expect(res.status, `${entry.path}: ${res.body.toString()}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${entry.path}: ${res.body.toString()}`).toBeLessThan(500);
        expect((JSON.parse(res.body.toString()) as { message: string }).message).not.toBe('');
        brokenInside.push(`${entry.path}: ${res.status}`);
        continue;
      }
      if (res.status !== 200) {
        failures.push(`${entry.path} (${entry.transferSyntaxUID}): ${res.status} ${res.body.toString()}`);
        continue;
      }
      expect(res.headers.get('content-type'), entry.path).toBe('image/jpeg');
      const image = await decode(res.body);
      expect([image.format, image.width, image.height], entry.path).toEqual(['jpeg', entry.columns, entry.rows]);
      const { min, max } = stats(image.data);
      const color = !['MONOCHROME1', 'MONOCHROME2'].includes(String(entry.photometricInterpretation));
      expect(image.channels, entry.path).toBe(color ? 3 : 1);
      // A flat grayscale rendering would mean the pixels or the VOI were lost; colour is not
      // windowed, and a microscopy tile of bare glass is rightly near white, but never black.
      if (color) expect(max, `${entry.path}: rendered range ${min}..${max}`).toBeGreaterThan(20);
      else expect(max - min, `${entry.path}: rendered range ${min}..${max}`).toBeGreaterThan(20);
      rendered.push(entry.path);
    }
    expect(failures).toEqual([]);
    expect(brokenInside).toEqual([]);
    // Rows and Columns but no Pixel Data for the archive (the second one's VR "  " hides it).
    expect(skipped).toEqual(['charsets/iso-ir-192-utf8-mr.dcm', 'malformed/bad-vr-blank-recoverable.dcm']);
    // Left out otherwise: only the malformed files STOW refuses.
    expect(refused.length).toBeLessThanOrEqual(9);
    expect(rendered.length).toBe(images.length - skipped.length - refused.length);
  });
});

describe('Retrieve Rendered: one image in every lossless transfer syntax renders the same pixels', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await startTestArchive();
  });
  afterAll(async () => {
    await archive?.stop();
  });

  const REFERENCE = 'transfer-syntaxes/ct1-1.2.1_explicit-vr-le.dcm';
  const LOSSLESS = [
    'transfer-syntaxes/ct1-1.2_implicit-vr-le.dcm',
    'transfer-syntaxes/ct1-1.2.2_explicit-vr-be.dcm',
    'transfer-syntaxes/ct1-1.2.1.99_deflated.dcm',
    'transfer-syntaxes/ct1-1.2.4.57_jpeg-lossless-p14.dcm',
    'transfer-syntaxes/ct1-1.2.4.70_jpeg-lossless-sv1.dcm',
    'transfer-syntaxes/ct1-1.2.4.80_jpeg-ls-lossless.dcm',
    'transfer-syntaxes/ct1-1.2.4.90_jpeg2000-lossless.dcm',
    'transfer-syntaxes/ct1-1.2.5_rle-lossless.dcm',
  ]; // (the HTJ2K "CT1" is another image: other UID, pixel spacing and window)

  /** Stores the file alone (the variants share one SOP Instance UID) and renders it as PNG. */
  async function renderAlone(path: string, query: string): Promise<Decoded> {
    const entry = corpusEntry(path);
    const url = corpusInstanceUrl(archive.dicomWeb, entry);
    await archive.fetch(url, { method: 'DELETE' });
    expect((await stowFiles(archive, [corpusFile(path)])).status, path).toBe(200);
    const res = await get(archive, `${url}/rendered${query}`, { accept: PNG });
    expect(res.status, `${path}: ${res.body.toString().slice(0, 200)}`).toBe(200);
    return decode(res.body);
  }

  it.each(['?window=40,400', ''])('with %s', async (query) => {
    const reference = await renderAlone(REFERENCE, query);
    expect(new Set(reference.data).size).toBeGreaterThan(50);
    for (const path of LOSSLESS) {
      const image = await renderAlone(path, query);
      expect([image.width, image.height], path).toEqual([reference.width, reference.height]);
      expect(image.data.equals(reference.data), `${path} renders other pixels than ${REFERENCE}`).toBe(true);
    }
  });
});

describe('Retrieve Rendered: a VOI LUT Sequence large enough to live in bulk data', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await startTestArchive();
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('reads the LUT from storage and maps every pixel through it', async () => {
    // The CT1 slice with its window replaced by a 4096-entry VOI LUT (8 KiB: stored as bulk data,
    // not inline) covering HU -1024..3071 with a 16-bit ramp; the data set is otherwise as published.
    const path = 'transfer-syntaxes/ct1-1.2.1_explicit-vr-le.dcm';
    const file = corpusFile(path);
    const data = dcmjs.data.DicomMessage.readFile(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
    delete data.dict['00281050'];
    delete data.dict['00281051'];
    const lut = new Uint16Array(4096).map((_, i) => i * 16);
    data.dict['00283010'] = {
      vr: 'SQ',
      Value: [{ '00283002': { vr: 'US', Value: [4096, 0x10000 - 1024, 16] }, '00283006': { vr: 'OW', Value: [lut.buffer] } }],
    };
    const edited = Buffer.from(data.write({ allowInvalidVRLength: true }));
    await expectStored(archive, [edited]);
    const entry = corpusEntry(path);
    const metadata = (await (await archive.fetch(`${corpusInstanceUrl(archive.dicomWeb, entry)}/metadata`)).json()) as Array<
      Record<string, { Value?: Array<Record<string, { BulkDataURI?: string }>> }>
    >;
    expect(metadata[0]!['00283010']!.Value![0]!['00283006']!.BulkDataURI).toMatch(/bulkdata\/00283010\/0\/00283006$/);

    const image = await decode((await get(archive, `${corpusInstanceUrl(archive.dicomWeb, entry)}/rendered`, { accept: PNG })).body);
    const { values } = modalityValues(path);
    for (let i = 0; i < values.length; i += 997) {
      const index = Math.min(4095, Math.max(0, Math.round(values[i]!) + 1024));
      expect(image.data[i], `pixel ${i}, HU ${values[i]}`).toBe(Math.round(((index * 16) / 65535) * 255));
    }
    expect(new Set(image.data).size).toBeGreaterThan(50);
  });
});
