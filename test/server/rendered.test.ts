import { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import dicomParser from 'dicom-parser';
import sharp from 'sharp';
import { api } from 'dicomweb-client';
import XMLHttpRequest from 'xhr2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundaryFromContentType, readMultipartRelated } from '../../server/http/multipart-reader';
import { corpusEntry, corpusFile, corpusInstanceUrl, corpusManifest, type CorpusEntry } from '../helpers/corpus';
import { stowFiles } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

(globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = XMLHttpRequest;

/** The part of dcmjs used to edit a corpus file (it ships no typings). */
interface DcmjsDict {
  dict: Record<string, unknown>;
  write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
}
const dcmjs = createRequire(import.meta.url)('dcmjs') as { data: { DicomMessage: { readFile(buffer: ArrayBuffer): DcmjsDict } } };

/**
 * Retrieve Rendered and Thumbnail (PS3.18 10.4.1.1.3, 10.4.1.1.4, 8.3.5) on the real corpus:
 * every image decodes to Rows×Columns with values checked against the original pixels read
 * independently by dicom-parser.
 */

const CT = 'series/ct-abdomen-philips-tcia/1-036.dcm';
const CT_SERIES = corpusManifest().filter((e) => e.path.startsWith('series/ct-abdomen-philips-tcia/'));
const MONO1 = 'radiography/dx-for-presentation-mono1.dcm';
const PALETTE = 'color/palette-8bit-testpattern.dcm';
const MULTI = 'multiframe/enhanced-mr-siemens-xa10-6f.dcm';
const SR = 'non-image/sr-basic-text.dcm';
const ENHANCED_CT = 'multiframe/enhanced-ct-2f-supplemental-palette.dcm';
const PNG = 'image/png';

interface Decoded {
  data: Buffer;
  width: number;
  height: number;
  channels: number;
  format: string | undefined;
  pages: number;
}

async function decode(body: Buffer): Promise<Decoded> {
  const meta = await sharp(body).metadata();
  // sharp's raw output is sRGB unless told to keep a gray image gray.
  const decoder = meta.channels === 1 ? sharp(body).toColourspace('b-w') : sharp(body);
  const { data, info } = await decoder.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels, format: meta.format, pages: meta.pages ?? 1 };
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

async function multipartImages(url: string, accept?: string): Promise<Array<{ headers: Record<string, string>; body: Buffer }>> {
  const res = await fetch(url, { headers: accept ? { accept } : {} });
  expect(res.status).toBe(200);
  const contentType = res.headers.get('content-type') ?? '';
  expect(contentType).toMatch(/^multipart\/related; type="?image\/(jpeg|png)"?; boundary=/);
  const parts: Array<{ headers: Record<string, string>; body: Buffer }> = [];
  const source = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  for await (const part of readMultipartRelated(source, boundaryFromContentType(contentType))) {
    const chunks: Buffer[] = [];
    for await (const chunk of part.body) chunks.push(chunk);
    parts.push({ headers: part.headers, body: Buffer.concat(chunks) });
  }
  return parts;
}

/** The first frame's stored values, rescaled, as dicom-parser reads them from the original file. */
function modalityValues(path: string): { values: Float64Array; rows: number; columns: number; ds: dicomParser.DataSet } {
  const file = corpusFile(path);
  const ds = dicomParser.parseDicom(new Uint8Array(file));
  const pixel = ds.elements.x7fe00010!;
  const rows = ds.uint16('x00280010')!;
  const columns = ds.uint16('x00280011')!;
  const bits = ds.uint16('x00280100')!;
  const signed = ds.uint16('x00280103') === 1;
  const slope = Number(ds.string('x00281053') ?? 1);
  const intercept = Number(ds.string('x00281052') ?? 0);
  const view = new DataView(file.buffer, file.byteOffset + pixel.dataOffset);
  const values = new Float64Array(rows * columns);
  for (let i = 0; i < values.length; i++) {
    const stored = bits === 8 ? view.getUint8(i) : signed ? view.getInt16(2 * i, true) : view.getUint16(2 * i, true);
    values[i] = stored * slope + intercept;
  }
  return { values, rows, columns, ds };
}

/** PS3.3 C.11.2.1.2.1 LINEAR window to 0..255, written out independently of the server. */
function linear(x: number, c: number, w: number): number {
  if (x <= c - 0.5 - (w - 1) / 2) return 0;
  if (x > c - 0.5 + (w - 1) / 2) return 255;
  return Math.round(((x - (c - 0.5)) / (w - 1) + 0.5) * 255);
}

function mean(data: Uint8Array, channels = 1, channel = 0): number {
  let sum = 0;
  for (let i = channel; i < data.length; i += channels) sum += data[i]!;
  return sum / (data.length / channels);
}

function stats(data: Uint8Array): { min: number; max: number } {
  let min = 255;
  let max = 0;
  for (const v of data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

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
      if (entry.sopInstanceUID) await fetch(url, { method: 'DELETE' });
      const stow = await stowFiles(archive.dicomWeb, [corpusFile(entry.path)]);
      if (stow.status !== 200) {
        // Only malformed files may be refused, and then with a failed SOP and no reference.
        expect(entry.category, `${entry.path} refused by STOW (${stow.status})`).toBe('malformed');
        expect(stow.referenced).toHaveLength(0);
        expect([400, 409]).toContain(stow.status);
        refused.push(entry.path);
        continue;
      }
      const res = await get(`${url}/rendered`);
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
    await fetch(url, { method: 'DELETE' });
    expect((await stowFiles(archive.dicomWeb, [corpusFile(path)])).status, path).toBe(200);
    const res = await get(`${url}/rendered${query}`, { accept: PNG });
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
    expect((await stowFiles(archive.dicomWeb, [edited])).status).toBe(200);
    const entry = corpusEntry(path);
    const metadata = (await (await fetch(`${corpusInstanceUrl(archive.dicomWeb, entry)}/metadata`)).json()) as Array<Record<string, { Value?: Array<Record<string, { BulkDataURI?: string }>> }>>;
    expect(metadata[0]!['00283010']!.Value![0]!['00283006']!.BulkDataURI).toMatch(/bulkdata\/00283010\/0\/00283006$/);

    const image = await decode((await get(`${corpusInstanceUrl(archive.dicomWeb, entry)}/rendered`, { accept: PNG })).body);
    const { values } = modalityValues(path);
    for (let i = 0; i < values.length; i += 997) {
      const index = Math.min(4095, Math.max(0, Math.round(values[i]!) + 1024));
      expect(image.data[i], `pixel ${i}, HU ${values[i]}`).toBe(Math.round(((index * 16) / 65535) * 255));
    }
    expect(new Set(image.data).size).toBeGreaterThan(50);
  });
});

describe('Retrieve Rendered: pixel values, parameters and levels', () => {
  let archive: TestArchive;
  const url = (path: string) => corpusInstanceUrl(archive.dicomWeb, corpusEntry(path));
  beforeAll(async () => {
    archive = await startTestArchive();
    const files = [...CT_SERIES.map((e) => e.path), MONO1, PALETTE, MULTI, SR, ENHANCED_CT];
    const stow = await stowFiles(archive.dicomWeb, files.map(corpusFile));
    expect(stow.status).toBe(200);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('applies the requested CT window to the rescaled values, pixel for pixel (PNG)', async () => {
    const { values, columns } = modalityValues(CT);
    const res = await get(`${url(CT)}/rendered?window=40,400`, { accept: PNG });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(PNG);
    const image = await decode(res.body);
    expect([image.width, image.height, image.channels]).toEqual([512, 512, 1]);
    for (const [row, col] of [[256, 256], [300, 200], [10, 10], [200, 330], [400, 100]] as const) {
      const i = row * columns + col;
      expect(image.data[i], `pixel ${row},${col} HU ${values[i]}`).toBe(linear(values[i]!, 40, 400));
    }
    // Another window changes the pixels as the formula says: a lung window shows the soft tissue brighter.
    const lung = await decode((await get(`${url(CT)}/rendered?window=-600,1500&accept=image/png`)).body);
    const i = 256 * columns + 256;
    expect(lung.data[i]).toBe(linear(values[i]!, -600, 1500));
    expect(lung.data[i]).not.toBe(image.data[i]);
  });

  it("uses the header's window when the request has none", async () => {
    const { values, columns, ds } = modalityValues(CT);
    const c = Number(ds.string('x00281050')!.split('\\')[0]);
    const w = Number(ds.string('x00281051')!.split('\\')[0]);
    const image = await decode((await get(`${url(CT)}/rendered`, { accept: PNG })).body);
    for (let i = 0; i < values.length; i += 4099) expect(image.data[i]).toBe(linear(values[i]!, c, w));
    expect(new Set(image.data).size).toBeGreaterThan(100);
  });

  it('takes rescale and window of an enhanced multi-frame image from its functional groups', async () => {
    // Shared Functional Groups: Pixel Value Transformation (intercept -1024, slope 1), Frame VOI LUT (49 / 102).
    const file = corpusFile(ENHANCED_CT);
    const ds = dicomParser.parseDicom(new Uint8Array(file));
    const pixel = ds.elements.x7fe00010!;
    const frameBytes = 512 * 512 * 2;
    const view = new DataView(file.buffer, file.byteOffset + pixel.dataOffset + frameBytes); // frame 2
    const image = await decode((await get(`${url(ENHANCED_CT)}/frames/2/rendered`, { accept: PNG })).body);
    let differs = 0;
    for (let i = 0; i < 512 * 512; i += 1013) {
      const expected = linear(view.getUint16(2 * i, true) - 1024, 49, 102);
      expect(image.data[i], `pixel ${i}`).toBe(expected);
      if (expected !== linear(view.getUint16(2 * i, true), 49, 102)) differs++;
    }
    expect(differs).toBeGreaterThan(10); // the rescale mattered
  });

  it('inverts MONOCHROME1: the mean is 255 minus the mean of the windowed values', async () => {
    const { values } = modalityValues(MONO1);
    const image = await decode((await get(`${url(MONO1)}/rendered?window=128,256`, { accept: PNG })).body);
    let expected = 0;
    for (const v of values) expected += 255 - linear(v, 128, 256);
    expected /= values.length;
    expect(mean(image.data)).toBeCloseTo(expected, 6);
    // And the same image is not what a MONOCHROME2 rendering would be.
    let straight = 0;
    for (const v of values) straight += linear(v, 128, 256);
    expect(Math.abs(mean(image.data) - straight / values.length)).toBeGreaterThan(10);
  });

  it('renders PALETTE COLOR through its lookup tables', async () => {
    const file = corpusFile(PALETTE);
    const ds = dicomParser.parseDicom(new Uint8Array(file));
    const pixel = ds.elements.x7fe00010!;
    const lut = (tag: string) => file.subarray(ds.elements[tag]!.dataOffset, ds.elements[tag]!.dataOffset + 256);
    const [red, green, blue] = [lut('x00281201'), lut('x00281202'), lut('x00281203')];
    const image = await decode((await get(`${url(PALETTE)}/rendered`, { accept: PNG })).body);
    expect([image.width, image.height, image.channels]).toEqual([640, 400, 3]);
    for (let i = 0; i < 640 * 400; i += 1777) {
      const index = file[pixel.dataOffset + i]!;
      expect([image.data[3 * i], image.data[3 * i + 1], image.data[3 * i + 2]], `pixel ${i}`).toEqual([red[index], green[index], blue[index]]);
    }
    let coloured = 0;
    for (let i = 0; i < image.data.length; i += 3) if (image.data[i] !== image.data[i + 1] || image.data[i + 1] !== image.data[i + 2]) coloured++;
    expect(coloured).toBeGreaterThan(1000);
  });

  it('scales to the viewport, crops and flips the source region', async () => {
    const full = await decode((await get(`${url(CT)}/rendered?window=40,400`, { accept: PNG })).body);
    const small = await decode((await get(`${url(CT)}/rendered?viewport=256,256`)).body);
    expect([small.width, small.height]).toEqual([256, 256]);
    const fit = await decode((await get(`${url(CT)}/rendered?viewport=100,50`)).body);
    expect([fit.width, fit.height]).toEqual([50, 50]);
    // The right half, mirrored: sx=512 with sw=-256 reaches left and flips horizontally.
    const flipped = await decode((await get(`${url(CT)}/rendered?window=40,400&viewport=256,512,512,0,-256,&accept=image/png`)).body);
    expect([flipped.width, flipped.height]).toEqual([256, 512]);
    for (const [row, col] of [[256, 10], [100, 200], [300, 128]] as const) {
      expect(flipped.data[row * 256 + col]).toBe(full.data[row * 512 + (511 - col)]);
    }
  });

  it('honours quality for JPEG', async () => {
    const low = await get(`${url(CT)}/rendered?quality=10`);
    const high = await get(`${url(CT)}/rendered?quality=95`);
    expect(low.body.length).toBeLessThan(high.body.length / 2);
  });

  it('renders frames of a multi-frame instance, several as multipart, all as an animated GIF', async () => {
    const entry = corpusEntry(MULTI);
    const one = await decode((await get(`${url(MULTI)}/frames/1/rendered`, { accept: PNG })).body);
    const three = await decode((await get(`${url(MULTI)}/frames/3/rendered`, { accept: PNG })).body);
    expect([three.width, three.height]).toEqual([entry.columns, entry.rows]);
    expect(one.data.equals(three.data)).toBe(false);
    const parts = await multipartImages(`${url(MULTI)}/frames/3,1/rendered`, 'multipart/related; type="image/png"');
    expect(parts.map((p) => p.headers['content-location'])).toEqual([`${url(MULTI)}/frames/3/rendered`, `${url(MULTI)}/frames/1/rendered`]);
    expect((await decode(parts[0]!.body)).data.equals(three.data)).toBe(true);
    const gif = await get(`${url(MULTI)}/rendered`, { accept: 'image/gif' });
    expect(gif.headers.get('content-type')).toBe('image/gif');
    expect((await decode(gif.body)).pages).toBe(entry.numberOfFrames);
  });

  it('renders a series and a study as one image per instance', async () => {
    const entry = corpusEntry(CT);
    const parts = await multipartImages(`${archive.dicomWeb}/studies/${entry.studyInstanceUID}/series/${entry.seriesInstanceUID}/rendered`);
    expect(parts).toHaveLength(CT_SERIES.length);
    for (const part of parts.slice(0, 3)) {
      expect(part.headers['content-type']).toBe('image/jpeg');
      const image = await decode(part.body);
      expect([image.width, image.height]).toEqual([512, 512]);
    }
    expect(parts.map((p) => p.headers['content-location'])).toContain(`${url(CT)}/rendered`);
  });

  it('makes small thumbnails at every level: the middle instance of a series, cacheable', async () => {
    const entry = corpusEntry(CT);
    const series = `${archive.dicomWeb}/studies/${entry.studyInstanceUID}/series/${entry.seriesInstanceUID}`;
    const full = await get(`${url(CT)}/rendered`);
    const instance = await get(`${url(CT)}/thumbnail`);
    expect(instance.status).toBe(200);
    const thumb = await decode(instance.body);
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['jpeg', 128, 128]);
    expect(instance.body.length).toBeLessThan(full.body.length / 4);
    expect(instance.headers.get('cache-control')).toMatch(/max-age/);

    // The series' instances sort by Instance Number: the middle one is the 20th of 40 (36..75 → 55).
    const middle = CT_SERIES.find((e) => e.path.endsWith('/1-055.dcm'))!;
    const seriesThumb = await get(`${series}/thumbnail`);
    expect(seriesThumb.body.equals((await get(`${corpusInstanceUrl(archive.dicomWeb, middle)}/thumbnail`)).body)).toBe(true);
    const studyThumb = await get(`${archive.dicomWeb}/studies/${entry.studyInstanceUID}/thumbnail?viewport=64,64`, { accept: PNG });
    const study = await decode(studyThumb.body);
    expect([study.format, study.width, study.height]).toEqual(['png', 64, 64]);

    const etag = instance.headers.get('etag')!;
    expect(etag).toBeTruthy();
    expect((await get(`${url(CT)}/thumbnail`, { 'if-none-match': etag })).status).toBe(304);

    const frameThumb = await decode((await get(`${url(MULTI)}/frames/2/thumbnail`)).body);
    expect([frameThumb.width, frameThumb.height]).toEqual([64, 64]); // never enlarged
  });

  it.each([
    ['rendered?window=abc', 400, /window/],
    ['rendered?window=40', 400, /window/],
    ['rendered?window=40,0', 400, /width/],
    ['rendered?window=40,400,cubic', 400, /function/],
    ['rendered?viewport=0,0', 400, /viewport/],
    ['rendered?viewport=64', 400, /viewport/],
    ['rendered?viewport=512,512,600,0,10,10', 400, /source region/],
    ['rendered?quality=500', 400, /quality/],
    ['rendered?quality=high', 400, /quality/],
    ['rendered?accept=application/pdf', 406, /image\/jpeg/],
    ['thumbnail?window=40,400', 400, /thumbnails/],
    ['thumbnail?viewport=64,64,0,0,10,10', 400, /vw,vh/],
    ['frames/0/rendered', 400, /frame list/],
    ['frames/2/rendered', 404, /no frame 2/],
    ['frames/x/thumbnail', 400, /frame list/],
  ])('answers %s on the CT slice with %i and a clear message', async (suffix, status, message) => {
    const res = await get(`${url(CT)}/${suffix}`);
    expect(res.status).toBe(status);
    expect((JSON.parse(res.body.toString()) as { message: string }).message).toMatch(message);
  });

  it('refuses to render what is not an image (406) and media types it cannot make', async () => {
    const sr = await get(`${url(SR)}/rendered`);
    expect(sr.status).toBe(406);
    expect((JSON.parse(sr.body.toString()) as { message: string }).message).toMatch(/no Pixel Data/);
    expect((await get(`${url(SR)}/thumbnail`)).status).toBe(406);
    const srEntry = corpusEntry(SR);
    expect((await get(`${archive.dicomWeb}/studies/${srEntry.studyInstanceUID}/rendered`)).status).toBe(406);
    expect((await get(`${url(CT)}/rendered`, { accept: 'application/dicom' })).status).toBe(406);
    expect((await get(`${archive.dicomWeb}/studies/1.2.3/rendered`)).status).toBe(404);
  });

  it('serves dicomweb-client: retrieveInstanceRendered and retrieveInstanceThumbnail', async () => {
    const entry: CorpusEntry = corpusEntry(CT);
    const client = new api.DICOMwebClient({ url: archive.dicomWeb, singlepart: false }) as unknown as {
      retrieveInstanceRendered(o: object): Promise<ArrayBuffer | ArrayBuffer[]>;
      retrieveInstanceThumbnail(o: object): Promise<ArrayBuffer | ArrayBuffer[]>;
    };
    // With mediaTypes the client hands back its image in a one-element array.
    const bytes = (answer: ArrayBuffer | ArrayBuffer[]) => Buffer.from(Array.isArray(answer) ? answer[0]! : answer);
    const ids = { studyInstanceUID: entry.studyInstanceUID, seriesInstanceUID: entry.seriesInstanceUID, sopInstanceUID: entry.sopInstanceUID };
    const rendered = await client.retrieveInstanceRendered({ ...ids, mediaTypes: [{ mediaType: PNG }], queryParams: { window: '40,400' } });
    const image = await decode(bytes(rendered));
    expect([image.format, image.width, image.height]).toEqual(['png', 512, 512]);
    const { values } = modalityValues(CT);
    expect(image.data[256 * 512 + 256]).toBe(linear(values[256 * 512 + 256]!, 40, 400));
    const thumbnail = await decode(bytes(await client.retrieveInstanceThumbnail(ids)));
    expect([thumbnail.format, thumbnail.width]).toEqual(['jpeg', 128]);
  });
});
