import dicomParser from 'dicom-parser';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusEntry, corpusFile, type CorpusEntry } from '../helpers/corpus';
import { stowFiles, withZeroPreamble } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/** WADO-URI (PS3.18 chapter 9) through the real server: byte-identical files and precise refusals. */

const CT = 'series/ct-abdomen-philips-tcia/1-036.dcm';
const XA_JPEG = 'multiframe/xa-angio-96f-jpeg.dcm';
const SR = 'non-image/sr-basic-text.dcm';
/** Stored in Explicit VR Little Endian, the default transfer syntax of WADO-URI. */
const MR_EXPLICIT = 'multiframe/enhanced-mr-siemens-xa10-6f.dcm';

function wadoQuery(entry: CorpusEntry, extra = ''): string {
  return `requestType=WADO&studyUID=${entry.studyInstanceUID}&seriesUID=${entry.seriesInstanceUID}&objectUID=${entry.sopInstanceUID}${extra}`;
}

async function get(
  archive: TestArchive,
  url: string,
  accept?: string,
): Promise<{ status: number; headers: Headers; body: Buffer; message: string }> {
  const res = await archive.fetch(url, { headers: accept ? { accept } : {} });
  const body = Buffer.from(await res.arrayBuffer());
  const message = res.status >= 400 ? (JSON.parse(body.toString()) as { message: string }).message : '';
  return { status: res.status, headers: res.headers, body, message };
}

describe('WADO-URI', () => {
  let archive: TestArchive;
  let base: string;
  beforeAll(async () => {
    archive = await startTestArchive();
    base = `${archive.url}/wado`;
    const stored = await stowFiles(archive, [CT, XA_JPEG, SR, MR_EXPLICIT].map(corpusFile));
    expect(stored.status).toBe(200);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('returns the stored Part 10 file byte for byte, at /wado and at /dicom-web/wado', async () => {
    const expected = withZeroPreamble(corpusFile(MR_EXPLICIT));
    const entry = corpusEntry(MR_EXPLICIT);
    expect(entry.transferSyntaxUID).toBe('1.2.840.10008.1.2.1');
    for (const url of [
      `${base}?${wadoQuery(entry, '&contentType=application/dicom')}`,
      `${archive.dicomWeb}/wado?${wadoQuery(entry, '&contentType=application%2Fdicom')}`,
    ]) {
      const res = await get(archive, url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/dicom');
      expect(res.headers.get('content-length')).toBe(String(expected.length));
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${entry.sopInstanceUID}.dcm"`);
      expect(res.body.equals(expected)).toBe(true);
    }
  });

  it('returns the stored bytes of any transfer syntax when transferSyntax names it, also with Accept instead of contentType', async () => {
    for (const path of [XA_JPEG, CT]) {
      const entry = corpusEntry(path);
      const res = await get(archive, `${base}?${wadoQuery(entry, `&transferSyntax=${entry.transferSyntaxUID}`)}`, 'application/dicom');
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/dicom');
      expect(res.body.equals(withZeroPreamble(corpusFile(path))), path).toBe(true);
    }
  });

  it('re-encodes in Explicit VR Little Endian by default (PS3.18 9.4.2.4), pixel values unchanged', async () => {
    const entry = corpusEntry(CT);
    expect(entry.transferSyntaxUID).toBe('1.2.840.10008.1.2');
    const res = await get(archive, `${base}?${wadoQuery(entry, '&contentType=application/dicom')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(res.body.length));
    const got = dicomParser.parseDicom(new Uint8Array(res.body));
    expect(got.string('x00020010')).toBe('1.2.840.10008.1.2.1');
    expect(got.string('x00080018')).toBe(entry.sopInstanceUID);
    const original = corpusFile(CT);
    const source = dicomParser.parseDicom(new Uint8Array(original));
    const pixels = (ds: dicomParser.DataSet, bytes: Buffer) =>
      bytes.subarray(ds.elements.x7fe00010!.dataOffset, ds.elements.x7fe00010!.dataOffset + ds.elements.x7fe00010!.length);
    expect(pixels(got, res.body).equals(pixels(source, original))).toBe(true);
    expect(pixels(got, res.body).length).toBe(512 * 512 * 2);
  });

  it('answers 400 with the parameter named for a missing or malformed request', async () => {
    const entry = corpusEntry(CT);
    const cases: Array<[string, RegExp]> = [
      [
        `studyUID=${entry.studyInstanceUID}&seriesUID=${entry.seriesInstanceUID}&objectUID=${entry.sopInstanceUID}`,
        /requestType=WADO is required/,
      ],
      [wadoQuery(entry).replace('requestType=WADO', 'requestType=WADO-RS'), /requestType must be WADO/],
      [wadoQuery(entry).replace(/&objectUID=[^&]*/, ''), /objectUID \(the SOP Instance UID\) is required/],
      [wadoQuery(entry).replace(/seriesUID=[^&]*/, 'seriesUID=1.2.abc'), /seriesUID is not a valid DICOM UID/],
      [wadoQuery(entry, `&objectUID=${entry.sopInstanceUID}`), /objectUID is given more than once/],
      [wadoQuery(entry, '&contentType=application/dicom&transferSyntax=1.2.3'), /transferSyntax is not a Transfer Syntax UID/],
      [wadoQuery(entry, '&contentType=application/dicom&frameNumber=1'), /frameNumber apply only to rendered media types/],
      [
        wadoQuery(entry, '&contentType=application/dicom&windowCenter=40&windowWidth=400'),
        /windowCenter, windowWidth apply only to rendered/,
      ],
      [wadoQuery(entry, '&contentType=image/jpeg&frameNumber=0'), /frameNumber must be a positive integer/],
      [wadoQuery(entry, '&contentType=image/jpeg&region=0.5,0.5,0.2,1'), /region is four decimals/],
      [wadoQuery(entry, '&contentType=image/jpeg&windowCenter=40'), /windowCenter and windowWidth go together/],
      [wadoQuery(entry, '&contentType=image/jpeg&imageQuality=101'), /imageQuality is an integer from 1 to 100/],
      [wadoQuery(entry, '&anonymize=yes'), /anonymize=yes is not supported/],
      [wadoQuery(entry, '&anonymize=no'), /anonymize takes the value "yes"/],
      [wadoQuery(entry, '&annotation=patient'), /annotation.*not supported/],
      [wadoQuery(entry, `&presentationUID=${entry.sopInstanceUID}`), /Presentation State.*not supported/],
    ];
    for (const [query, message] of cases) {
      const res = await get(archive, `${base}?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.message, query).toMatch(message);
    }
  });

  it('answers 404 for an unknown object and for a real object under the wrong study', async () => {
    const ct = corpusEntry(CT);
    const unknown = await get(
      archive,
      `${base}?${wadoQuery(ct).replace(/objectUID=[^&]*/, 'objectUID=1.2.3.4.5.6.7')}&contentType=application/dicom`,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.message).toBe('No such object in this study and series.');
    const wrongStudy = wadoQuery(ct).replace(/studyUID=[^&]*/, `studyUID=${corpusEntry(XA_JPEG).studyInstanceUID}`);
    expect((await get(archive, `${base}?${wrongStudy}&contentType=application/dicom`)).status).toBe(404);
  });

  it('answers 406 for a media type it cannot return, or a transfer syntax other than the stored one', async () => {
    const ct = corpusEntry(CT);
    const html = await get(archive, `${base}?${wadoQuery(ct, '&contentType=text/html')}`);
    expect(html.status).toBe(406);
    expect(html.message).toMatch(/contentType names no media type WADO-URI can return/);
    const other = await get(archive, `${base}?${wadoQuery(ct, '&contentType=application/dicom&transferSyntax=1.2.840.10008.1.2.4.90')}`);
    expect(other.status).toBe(406);
    expect(other.message).toContain(`stored in ${ct.transferSyntaxUID} and the archive produces only that or Explicit VR Little Endian`);
    const srAsJpeg = await get(archive, `${base}?${wadoQuery(corpusEntry(SR), '&contentType=image/jpeg')}`);
    expect(srAsJpeg.status).toBe(406);
    expect(srAsJpeg.message).toMatch(/no pixel data to render/);
  });

  it('renders an image as image/jpeg by default (PS3.18 9.3), and as PNG or GIF on request', async () => {
    const ct = corpusEntry(CT);
    const jpeg = await get(archive, `${base}?${wadoQuery(ct)}`);
    expect(jpeg.status).toBe(200);
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    expect(jpeg.body.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(await sharp(jpeg.body).metadata()).toMatchObject({ format: 'jpeg', width: 512, height: 512 });
    const png = await get(archive, `${base}?${wadoQuery(ct, '&contentType=image/png')}`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(await sharp(png.body).metadata()).toMatchObject({ format: 'png', width: 512, height: 512 });
    const gif = await get(archive, `${base}?${wadoQuery(ct)}`, 'image/gif');
    expect(await sharp(gif.body).metadata()).toMatchObject({ format: 'gif', width: 512, height: 512 });
  });

  it('applies windowCenter/windowWidth exactly (linear VOI, PS3.3 C.11.2.1.2) to the stored pixel values', async () => {
    const ct = corpusEntry(CT);
    const res = await get(archive, `${base}?${wadoQuery(ct, '&contentType=image/png&windowCenter=-300&windowWidth=1200')}`);
    expect(res.status).toBe(200);
    const { data, info } = await sharp(res.body).raw().toBuffer({ resolveWithObject: true });
    const file = corpusFile(CT);
    const ds = dicomParser.parseDicom(new Uint8Array(file));
    const pixel = ds.elements.x7fe00010!;
    const signed = ds.uint16('x00280103') === 1;
    const slope = ds.floatString('x00281053') ?? 1;
    const intercept = ds.floatString('x00281052') ?? 0;
    const stored = (i: number) => (signed ? file.readInt16LE(pixel.dataOffset + 2 * i) : file.readUInt16LE(pixel.dataOffset + 2 * i));
    // A lung window, far from the file's own (60/400), so the request's window is what is tested.
    const expected = (x: number) => {
      const v = ((x - -300.5) / 1199 + 0.5) * 255;
      return Math.min(255, Math.max(0, v));
    };
    let checked = 0;
    for (let i = 0; i < 512 * 512; i += 997) {
      const value = stored(i) * slope + intercept;
      expect(Math.abs(data[i * info.channels]! - expected(value)), `pixel ${i}`).toBeLessThanOrEqual(1);
      checked++;
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('scales with rows/columns, crops with region and picks frameNumber', async () => {
    const ct = corpusEntry(CT);
    const size = async (extra: string) => {
      const res = await get(archive, `${base}?${wadoQuery(ct, `&contentType=image/png${extra}`)}`);
      expect(res.status, extra).toBe(200);
      const meta = await sharp(res.body).metadata();
      return [meta.width, meta.height];
    };
    expect(await size('&rows=128')).toEqual([128, 128]);
    expect(await size('&columns=256&rows=100')).toEqual([100, 100]);
    expect(await size('&region=0,0,0.5,0.25')).toEqual([256, 128]);
    expect(await size('&region=0.5,0.5,1,1&columns=64')).toEqual([64, 64]);
    const xa = corpusEntry(XA_JPEG);
    const last = await get(archive, `${base}?${wadoQuery(xa, '&frameNumber=96')}`);
    expect(last.status).toBe(200);
    expect(last.headers.get('content-type')).toBe('image/jpeg');
    const first = await get(archive, `${base}?${wadoQuery(xa, '&frameNumber=1')}`);
    expect(first.body.equals(last.body)).toBe(false);
    const past = await get(archive, `${base}?${wadoQuery(xa, '&frameNumber=97')}`);
    expect(past.status).toBe(400);
    expect(past.message).toBe('frameNumber 97 is past the end: the object has 96 frames.');
  });

  it('sends the DICOM file of a non-image object to a client that accepts anything', async () => {
    const sr = corpusEntry(SR);
    const res = await get(archive, `${base}?${wadoQuery(sr)}`, '*/*');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/dicom');
    expect(res.body.equals(withZeroPreamble(corpusFile(SR)))).toBe(true);
  });
});
