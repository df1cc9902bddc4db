import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { BACKENDS, startArchiveOn, storedKeys } from '../helpers/backends';
import { corpusFile } from '../helpers/corpus';
import { getJson, getMultipart, stowBody, stowFiles, withZeroPreamble, firstValue } from '../helpers/dicomweb-http';
import type { TestArchive } from '../helpers/start-app';

const CT_STUDY = '1.3.6.1.4.1.14519.5.2.1.21087345762211724523378497892240459677';
const ctFiles = ['1-036.dcm', '1-037.dcm', '1-038.dcm'].map((f) => corpusFile(`series/ct-abdomen-philips-tcia/${f}`));
const IMPLICIT_CT = corpusFile('transfer-syntaxes/ct1-1.2_implicit-vr-le.dcm');
const EXPLICIT_CT = corpusFile('transfer-syntaxes/ct1-1.2.1_explicit-vr-le.dcm'); // same SOP Instance UID, other bytes
const value = firstValue;

describe.each(BACKENDS)('archive on %s storage', (backend) => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await startArchiveOn(backend);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('stores a CT series with STOW-RS and answers 200 with ReferencedSOPSequence and RetrieveURLs', async () => {
    const result = await stowFiles(archive, ctFiles);
    expect(result.status).toBe(200);
    expect(result.failed).toHaveLength(0);
    expect(result.referenced).toHaveLength(3);
    const studyUid = value(result.json, '00081190') as string;
    expect(studyUid).toMatch(new RegExp(`/dicom-web/studies/[0-9.]+$`));
    for (const item of result.referenced) {
      expect(value(item, '00081150')).toBe('1.2.840.10008.5.1.4.1.1.2');
      expect(value(item, '00081190')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dicom-web\/studies\/.+\/series\/.+\/instances\/.+$/);
    }
  });

  it('finds the study with QIDO-RS, with the default return keys and aggregates', async () => {
    const { status, json } = await getJson(archive, `${archive.dicomWeb}/studies?ModalitiesInStudy=CT`);
    expect(status).toBe(200);
    const studies = json as DicomJson[];
    const study = studies.find((s) => value(s, '0020000D') === CT_STUDY);
    expect(study).toBeDefined();
    expect(study!['00201206']).toEqual({ vr: 'IS', Value: [1] });
    expect(study!['00201208']).toEqual({ vr: 'IS', Value: [3] });
    expect(study!['00080061']).toEqual({ vr: 'CS', Value: ['CT'] });
    expect(study!['00080020']?.vr).toBe('DA');
    expect(value(study!, '00081190')).toBe(`${archive.dicomWeb}/studies/${CT_STUDY}`);
  });

  it('retrieves each instance byte-for-byte as stored (preamble zeroed)', async () => {
    const series = (await getJson(archive, `${archive.dicomWeb}/studies/${CT_STUDY}/series`)).json as DicomJson[];
    expect(series).toHaveLength(1);
    const seriesUid = value(series[0]!, '0020000E') as string;
    expect(series[0]!['00201209']).toEqual({ vr: 'IS', Value: [3] });
    const instances = (await getJson(archive, `${archive.dicomWeb}/studies/${CT_STUDY}/series/${seriesUid}/instances`)).json as DicomJson[];
    expect(instances.map((i) => value(i, '00200013'))).toEqual([36, 37, 38]);
    expect(value(instances[0]!, '00280010')).toBe(512);

    const all = await getMultipart(archive, `${archive.dicomWeb}/studies/${CT_STUDY}`);
    expect(all.status).toBe(200);
    expect(all.contentType).toMatch(/^multipart\/related; ?type="?application\/dicom"?/);
    expect(all.parts).toHaveLength(3);
    const expected = ctFiles.map(withZeroPreamble);
    for (const part of all.parts) {
      expect(part.headers['content-type']).toBe('application/dicom; transfer-syntax=1.2.840.10008.1.2');
      expect(expected.some((file) => file.equals(part.body))).toBe(true);
    }
    const sop = value(instances[1]!, '00080018') as string;
    const one = await getMultipart(archive, `${archive.dicomWeb}/studies/${CT_STUDY}/series/${seriesUid}/instances/${sop}`);
    expect(one.parts).toHaveLength(1);
    expect(one.parts[0]!.body.equals(withZeroPreamble(ctFiles[1]!))).toBe(true);
  });

  it('serves metadata from the index with absolute BulkDataURIs for pixel data', async () => {
    const { status, json } = await getJson(archive, `${archive.dicomWeb}/studies/${CT_STUDY}/metadata`);
    expect(status).toBe(200);
    const items = json as DicomJson[];
    expect(items).toHaveLength(3);
    const first = items[0]!;
    expect(value(first, '0020000D')).toBe(CT_STUDY);
    expect(first['7FE00010']?.BulkDataURI).toMatch(new RegExp(`^${archive.dicomWeb}/studies/${CT_STUDY}/series/.+/bulkdata/7FE00010$`));
    expect(first['7FE00010']?.InlineBinary).toBeUndefined();
    expect(first['00280030']?.Value).toHaveLength(2); // PixelSpacing, DS as numbers
    expect(typeof first['00280030']?.Value?.[0]).toBe('number');
  });

  it('treats an identical duplicate as success and refuses different content under the same SOP Instance UID', async () => {
    const again = await stowFiles(archive, [ctFiles[0]!]);
    expect(again.status).toBe(200);
    expect(again.referenced).toHaveLength(1);
    expect(value(again.referenced[0]!, '00081196')).toBe(0xb000);

    const first = await stowFiles(archive, [IMPLICIT_CT]);
    expect(first.status).toBe(200);
    const conflicting = await stowFiles(archive, [EXPLICIT_CT]);
    expect(conflicting.status).toBe(409);
    expect(conflicting.failed).toHaveLength(1);
    expect(value(conflicting.failed[0]!, '00081197')).toBe(0x0111);
    expect(value(conflicting.failed[0]!, '00081155')).toBe('1.2.840.113619.2.30.1.1762295590.1623.978668950.109');
    // The first copy is intact.
    const study = value(first.json, '00081190') as string;
    const retrieved = await getMultipart(archive, study);
    expect(retrieved.parts[0]!.body.equals(withZeroPreamble(IMPLICIT_CT))).toBe(true);
  });

  it('refuses an instance of another study than the URL names (409, nothing stored)', async () => {
    const before = await storedKeys(archive);
    const result = await stowFiles(archive, [corpusFile('charsets/iso-ir-100-latin1-pt.dcm')], CT_STUDY);
    expect(result.status).toBe(409);
    expect(value(result.failed[0]!, '00081197')).toBe(0xa900);
    expect(await storedKeys(archive)).toEqual(before);
  });

  it('answers 202 when some instances of a request fail', async () => {
    const garbage = Buffer.concat([Buffer.alloc(128), Buffer.from('NOPE'), Buffer.alloc(200, 7)]);
    const result = await stowFiles(archive, [corpusFile('charsets/iso-ir-192-utf8-mr.dcm'), garbage]);
    expect(result.status).toBe(202);
    expect(result.referenced).toHaveLength(1);
    expect(result.failed).toHaveLength(1);
    expect(value(result.failed[0]!, '00081197')).toBe(0xc000);
    expect(String(value(result.failed[0]!, '00000902'))).toMatch(/DICM/);
  });

  it('rejects requests it cannot understand with precise 4xx JSON errors', async () => {
    const wrongType = await archive.fetch(`${archive.dicomWeb}/studies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(wrongType.status).toBe(415);
    expect(((await wrongType.json()) as { code: string }).code).toBe('UNSUPPORTED_MEDIA_TYPE');

    const noBoundary = await archive.fetch(`${archive.dicomWeb}/studies`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/related; type="application/dicom"' },
      body: 'x',
    });
    expect(noBoundary.status).toBe(400);

    const keysBefore = await storedKeys(archive);
    const { body, contentType } = stowBody([ctFiles[0]!]);
    const truncated = await archive.fetch(`${archive.dicomWeb}/studies`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: body.subarray(0, 1000),
    });
    expect(truncated.status).toBe(400);
    expect(((await truncated.json()) as { code: string }).code).toBe('MALFORMED_MULTIPART');
    expect(await storedKeys(archive)).toEqual(keysBefore);

    const badUid = await archive.fetch(`${archive.dicomWeb}/studies/1.2.abc/metadata`);
    expect(badUid.status).toBe(400);
    expect(((await badUid.json()) as { code: string }).code).toBe('INVALID_UID');
    const traversal = await archive.fetch(`${archive.dicomWeb}/studies/..%2F..%2Fetc/series`);
    expect(traversal.status).toBe(400);

    expect((await archive.fetch(`${archive.dicomWeb}/studies/1.2.3.4.5`)).status).toBe(404);
    expect((await archive.fetch(`${archive.dicomWeb}/studies/1.2.3.4.5/metadata`)).status).toBe(404);
    expect((await archive.fetch(`${archive.dicomWeb}/studies/${CT_STUDY}`, { headers: { accept: 'image/png' } })).status).toBe(406);
    const jpeg = 'multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.4.50';
    expect((await archive.fetch(`${archive.dicomWeb}/studies/${CT_STUDY}`, { headers: { accept: jpeg } })).status).toBe(406);
    expect((await archive.fetch(`${archive.dicomWeb}/studies?NoSuchKey=1`)).status).toBe(400);
    expect((await archive.fetch(`${archive.dicomWeb}/studies?StudyDate=2020`)).status).toBe(400);
    expect((await archive.fetch(`${archive.dicomWeb}/studies/${CT_STUDY}/metadata`, { method: 'PUT' })).status).toBe(405);
    expect((await archive.fetch('/no/such/thing')).status).toBe(404);
  });

  it('keeps the complete instances of a request cut off in a later part, and nothing of the cut one', async () => {
    const first = corpusFile('color/rgb-testpattern-sc.dcm');
    const second = corpusFile('color/palette-8bit-testpattern.dcm');
    const keysBefore = await storedKeys(archive);
    const { body, contentType } = stowBody([first, second]);
    const cut = body.subarray(0, body.length - Math.floor(second.length / 2));
    const res = await archive.fetch(`${archive.dicomWeb}/studies`, { method: 'POST', headers: { 'content-type': contentType }, body: cut });
    expect(res.status).toBe(400);
    const json = (await res.json()) as DicomJson;
    expect(json['00081199']?.Value).toHaveLength(1);
    expect(await storedKeys(archive)).toHaveLength(keysBefore.length + 1);
    if (backend === 'fs') expect(readdirSync(path.join(archive.dataDir, 'objects', '.tmp'))).toEqual([]);
  });

  it('deletes a study: index rows and objects are gone', async () => {
    const stored = await stowFiles(archive, [corpusFile('other-modalities/pt-pet-jpeg-lossless.dcm')]);
    expect(stored.status).toBe(200);
    const target = value(stored.json, '00081190') as string;
    const keysBefore = await storedKeys(archive);
    const res = await archive.fetch(target, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect((await archive.fetch(target)).status).toBe(404);
    expect((await archive.fetch(`${target}/metadata`)).status).toBe(404);
    expect((await storedKeys(archive)).length).toBe(keysBefore.length - 1);
    expect((await archive.fetch(target, { method: 'DELETE' })).status).toBe(404);
  });
});

describe('request size limit', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await startArchiveOn('fs', { PACS_MAX_REQUEST_BYTES: '100000' });
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('answers 413 to a STOW-RS body over PACS_MAX_REQUEST_BYTES and stores nothing', async () => {
    const { body, contentType } = stowBody([ctFiles[0]!]);
    const res = await archive.fetch(`${archive.dicomWeb}/studies`, { method: 'POST', headers: { 'content-type': contentType }, body });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
    expect(await storedKeys(archive)).toEqual([]);
    const small = await stowFiles(archive, [corpusFile('charsets/iso-ir-192-utf8-mr.dcm')]);
    expect(small.status).toBe(200);
  });

  it('answers 413 when a chunked body passes the limit, listing the instances completed before', async () => {
    const keysBefore = await storedKeys(archive);
    const first = corpusFile('non-image/sr-basic-text.dcm'); // well under the limit
    const { body, contentType } = stowBody([first, ctFiles[1]!]);
    expect(first.length).toBeLessThan(100_000 - 1000);
    // A stream body: no Content-Length, so the limit is found while reading.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < body.length; at += 16_384) controller.enqueue(body.subarray(at, at + 16_384));
        controller.close();
      },
    });
    const res = await archive.fetch(`${archive.dicomWeb}/studies`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    const json = (await res.json()) as DicomJson;
    expect(json['00081199']?.Value).toHaveLength(1);
    expect(await storedKeys(archive)).toHaveLength(keysBefore.length + 1);
    expect(readdirSync(path.join(archive.dataDir, 'objects', '.tmp'))).toEqual([]);
  });
});
