import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// dicomweb-client (the client OHIF uses) speaks XMLHttpRequest; xhr2 provides it in Node. The
// client itself runs unchanged, with the calls and Accept headers OHIF makes.
import XMLHttpRequest from 'xhr2';
import { api } from 'dicomweb-client';
import dicomParser from 'dicom-parser';
import sharp from 'sharp';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { firstValue as value } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { pn, syntheticSeries } from '../helpers/synthetic-series';

(globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = XMLHttpRequest;

interface Ids {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  sopInstanceUID: string;
}
interface MediaType {
  mediaType: string;
  transferSyntaxUID?: string;
}
/** The subset of the client's API OHIF's data source calls (its bundled typings mark optional options as required). */
interface Client {
  storeInstances(o: { datasets: ArrayBuffer[] }): Promise<unknown>;
  searchForStudies(o: { queryParams?: Record<string, string | boolean> }): Promise<unknown>;
  retrieveStudyMetadata(o: { studyInstanceUID: string }): Promise<unknown>;
  retrieveInstanceFrames(o: Ids & { frameNumbers: number[]; mediaTypes?: MediaType[] }): Promise<ArrayBuffer[]>;
  /** This client version wraps a single-part body in an array. */
  retrieveInstanceRendered(
    o: Ids & { mediaTypes?: MediaType[]; queryParams?: Record<string, string> },
  ): Promise<ArrayBuffer | ArrayBuffer[]>;
}

const single = (body: ArrayBuffer | ArrayBuffer[]): Buffer => Buffer.from(Array.isArray(body) ? body[0]! : body);
const toArrayBuffer = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** Native Pixel Data of a Part 10 file, as dicom-parser reads it. */
function nativePixels(file: Buffer): Buffer {
  const ds = dicomParser.parseDicom(new Uint8Array(file));
  const pixel = ds.elements.x7fe00010!;
  return file.subarray(pixel.dataOffset, pixel.dataOffset + pixel.length);
}

/** The bytes of the single fragment of a one-frame encapsulated Pixel Data. */
function storedFragment(file: Buffer): Buffer {
  const ds = dicomParser.parseDicom(new Uint8Array(file));
  const fragments = ds.elements.x7fe00010!.fragments!;
  expect(fragments).toHaveLength(1);
  return file.subarray(fragments[0]!.position, fragments[0]!.position + fragments[0]!.length);
}

const idsOf = (path: string): Ids => {
  const e = corpusEntry(path);
  return { studyInstanceUID: e.studyInstanceUID!, seriesInstanceUID: e.seriesInstanceUID!, sopInstanceUID: e.sopInstanceUID! };
};

/** The "done when" of the complete-DICOMweb issue: an OHIF-style client works unchanged. */
describe('An OHIF-style client (dicomweb-client) against the archive', () => {
  let archive: TestArchive;
  let client: Client;
  // A Vietnamese patient's CT (ISO_IR 192), and the team corpus's CT slice stored as JPEG-LS and natively.
  const vietnamese = syntheticSeries(4, {
    PatientName: pn('Nguyễn^Văn An'),
    PatientID: 'OHIF-VN-1',
    StudyDate: '20250314',
    StudyDescription: 'CT SỌ NÃO',
  });
  const JPEG_LS = 'transfer-syntaxes/ct1-1.2.4.80_jpeg-ls-lossless.dcm';
  const NATIVE = 'transfer-syntaxes/ct1-1.2.1_explicit-vr-le.dcm';

  beforeAll(async () => {
    archive = await startTestArchive();
    client = new api.DICOMwebClient({
      url: archive.dicomWeb,
      singlepart: false,
      headers: { Authorization: archive.adminAuthorization },
    }) as unknown as Client;
    // JPEG-LS and native copies of ct1 share the SOP Instance UID: the native one is the synthetic series' job here.
    await client.storeInstances({ datasets: [...vietnamese.files, corpusFile(JPEG_LS)].map(toArrayBuffer) });
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('searchForStudies: fuzzy accent-free name, wildcard name and a date range find the study', async () => {
    const byFuzzyName = (await client.searchForStudies({ queryParams: { PatientName: 'nguyen an', fuzzymatching: true } })) as DicomJson[];
    expect(byFuzzyName.map((s) => value(s, '0020000D'))).toEqual([vietnamese.studyUid]);
    expect(value(byFuzzyName[0], '00100010')).toEqual({ Alphabetic: 'Nguyễn^Văn An' });
    expect(value(byFuzzyName[0], '00201208')).toBe(4);

    const byWildcard = (await client.searchForStudies({
      queryParams: { PatientName: 'NGUYỄN*', StudyDate: '20250301-20250331' },
    })) as DicomJson[];
    expect(byWildcard.map((s) => value(s, '0020000D'))).toEqual([vietnamese.studyUid]);
    expect(value(byWildcard[0], '00081030')).toBe('CT SỌ NÃO');

    const outsideRange = (await client.searchForStudies({
      queryParams: { PatientName: 'NGUYỄN*', StudyDate: '20250401-' },
    })) as DicomJson[];
    expect(outsideRange).toEqual([]);
  });

  it('retrieveStudyMetadata: every instance, with a Pixel Data BulkDataURI that resolves', async () => {
    const metadata = (await client.retrieveStudyMetadata({ studyInstanceUID: vietnamese.studyUid })) as DicomJson[];
    expect(metadata.map((m) => value(m, '00080018')).sort()).toEqual([...vietnamese.sopUids].sort());
    const uri = metadata[0]!['7FE00010']!.BulkDataURI!;
    expect(uri.startsWith(archive.dicomWeb)).toBe(true);
    const sop = value(metadata[0], '00080018');
    const file = vietnamese.files[vietnamese.sopUids.indexOf(sop as string)]!;
    const res = await archive.fetch(uri, { headers: { accept: 'multipart/related; type="application/octet-stream"' } });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).includes(nativePixels(file))).toBe(true);
  });

  it('retrieveInstanceFrames: native frames byte for byte', async () => {
    const frames = await client.retrieveInstanceFrames({
      studyInstanceUID: vietnamese.studyUid,
      seriesInstanceUID: vietnamese.seriesUid,
      sopInstanceUID: vietnamese.sopUids[2]!,
      frameNumbers: [1],
    });
    expect(frames).toHaveLength(1);
    expect(Buffer.from(frames[0]!).equals(nativePixels(vietnamese.files[2]!))).toBe(true);
  });

  it('retrieveInstanceFrames: compressed frames as stored, or decoded when octet-stream is asked for', async () => {
    const ids = idsOf(JPEG_LS);
    const asStored = await client.retrieveInstanceFrames({
      ...ids,
      frameNumbers: [1],
      mediaTypes: [{ mediaType: 'image/jls', transferSyntaxUID: '1.2.840.10008.1.2.4.80' }],
    });
    expect(Buffer.from(asStored[0]!).equals(storedFragment(corpusFile(JPEG_LS)))).toBe(true);
    // OHIF's default: application/octet-stream. The JPEG-LS frame is decoded server-side; lossless, so it equals the native slice.
    const decoded = await client.retrieveInstanceFrames({ ...ids, frameNumbers: [1] });
    expect(Buffer.from(decoded[0]!).equals(nativePixels(corpusFile(NATIVE)))).toBe(true);
  });

  it('retrieveInstanceRendered: a JPEG of Rows×Columns with the requested window', async () => {
    const ids = idsOf(JPEG_LS);
    const jpeg = await client.retrieveInstanceRendered({ ...ids });
    expect((await sharp(single(jpeg)).metadata()).format).toBe('jpeg');
    const image = await sharp(single(jpeg)).raw().toBuffer({ resolveWithObject: true });
    expect([image.info.width, image.info.height]).toEqual([512, 512]);
    const png = await client.retrieveInstanceRendered({
      ...ids,
      mediaTypes: [{ mediaType: 'image/png' }],
      queryParams: { window: '40,80' },
    });
    const narrow = await sharp(single(png)).raw().toBuffer({ resolveWithObject: true });
    expect(narrow.info.width).toBe(512);
    // A narrow brain window saturates most of the slice: far more black or white pixels than the header's window gives.
    const saturated = (data: Buffer) => data.reduce((n, v) => n + (v === 0 || v === 255 ? 1 : 0), 0) / data.length;
    expect(saturated(narrow.data)).toBeGreaterThan(saturated(image.data) + 0.1);
  });
});
