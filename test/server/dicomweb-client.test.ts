import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// dicomweb-client (the client OHIF uses) speaks XMLHttpRequest; xhr2 provides it in Node. The
// client itself runs unchanged.
import XMLHttpRequest from 'xhr2';
import { api } from 'dicomweb-client';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { BACKENDS, startArchiveOn } from '../helpers/backends';
import { corpusFile, corpusManifest } from '../helpers/corpus';
import { withZeroPreamble, firstValue } from '../helpers/dicomweb-http';
import type { TestArchive } from '../helpers/start-app';

(globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = XMLHttpRequest;

const value = firstValue;
const MR_STUDY_DIR = 'series/mr-ge-premier-study/';
const mrEntries = corpusManifest().filter((e) => e.path.startsWith(MR_STUDY_DIR));
const extraFiles = [
  'transfer-syntaxes/ct1-1.2.4.70_jpeg-lossless-sv1.dcm',
  'multiframe/us-cine-palette-rle-10f.dcm',
  'charsets/iso-2022-ir-58-gb2312.dcm',
];

/** The subset of the client's API used here (its bundled typings mark optional options as required). */
interface Client {
  storeInstances(o: { datasets: ArrayBuffer[] }): Promise<unknown>;
  searchForStudies(o: { queryParams?: Record<string, string> }): Promise<unknown>;
  searchForSeries(o: { studyInstanceUID: string }): Promise<unknown>;
  searchForInstances(o: { studyInstanceUID: string; seriesInstanceUID: string }): Promise<unknown>;
  retrieveSeriesMetadata(o: { studyInstanceUID: string; seriesInstanceUID: string }): Promise<unknown>;
  retrieveInstance(o: { studyInstanceUID: string; seriesInstanceUID: string; sopInstanceUID: string }): Promise<unknown>;
  retrieveSeries(o: { studyInstanceUID: string; seriesInstanceUID: string }): Promise<unknown>;
}

const toArrayBuffer = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

describe.each(BACKENDS)('dicomweb-client against the archive on %s storage', (backend) => {
  let archive: TestArchive;
  let client: Client;
  beforeAll(async () => {
    archive = await startArchiveOn(backend);
    client = new api.DICOMwebClient({
      url: archive.dicomWeb,
      singlepart: false,
      headers: { Authorization: archive.adminAuthorization },
    }) as unknown as Client;
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('stores a two-series MR study and other files through storeInstances', async () => {
    const datasets = [...mrEntries.map((e) => e.path), ...extraFiles].map((p) => toArrayBuffer(corpusFile(p)));
    const response = (await client.storeInstances({ datasets })) as unknown;
    const text = response instanceof ArrayBuffer ? Buffer.from(response).toString('utf8') : String(response);
    const body = JSON.parse(text) as DicomJson;
    expect(body['00081199']?.Value).toHaveLength(datasets.length);
    expect(body['00081198']).toBeUndefined();
  });

  it('finds the study, its two series and their instances', async () => {
    const studyUid = mrEntries[0]!.studyInstanceUID!;
    const studies = (await client.searchForStudies({ queryParams: { StudyInstanceUID: studyUid } })) as DicomJson[];
    expect(studies).toHaveLength(1);
    expect(value(studies[0], '00201206')).toBe(2);
    expect(value(studies[0], '00201208')).toBe(mrEntries.length);

    const series = (await client.searchForSeries({ studyInstanceUID: studyUid })) as DicomJson[];
    expect(series.map((s) => value(s, '00201209')).sort((a, b) => Number(a) - Number(b))).toEqual([21, 50]);
    const seriesUid = value(
      series.find((s) => value(s, '00201209') === 21),
      '0020000E',
    ) as string;
    const instances = (await client.searchForInstances({ studyInstanceUID: studyUid, seriesInstanceUID: seriesUid })) as DicomJson[];
    expect(instances).toHaveLength(21);
    expect(new Set(instances.map((i) => value(i, '00080018'))).size).toBe(21);
  });

  it('retrieves metadata and instances byte-identical', async () => {
    const entry = mrEntries[5]!;
    const metadata = (await client.retrieveSeriesMetadata({
      studyInstanceUID: entry.studyInstanceUID!,
      seriesInstanceUID: entry.seriesInstanceUID!,
    })) as DicomJson[];
    expect(metadata.some((m) => value(m, '00080018') === entry.sopInstanceUID)).toBe(true);
    const instance = (await client.retrieveInstance({
      studyInstanceUID: entry.studyInstanceUID!,
      seriesInstanceUID: entry.seriesInstanceUID!,
      sopInstanceUID: entry.sopInstanceUID!,
    })) as ArrayBuffer;
    expect(Buffer.from(instance).equals(withZeroPreamble(corpusFile(entry.path)))).toBe(true);

    const cine = corpusManifest().find((e) => e.path === extraFiles[1])!;
    const series = (await client.retrieveSeries({
      studyInstanceUID: cine.studyInstanceUID!,
      seriesInstanceUID: cine.seriesInstanceUID!,
    })) as ArrayBuffer[];
    expect(series).toHaveLength(1);
    // The client names no transfer syntax, so the RLE cine comes decoded, in Explicit VR Little Endian (PS3.18 8.7.3.5.2).
    const cineFile = dicomParser.parseDicom(new Uint8Array(series[0]!));
    expect(cineFile.string('x00020010')).toBe('1.2.840.10008.1.2.1');
    expect(cineFile.elements.x7fe00010!.length).toBe(430 * 600 * 10);
  });

  it('decodes the GB2312 patient name to Unicode in search results', async () => {
    const entry = corpusManifest().find((e) => e.path === extraFiles[2])!;
    const studies = (await client.searchForStudies({ queryParams: { StudyInstanceUID: entry.studyInstanceUID! } })) as DicomJson[];
    const name = value(studies[0], '00100010') as { Alphabetic?: string; Ideographic?: string };
    expect(name.Ideographic ?? '').toMatch(/[\u4e00-\u9fff]/);
  });
});
