import dicomParser from 'dicom-parser';
import { api } from 'dicomweb-client';
import XMLHttpRequest from 'xhr2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusEntry, corpusFile, corpusInstanceUrl, corpusManifest, type CorpusEntry } from '../helpers/corpus';
import { stowFiles } from '../helpers/dicomweb-http';
import { decode, get, linear, mean, modalityValues, multipartImages } from '../helpers/rendered-images';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

(globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = XMLHttpRequest;

/**
 * Retrieve Rendered and Thumbnail (PS3.18 10.4.1.1.3, 10.4.1.1.4, 8.3.5): pixel values checked
 * against the original pixels read independently by dicom-parser, parameters, levels, errors and
 * dicomweb-client. The corpus-wide sweep is in rendered-corpus.test.ts.
 */

const CT = 'series/ct-abdomen-philips-tcia/1-036.dcm';
const CT_SERIES = corpusManifest().filter((e) => e.path.startsWith('series/ct-abdomen-philips-tcia/'));
const MONO1 = 'radiography/dx-for-presentation-mono1.dcm';
const PALETTE = 'color/palette-8bit-testpattern.dcm';
const MULTI = 'multiframe/enhanced-mr-siemens-xa10-6f.dcm';
const SR = 'non-image/sr-basic-text.dcm';
const ENHANCED_CT = 'multiframe/enhanced-ct-2f-supplemental-palette.dcm';
const PNG = 'image/png';

describe('Retrieve Rendered: pixel values, parameters and levels', () => {
  let archive: TestArchive;
  const url = (path: string) => corpusInstanceUrl(archive.dicomWeb, corpusEntry(path));
  beforeAll(async () => {
    archive = await startTestArchive();
    const files = [...CT_SERIES.map((e) => e.path), MONO1, PALETTE, MULTI, SR, ENHANCED_CT];
    const stow = await stowFiles(archive, files.map(corpusFile));
    expect(stow.status).toBe(200);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('applies the requested CT window to the rescaled values, pixel for pixel (PNG)', async () => {
    const { values, columns } = modalityValues(CT);
    const res = await get(archive, `${url(CT)}/rendered?window=40,400`, { accept: PNG });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(PNG);
    const image = await decode(res.body);
    expect([image.width, image.height, image.channels]).toEqual([512, 512, 1]);
    for (const [row, col] of [
      [256, 256],
      [300, 200],
      [10, 10],
      [200, 330],
      [400, 100],
    ] as const) {
      const i = row * columns + col;
      expect(image.data[i], `pixel ${row},${col} HU ${values[i]}`).toBe(linear(values[i]!, 40, 400));
    }
    // Another window changes the pixels as the formula says: a lung window shows the soft tissue brighter.
    const lung = await decode((await get(archive, `${url(CT)}/rendered?window=-600,1500&accept=image/png`)).body);
    const i = 256 * columns + 256;
    expect(lung.data[i]).toBe(linear(values[i]!, -600, 1500));
    expect(lung.data[i]).not.toBe(image.data[i]);
  });

  it("uses the header's window when the request has none", async () => {
    const { values, ds } = modalityValues(CT);
    const c = Number(ds.string('x00281050')!.split('\\')[0]);
    const w = Number(ds.string('x00281051')!.split('\\')[0]);
    const image = await decode((await get(archive, `${url(CT)}/rendered`, { accept: PNG })).body);
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
    const image = await decode((await get(archive, `${url(ENHANCED_CT)}/frames/2/rendered`, { accept: PNG })).body);
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
    const image = await decode((await get(archive, `${url(MONO1)}/rendered?window=128,256`, { accept: PNG })).body);
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
    const image = await decode((await get(archive, `${url(PALETTE)}/rendered`, { accept: PNG })).body);
    expect([image.width, image.height, image.channels]).toEqual([640, 400, 3]);
    for (let i = 0; i < 640 * 400; i += 1777) {
      const index = file[pixel.dataOffset + i]!;
      expect([image.data[3 * i], image.data[3 * i + 1], image.data[3 * i + 2]], `pixel ${i}`).toEqual([
        red[index],
        green[index],
        blue[index],
      ]);
    }
    let coloured = 0;
    for (let i = 0; i < image.data.length; i += 3)
      if (image.data[i] !== image.data[i + 1] || image.data[i + 1] !== image.data[i + 2]) coloured++;
    expect(coloured).toBeGreaterThan(1000);
  });

  it('scales to the viewport, crops and flips the source region', async () => {
    const full = await decode((await get(archive, `${url(CT)}/rendered?window=40,400`, { accept: PNG })).body);
    const small = await decode((await get(archive, `${url(CT)}/rendered?viewport=256,256`)).body);
    expect([small.width, small.height]).toEqual([256, 256]);
    const fit = await decode((await get(archive, `${url(CT)}/rendered?viewport=100,50`)).body);
    expect([fit.width, fit.height]).toEqual([50, 50]);
    // The right half, mirrored: sx=512 with sw=-256 reaches left and flips horizontally.
    const flipped = await decode(
      (await get(archive, `${url(CT)}/rendered?window=40,400&viewport=256,512,512,0,-256,&accept=image/png`)).body,
    );
    expect([flipped.width, flipped.height]).toEqual([256, 512]);
    for (const [row, col] of [
      [256, 10],
      [100, 200],
      [300, 128],
    ] as const) {
      expect(flipped.data[row * 256 + col]).toBe(full.data[row * 512 + (511 - col)]);
    }
  });

  it('honours quality for JPEG', async () => {
    const low = await get(archive, `${url(CT)}/rendered?quality=10`);
    const high = await get(archive, `${url(CT)}/rendered?quality=95`);
    expect(low.body.length).toBeLessThan(high.body.length / 2);
  });

  it('renders frames of a multi-frame instance, several as multipart, all as an animated GIF', async () => {
    const entry = corpusEntry(MULTI);
    const one = await decode((await get(archive, `${url(MULTI)}/frames/1/rendered`, { accept: PNG })).body);
    const three = await decode((await get(archive, `${url(MULTI)}/frames/3/rendered`, { accept: PNG })).body);
    expect([three.width, three.height]).toEqual([entry.columns, entry.rows]);
    expect(one.data.equals(three.data)).toBe(false);
    const parts = await multipartImages(archive, `${url(MULTI)}/frames/3,1/rendered`, 'multipart/related; type="image/png"');
    expect(parts.map((p) => p.headers['content-location'])).toEqual([`${url(MULTI)}/frames/3/rendered`, `${url(MULTI)}/frames/1/rendered`]);
    expect((await decode(parts[0]!.body)).data.equals(three.data)).toBe(true);
    const gif = await get(archive, `${url(MULTI)}/rendered`, { accept: 'image/gif' });
    expect(gif.headers.get('content-type')).toBe('image/gif');
    expect((await decode(gif.body)).pages).toBe(entry.numberOfFrames);
  });

  it('renders a series and a study as one image per instance', async () => {
    const entry = corpusEntry(CT);
    const parts = await multipartImages(
      archive,
      `${archive.dicomWeb}/studies/${entry.studyInstanceUID}/series/${entry.seriesInstanceUID}/rendered`,
    );
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
    const full = await get(archive, `${url(CT)}/rendered`);
    const instance = await get(archive, `${url(CT)}/thumbnail`);
    expect(instance.status).toBe(200);
    const thumb = await decode(instance.body);
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['jpeg', 128, 128]);
    expect(instance.body.length).toBeLessThan(full.body.length / 4);
    expect(instance.headers.get('cache-control')).toMatch(/max-age/);

    // The series' instances sort by Instance Number: the middle one is the 20th of 40 (36..75 → 55).
    const middle = CT_SERIES.find((e) => e.path.endsWith('/1-055.dcm'))!;
    const seriesThumb = await get(archive, `${series}/thumbnail`);
    expect(seriesThumb.body.equals((await get(archive, `${corpusInstanceUrl(archive.dicomWeb, middle)}/thumbnail`)).body)).toBe(true);
    const studyThumb = await get(archive, `${archive.dicomWeb}/studies/${entry.studyInstanceUID}/thumbnail?viewport=64,64`, {
      accept: PNG,
    });
    const study = await decode(studyThumb.body);
    expect([study.format, study.width, study.height]).toEqual(['png', 64, 64]);

    const etag = instance.headers.get('etag')!;
    expect(etag).toBeTruthy();
    expect((await get(archive, `${url(CT)}/thumbnail`, { 'if-none-match': etag })).status).toBe(304);

    const frameThumb = await decode((await get(archive, `${url(MULTI)}/frames/2/thumbnail`)).body);
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
    const res = await get(archive, `${url(CT)}/${suffix}`);
    expect(res.status).toBe(status);
    expect((JSON.parse(res.body.toString()) as { message: string }).message).toMatch(message);
  });

  it('refuses to render what is not an image (406) and media types it cannot make', async () => {
    const sr = await get(archive, `${url(SR)}/rendered`);
    expect(sr.status).toBe(406);
    expect((JSON.parse(sr.body.toString()) as { message: string }).message).toMatch(/no Pixel Data/);
    expect((await get(archive, `${url(SR)}/thumbnail`)).status).toBe(406);
    const srEntry = corpusEntry(SR);
    expect((await get(archive, `${archive.dicomWeb}/studies/${srEntry.studyInstanceUID}/rendered`)).status).toBe(406);
    expect((await get(archive, `${url(CT)}/rendered`, { accept: 'application/dicom' })).status).toBe(406);
    expect((await get(archive, `${archive.dicomWeb}/studies/1.2.3/rendered`)).status).toBe(404);
  });

  it('serves dicomweb-client: retrieveInstanceRendered and retrieveInstanceThumbnail', async () => {
    const entry: CorpusEntry = corpusEntry(CT);
    const client = new api.DICOMwebClient({
      url: archive.dicomWeb,
      singlepart: false,
      headers: { Authorization: archive.adminAuthorization },
    }) as unknown as {
      retrieveInstanceRendered(o: object): Promise<ArrayBuffer | ArrayBuffer[]>;
      retrieveInstanceThumbnail(o: object): Promise<ArrayBuffer | ArrayBuffer[]>;
    };
    // With mediaTypes the client hands back its image in a one-element array.
    const bytes = (answer: ArrayBuffer | ArrayBuffer[]) => Buffer.from(Array.isArray(answer) ? answer[0]! : answer);
    const ids = {
      studyInstanceUID: entry.studyInstanceUID,
      seriesInstanceUID: entry.seriesInstanceUID,
      sopInstanceUID: entry.sopInstanceUID,
    };
    const rendered = await client.retrieveInstanceRendered({ ...ids, mediaTypes: [{ mediaType: PNG }], queryParams: { window: '40,400' } });
    const image = await decode(bytes(rendered));
    expect([image.format, image.width, image.height]).toEqual(['png', 512, 512]);
    const { values } = modalityValues(CT);
    expect(image.data[256 * 512 + 256]).toBe(linear(values[256 * 512 + 256]!, 40, 400));
    const thumbnail = await decode(bytes(await client.retrieveInstanceThumbnail(ids)));
    expect([thumbnail.format, thumbnail.width]).toEqual(['jpeg', 128]);
  });
});
