import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusEntry, corpusFile, type CorpusEntry } from '../helpers/corpus';
import { stowFiles, withZeroPreamble } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/** WADO-URI (PS3.18 chapter 9) through the real server: byte-identical files and precise refusals. */

const CT = 'series/ct-abdomen-philips-tcia/1-036.dcm';
const XA_JPEG = 'multiframe/xa-angio-96f-jpeg.dcm';
const SR = 'non-image/sr-basic-text.dcm';

function wadoQuery(entry: CorpusEntry, extra = ''): string {
  return `requestType=WADO&studyUID=${entry.studyInstanceUID}&seriesUID=${entry.seriesInstanceUID}&objectUID=${entry.sopInstanceUID}${extra}`;
}

async function get(url: string, accept?: string): Promise<{ status: number; headers: Headers; body: Buffer; message: string }> {
  const res = await fetch(url, { headers: accept ? { accept } : {} });
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
    const stored = await stowFiles(archive.dicomWeb, [CT, XA_JPEG, SR].map(corpusFile));
    expect(stored.status).toBe(200);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('returns the stored Part 10 file byte for byte, at /wado and at /dicom-web/wado', async () => {
    const expected = withZeroPreamble(corpusFile(CT));
    const entry = corpusEntry(CT);
    for (const url of [`${base}?${wadoQuery(entry, '&contentType=application/dicom')}`, `${archive.dicomWeb}/wado?${wadoQuery(entry, '&contentType=application%2Fdicom')}`]) {
      const res = await get(url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/dicom');
      expect(res.headers.get('content-length')).toBe(String(expected.length));
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${entry.sopInstanceUID}.dcm"`);
      expect(res.body.equals(expected)).toBe(true);
    }
  });

  it('takes application/dicom from the Accept header when contentType is absent, and a transferSyntax equal to the stored one', async () => {
    const entry = corpusEntry(XA_JPEG);
    const expected = withZeroPreamble(corpusFile(XA_JPEG));
    const byHeader = await get(`${base}?${wadoQuery(entry)}`, 'application/dicom');
    expect(byHeader.status).toBe(200);
    expect(byHeader.body.equals(expected)).toBe(true);
    const sameSyntax = await get(`${base}?${wadoQuery(entry, '&contentType=application/dicom&transferSyntax=1.2.840.10008.1.2.4.50')}`);
    expect(sameSyntax.status).toBe(200);
    expect(sameSyntax.body.equals(expected)).toBe(true);
  });

  it('answers 400 with the parameter named for a missing or malformed request', async () => {
    const entry = corpusEntry(CT);
    const cases: Array<[string, RegExp]> = [
      [`studyUID=${entry.studyInstanceUID}&seriesUID=${entry.seriesInstanceUID}&objectUID=${entry.sopInstanceUID}`, /requestType=WADO is required/],
      [wadoQuery(entry).replace('requestType=WADO', 'requestType=WADO-RS'), /requestType must be WADO/],
      [wadoQuery(entry).replace(/&objectUID=[^&]*/, ''), /objectUID \(the SOP Instance UID\) is required/],
      [wadoQuery(entry).replace(/seriesUID=[^&]*/, 'seriesUID=1.2.abc'), /seriesUID is not a valid DICOM UID/],
      [wadoQuery(entry, `&objectUID=${entry.sopInstanceUID}`), /objectUID is given more than once/],
      [wadoQuery(entry, '&contentType=application/dicom&transferSyntax=1.2.3'), /transferSyntax is not a Transfer Syntax UID/],
      [wadoQuery(entry, '&contentType=application/dicom&frameNumber=1'), /frameNumber apply only to rendered media types/],
      [wadoQuery(entry, '&contentType=application/dicom&windowCenter=40&windowWidth=400'), /windowCenter, windowWidth apply only to rendered/],
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
      const res = await get(`${base}?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.message, query).toMatch(message);
    }
  });

  it('answers 404 for an unknown object and for a real object under the wrong study', async () => {
    const ct = corpusEntry(CT);
    const unknown = await get(`${base}?${wadoQuery(ct).replace(/objectUID=[^&]*/, 'objectUID=1.2.3.4.5.6.7')}&contentType=application/dicom`);
    expect(unknown.status).toBe(404);
    expect(unknown.message).toBe('No such object in this study and series.');
    const wrongStudy = wadoQuery(ct).replace(/studyUID=[^&]*/, `studyUID=${corpusEntry(XA_JPEG).studyInstanceUID}`);
    expect((await get(`${base}?${wrongStudy}&contentType=application/dicom`)).status).toBe(404);
  });

  it('answers 406 for a media type it cannot return, or a transfer syntax other than the stored one', async () => {
    const ct = corpusEntry(CT);
    const html = await get(`${base}?${wadoQuery(ct, '&contentType=text/html')}`);
    expect(html.status).toBe(406);
    expect(html.message).toMatch(/contentType names no media type WADO-URI can return/);
    const other = await get(`${base}?${wadoQuery(ct, '&contentType=application/dicom&transferSyntax=1.2.840.10008.1.2.4.90')}`);
    expect(other.status).toBe(406);
    expect(other.message).toContain(`stored in ${ct.transferSyntaxUID} and WADO-URI does not transcode`);
    const srAsJpeg = await get(`${base}?${wadoQuery(corpusEntry(SR), '&contentType=image/jpeg')}`);
    expect(srAsJpeg.status).toBe(406);
    expect(srAsJpeg.message).toMatch(/no pixel data to render/);
  });

  it('sends the DICOM file of a non-image object to a client that accepts anything', async () => {
    const sr = corpusEntry(SR);
    const res = await get(`${base}?${wadoQuery(sr)}`, '*/*');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/dicom');
    expect(res.body.equals(withZeroPreamble(corpusFile(SR)))).toBe(true);
  });
});
