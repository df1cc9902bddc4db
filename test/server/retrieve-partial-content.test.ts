import path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/api/audit-events';
import { boundaryFromContentType, readMultipartRelated } from '../../server/http/multipart-reader';
import { CORPUS_DIR, corpusEntry, corpusFile } from '../helpers/corpus';
import { expectStored, getMultipart, stowFiles, withZeroPreamble, type RetrievedPart } from '../helpers/dicomweb-http';
import { gdcmRaw } from '../helpers/reference-decoders';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * Retrieve Study / Series with no transfer syntax named (Explicit VR Little Endian, PS3.18
 * 8.7.3.5.2) when one instance cannot be decoded: the others come back re-encoded with 206
 * (Partial Content) and a Warning naming the one left out; 406 only when none can be produced.
 */

const DEFAULT_DICOM = 'multipart/related; type="application/dicom"';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const DECODABLE = 'transfer-syntaxes/ct1-1.2.4.70_jpeg-lossless-sv1.dcm';
const SOURCE = 'transfer-syntaxes/ct1-1.2.4.91_jpeg2000.dcm';

/** The JPEG 2000 CT relabelled JPEG 2000 Part 2 (.92, a UID of the same length): the archive has no decoder for it. */
function undecodable(): Buffer {
  const file = Buffer.from(corpusFile(SOURCE));
  const at = file.indexOf('1.2.840.10008.1.2.4.91', 132, 'latin1');
  file.write('1.2.840.10008.1.2.4.92', at, 'latin1');
  return file;
}

async function retrieve(archive: TestArchive, url: string, accept: string) {
  const res = await archive.fetch(url, { headers: { accept } });
  const parts: RetrievedPart[] = [];
  if (res.headers.get('content-type')?.startsWith('multipart/related')) {
    const source = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
    for await (const part of readMultipartRelated(source, boundaryFromContentType(res.headers.get('content-type')!))) {
      const chunks: Buffer[] = [];
      for await (const chunk of part.body) chunks.push(chunk as Buffer);
      parts.push({ headers: part.headers, body: Buffer.concat(chunks) });
    }
  } else {
    await res.arrayBuffer();
  }
  return { res, parts };
}

/** Every attribute's value bytes outside the File Meta group and Pixel Data, by dicom-parser (item delimiters are encoding, not values). */
function values(ds: dicomParser.DataSet, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [tag, el] of Object.entries(ds.elements)) {
    if (tag.endsWith('0000') || tag.startsWith('x0002') || tag.startsWith('xfffe') || tag === 'x7fe00010' || tag === 'xfffcfffc') continue;
    if (el.items)
      el.items.forEach((item, i) => item.dataSet && values(item.dataSet, `${prefix}${tag}/${i}/`).forEach((v, k) => out.set(k, v)));
    else out.set(prefix + tag, Buffer.from(ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length)).toString('hex'));
  }
  return out;
}

describe('Retrieve Study / Series in Explicit VR Little Endian with one instance the archive cannot decode', () => {
  let archive: TestArchive;
  const decodable = corpusEntry(DECODABLE);
  const study = () => `${archive.dicomWeb}/studies/${decodable.studyInstanceUID}`;
  const series = () => `${study()}/series/${decodable.seriesInstanceUID}`;
  const left = dicomParser.parseDicom(new Uint8Array(undecodable())).string('x00080018')!;

  beforeAll(async () => {
    archive = await startTestArchive();
    await expectStored(archive, [corpusFile(DECODABLE)]);
    expect((await stowFiles(archive, [undecodable()])).status).toBe(200);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('sends the decodable instance re-encoded, with 206 and a Warning naming the one left out (study and series)', async () => {
    const original = dicomParser.parseDicom(new Uint8Array(corpusFile(DECODABLE)));
    const pixels = gdcmRaw(path.join(CORPUS_DIR, DECODABLE)).pixels;
    for (const url of [study(), series()]) {
      const { res, parts } = await retrieve(archive, url, DEFAULT_DICOM);
      expect(res.status, url).toBe(206);
      expect(res.headers.get('content-type')).toMatch(/^multipart\/related; type="application\/dicom"/);
      const warning = res.headers.get('warning') ?? '';
      expect(warning).toMatch(/^299 - "B000 1 of 2 instances left out"/);
      expect(warning).toContain(`299 - "B000 ${left} left out: An instance cannot be produced in Explicit VR Little Endian`);
      expect(warning).toMatch(/no decoder for JPEG 2000 Part 2/);
      expect(parts).toHaveLength(1);
      expect(parts[0]!.headers['content-type']).toBe(`application/dicom; transfer-syntax=${EXPLICIT_LE}`);
      expect(parts[0]!.headers['content-location']).toMatch(new RegExp(`/instances/${decodable.sopInstanceUID!.replace(/\./g, '\\.')}$`));
      const ours = dicomParser.parseDicom(new Uint8Array(parts[0]!.body));
      expect(ours.string('x00020010')).toBe(EXPLICIT_LE);
      expect(ours.string('x00080018')).toBe(decodable.sopInstanceUID);
      expect(values(ours)).toEqual(values(original));
      const pixel = ours.elements.x7fe00010!;
      expect(Buffer.from(ours.byteArray.subarray(pixel.dataOffset, pixel.dataOffset + pixel.length)).equals(pixels)).toBe(true);
    }
  });

  it('records the partial retrieval in the audit trail as a retrieve with its 206', async () => {
    const { res } = await retrieve(archive, study(), DEFAULT_DICOM);
    const requestId = res.headers.get('x-request-id');
    let found: AuditRecord[] = [];
    for (let attempt = 0; attempt < 20 && found.length === 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25));
      const audit = await archive.fetch(`${archive.url}/api/audit?action=retrieve&limit=1000`);
      found = ((await audit.json()) as { records: AuditRecord[] }).records.filter((r) => r.requestId === requestId);
    }
    expect(found).toHaveLength(1);
    expect(found[0]!.studyUid).toBe(decodable.studyInstanceUID);
    expect(found[0]!.detail).toMatch(/ 206$/);
  });

  it('answers 406 when no instance in scope can be produced, and sends both as stored for transfer-syntax=*', async () => {
    const instance = `${series()}/instances/${left}`;
    const none = await archive.fetch(instance, { headers: { accept: DEFAULT_DICOM } });
    expect(none.status).toBe(406);
    expect(none.headers.get('warning')).toBeNull();
    expect(((await none.json()) as { message: string }).message).toMatch(/no decoder for JPEG 2000 Part 2/);
    const asStored = await getMultipart(archive, study(), `${DEFAULT_DICOM}; transfer-syntax=*`);
    expect(asStored.status).toBe(200);
    expect(asStored.parts).toHaveLength(2);
    const bodies = asStored.parts.map((p) => p.body);
    expect(bodies.some((b) => b.equals(withZeroPreamble(corpusFile(DECODABLE))))).toBe(true);
    expect(bodies.some((b) => b.equals(withZeroPreamble(undecodable())))).toBe(true);
  });

  it('a transfer syntax named that only one instance is stored in: that one as stored, the other left out with 206', async () => {
    const { res, parts } = await retrieve(archive, study(), `${DEFAULT_DICOM}; transfer-syntax=1.2.840.10008.1.2.4.70`);
    expect(res.status).toBe(206);
    expect(res.headers.get('warning')).toContain(`B000 ${left} left out: Transfer syntax 1.2.840.10008.1.2.4.70 was asked for`);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.body.equals(withZeroPreamble(corpusFile(DECODABLE)))).toBe(true);
  });
});
