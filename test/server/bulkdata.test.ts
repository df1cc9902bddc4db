import { inflateRawSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJson, DicomJsonElement } from '../../shared/dicom/dicom-json';
import { parseRange } from '../../server/http/byte-range';
import { BACKENDS, startArchiveOn } from '../helpers/backends';
import { corpusEntry, corpusFile, corpusInstanceUrl, type CorpusEntry } from '../helpers/corpus';
import { getJson, getMultipart, stowFiles, expectStored } from '../helpers/dicomweb-http';
import type { TestArchive } from '../helpers/start-app';

/**
 * Retrieve Bulkdata (PS3.18 10.4.1.1.5) for the BulkDataURIs the metadata carries: each value is
 * checked against the bytes dicom-parser finds in the original file.
 */

const entryOf = corpusEntry;

const instanceUrl = (archive: TestArchive, entry: CorpusEntry): string => corpusInstanceUrl(archive.dicomWeb, entry);

/** The file as dicom-parser sees it; deflated data sets are inflated first, so offsets are into `bytes`. */
function parse(path: string): { ds: dicomParser.DataSet; bytes: Uint8Array } {
  let bytes: Uint8Array = new Uint8Array(corpusFile(path));
  const inflater = (arr: Uint8Array, position: number) => {
    const inflated = inflateRawSync(arr.subarray(position));
    bytes = new Uint8Array(position + inflated.length);
    bytes.set(arr.subarray(0, position));
    bytes.set(inflated, position);
    return bytes;
  };
  const ds = dicomParser.parseDicom(bytes, { inflater } as dicomParser.ParseDicomOptions);
  return { ds, bytes };
}

/** The value bytes of the element at a bulk data path ("tag/item/tag…"); encapsulated values run to their delimiter. */
function valueAt(path: string, bulkPath: string): Buffer {
  const { ds, bytes } = parse(path);
  const segments = bulkPath.split('/');
  let dataSet = ds;
  let element: dicomParser.Element | undefined;
  for (let i = 0; i < segments.length; i += 2) {
    element = dataSet.elements[`x${segments[i]!.toLowerCase()}`];
    if (!element) throw new Error(`${bulkPath} not found by dicom-parser in ${path}`);
    if (i + 1 < segments.length) dataSet = element.items![Number(segments[i + 1])]!.dataSet!;
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (element!.encapsulatedPixelData) {
    // Items up to, not including, the Sequence Delimitation Item (FFFE,E0DD).
    let end = element!.dataOffset;
    while (buffer.readUInt32LE(end) !== 0xe0ddfffe) end += 8 + buffer.readUInt32LE(end + 4);
    return buffer.subarray(element!.dataOffset, end);
  }
  return buffer.subarray(element!.dataOffset, element!.dataOffset + element!.length);
}

/** Every BulkDataURI in a DICOM JSON data set, nested ones included. */
function bulkDataUris(ds: DicomJson): string[] {
  const uris: string[] = [];
  const visit = (element: DicomJsonElement) => {
    if (element.BulkDataURI) uris.push(element.BulkDataURI);
    if (element.vr === 'SQ') for (const item of (element.Value ?? []) as DicomJson[]) Object.values(item).forEach(visit);
  };
  Object.values(ds).forEach(visit);
  return uris;
}

async function metadataOf(archive: TestArchive, entry: CorpusEntry): Promise<DicomJson> {
  const { status, json } = await getJson(archive, `${instanceUrl(archive, entry)}/metadata`);
  expect(status).toBe(200);
  return (json as DicomJson[])[0]!;
}

const CT = 'series/ct-abdomen-philips-tcia/1-036.dcm';
const SIEMENS = 'multiframe/enhanced-mr-siemens-xa10-6f.dcm';
const XA = 'multiframe/xa-angio-96f-jpeg.dcm';
const NESTED = '52009229/0/002110FE/0/00211019';

describe.each(BACKENDS)('Retrieve Bulkdata on %s storage', (backend) => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await startArchiveOn(backend);
    const result = await stowFiles(archive, [CT, SIEMENS, XA].map(corpusFile));
    expect(result.status).toBe(200);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('serves Pixel Data as one multipart part: the bytes of the original file', async () => {
    const uri = (await metadataOf(archive, entryOf(CT)))['7FE00010']!.BulkDataURI!;
    expect(uri).toBe(`${instanceUrl(archive, entryOf(CT))}/bulkdata/7FE00010`);
    const { status, contentType, parts } = await getMultipart(archive, uri, 'multipart/related; type="application/octet-stream"');
    expect(status).toBe(200);
    expect(contentType).toMatch(/^multipart\/related; type="?application\/octet-stream"?; boundary=/);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.headers['content-type']).toBe('application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1');
    expect(parts[0]!.headers['content-location']).toBe(uri);
    expect(parts[0]!.body.equals(valueAt(CT, '7FE00010'))).toBe(true);
  });

  it('serves a bulk value nested in sequences', async () => {
    const ds = await metadataOf(archive, entryOf(SIEMENS));
    const item = (ds['52009229']!.Value![0] as DicomJson)['002110FE']!.Value![0] as DicomJson;
    const uri = item['00211019']!.BulkDataURI!;
    expect(uri.endsWith(`/bulkdata/${NESTED}`)).toBe(true);
    const { parts } = await getMultipart(archive, uri, '*/*');
    expect(parts[0]!.headers['content-type']).toBe('application/octet-stream');
    expect(parts[0]!.body.equals(valueAt(SIEMENS, NESTED))).toBe(true);
  });

  it('serves encapsulated Pixel Data as its recorded items, labelled with the stored transfer syntax', async () => {
    const { parts } = await getMultipart(archive, `${instanceUrl(archive, entryOf(XA))}/bulkdata/7FE00010`, '');
    expect(parts[0]!.headers['content-type']).toBe('application/octet-stream; transfer-syntax=1.2.840.10008.1.2.4.50');
    expect(parts[0]!.body.equals(valueAt(XA, '7FE00010'))).toBe(true);
    expect(parts[0]!.body.readUInt32LE(0)).toBe(0xe000fffe); // the Basic Offset Table item
  });

  it('answers application/octet-stream with the bare value, and honours a Range with 206 or 416', async () => {
    const uri = `${instanceUrl(archive, entryOf(SIEMENS))}/bulkdata/${NESTED}`;
    const expected = valueAt(SIEMENS, NESTED);
    const whole = await archive.fetch(uri, { headers: { accept: 'application/octet-stream' } });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('application/octet-stream');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(expected)).toBe(true);

    const part = await archive.fetch(uri, { headers: { accept: 'application/octet-stream', range: 'bytes=100-1099' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-1099/${expected.length}`);
    expect(part.headers.get('content-length')).toBe('1000');
    expect(Buffer.from(await part.arrayBuffer()).equals(expected.subarray(100, 1100))).toBe(true);

    const tail = await archive.fetch(uri, { headers: { accept: 'application/octet-stream', range: 'bytes=-10' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(expected.subarray(expected.length - 10))).toBe(true);

    const outside = await archive.fetch(uri, { headers: { accept: 'application/octet-stream', range: `bytes=${expected.length}-` } });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${expected.length}`);
    await outside.arrayBuffer();
  });

  it('answers 404 for unknown paths or instances, 400 for malformed paths, 406 for other media types', async () => {
    const base = instanceUrl(archive, entryOf(SIEMENS));
    const status = async (url: string, accept?: string) => {
      const res = await archive.fetch(url, { headers: accept ? { accept } : {} });
      await res.arrayBuffer();
      return res.status;
    };
    expect(await status(`${base}/bulkdata/00100010`)).toBe(404);
    expect(await status(`${base}/bulkdata/52009229/1/002110FE/0/00211019`)).toBe(404);
    for (const bad of ['7FE0', '7FE00010/0', 'GGGG0010', '52009229/x/002110FE', '52009229/01/002110FE', '7FE00010/']) {
      expect(await status(`${base}/bulkdata/${bad}`), bad).toBe(400);
    }
    const wrongStudy = `${archive.dicomWeb}/studies/${entryOf(CT).studyInstanceUID}/series/${entryOf(SIEMENS).seriesInstanceUID}/instances/${entryOf(SIEMENS).sopInstanceUID}/bulkdata/7FE00010`;
    expect(await status(wrongStudy)).toBe(404);
    expect(await status(`${base}/bulkdata/7FE00010`, 'application/dicom')).toBe(406);
  });
});

describe('every BulkDataURI of varied corpus files resolves to the value in the file', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await startArchiveOn('fs');
  });
  afterAll(async () => {
    await archive?.stop();
  });

  const files = [
    CT,
    SIEMENS,
    XA,
    'multiframe/us-cine-jpeg-baseline-ybr-8f.dcm',
    'multiframe/sm-wsi-25f-jpeg-ls-rgb.dcm',
    'multiframe/enhanced-mr-philips-fmap-64f.dcm',
    'color/ybr-full-422-jpeg-with-icon.dcm',
    'color/palette-16bit-lut-testpattern.dcm',
    'radiography/mg-mammo-jpeg-lossless-overlay.dcm',
    'radiography/dx-for-presentation-mono1.dcm',
    'non-image/seg-labelmap-palette.dcm',
    'non-image/parametric-map-float.dcm',
    'non-image/waveform-hemodynamic-deflated.dcm',
    'transfer-syntaxes/ct1-1.2.1.99_deflated.dcm',
  ];

  it.each(files)('%s', async (path) => {
    const stored = await stowFiles(archive, [corpusFile(path)]);
    expect(stored.status).toBe(200);
    const uris = bulkDataUris(await metadataOf(archive, entryOf(path)));
    expect(uris.length).toBeGreaterThan(0);
    for (const uri of uris) {
      const { status, parts } = await getMultipart(archive, uri, 'multipart/related; type="application/octet-stream"; transfer-syntax=*');
      expect(status, uri).toBe(200);
      expect(parts).toHaveLength(1);
      const expected = valueAt(path, uri.split('/bulkdata/')[1]!);
      expect(parts[0]!.headers['content-length']).toBe(String(expected.length));
      expect(parts[0]!.body.equals(expected), uri).toBe(true);
    }
  });

  it('swaps big endian values by VR: OW Pixel Data becomes the little endian bytes, UN stays as is', async () => {
    const path = 'transfer-syntaxes/ct1-1.2.2_explicit-vr-be.dcm';
    const sibling = 'transfer-syntaxes/ct1-1.2.1_explicit-vr-le.dcm';
    const entry = entryOf(path);
    await archive.fetch(instanceUrl(archive, entry), { method: 'DELETE' }); // the deflated copy above has the same SOP Instance UID
    await expectStored(archive, [corpusFile(path)]);
    const pixels = await getMultipart(archive, `${instanceUrl(archive, entry)}/bulkdata/7FE00010`, '*/*');
    expect(pixels.parts[0]!.body.equals(valueAt(sibling, '7FE00010'))).toBe(true);
    const range = await archive.fetch(`${instanceUrl(archive, entry)}/bulkdata/7FE00010`, {
      headers: { accept: 'application/octet-stream', range: 'bytes=3-8' },
    });
    expect(Buffer.from(await range.arrayBuffer()).equals(valueAt(sibling, '7FE00010').subarray(3, 9))).toBe(true);
    const unknown = await getMultipart(archive, `${instanceUrl(archive, entry)}/bulkdata/00431029`, '*/*');
    expect(unknown.parts[0]!.body.equals(valueAt(path, '00431029'))).toBe(true);
  });
});

describe('Range header parsing (RFC 9110 14.1.2)', () => {
  it.each([
    ['bytes=0-9', { start: 0, end: 10 }],
    ['bytes=5-', { start: 5, end: 100 }],
    ['bytes=90-200', { start: 90, end: 100 }],
    ['bytes=-10', { start: 90, end: 100 }],
    ['bytes=-200', { start: 0, end: 100 }],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=9-5', undefined],
    ['bytes=0-1,5-6', undefined],
    ['items=0-1', undefined],
    [undefined, undefined],
  ] as const)('%s', (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });
});
