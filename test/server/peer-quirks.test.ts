import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RFC2046_BOUNDARY_LENGTH } from '../../shared/dicomweb/multipart-boundary';
import { decodeMultipart, multipartBoundary, multipartParts } from '../../shared/dicomweb/multipart-decoder';
import { CORPUS_DIR, corpusFile } from '../helpers/corpus';
import { expectStored, getMultipart } from '../helpers/dicomweb-http';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { startOrthanc, type RunningOrthanc } from '../helpers/orthanc';
import { startTestArchive, TEST_ADMIN, type TestArchive } from '../helpers/start-app';

/**
 * What real DICOMweb peers send that bends the standard, and that we accept where it costs no
 * safety (issue 13 item 8). One test per quirk, named after the peer and its version. Orthanc
 * reaches our archive through a capturing fault proxy, so each test can show the quirk on the wire.
 */
const SERIES_DIR = 'series/ct-abdomen-philips-tcia';
const SLICES = fs
  .readdirSync(path.join(CORPUS_DIR, SERIES_DIR))
  .sort()
  .map((f) => `${SERIES_DIR}/${f}`);
const PUSHED = SLICES.slice(0, 10);
const RETRIEVED = SLICES.slice(10, 20);
const READ = SLICES.slice(20, 30);
const ANY_SYNTAX = 'multipart/related; type="application/dicom"; transfer-syntax=*';

interface Instance {
  studyUid: string;
  seriesUid: string;
  sopUid: string;
  pixelData: Buffer;
}

function instanceOf(bytes: Uint8Array): Instance {
  const dataSet = dicomParser.parseDicom(bytes);
  const pixels = dataSet.elements.x7fe00010;
  if (pixels === undefined) throw new Error('no Pixel Data');
  return {
    studyUid: dataSet.string('x0020000d') ?? '',
    seriesUid: dataSet.string('x0020000e') ?? '',
    sopUid: dataSet.string('x00080018') ?? '',
    pixelData: Buffer.from(bytes.buffer, bytes.byteOffset + pixels.dataOffset, pixels.length),
  };
}

const corpus = (files: string[]) => files.map((f) => instanceOf(corpusFile(f)));
const { studyUid: STUDY, seriesUid: SERIES } = instanceOf(corpusFile(SLICES[0]!));

/** Each expected instance is among `got` with the same SOP Instance UID and byte-identical pixel data. */
function expectSameInstances(got: Instance[], expected: Instance[]): void {
  const bySop = new Map(got.map((i) => [i.sopUid, i]));
  for (const instance of expected) {
    const found = bySop.get(instance.sopUid);
    expect(found, instance.sopUid).toBeDefined();
    expect(found!.pixelData.equals(instance.pixelData), `pixel data of ${instance.sopUid}`).toBe(true);
  }
}

async function orthancInstances(orthanc: RunningOrthanc): Promise<Instance[]> {
  const ids = (await (await orthanc.fetch('/instances')).json()) as string[];
  const instances: Instance[] = [];
  for (const id of ids) instances.push(instanceOf(new Uint8Array(await (await orthanc.fetch(`/instances/${id}/file`)).arrayBuffer())));
  return instances;
}

async function archiveInstances(archive: TestArchive): Promise<Instance[]> {
  const { status, parts } = await getMultipart(archive, `${archive.dicomWeb}/studies/${STUDY}`, ANY_SYNTAX);
  expect(status).toBe(200);
  return parts.map((p) => instanceOf(p.body));
}

describe('real peer quirks (issue 13 item 8)', () => {
  let archive: TestArchive;
  let proxy: FaultProxy;
  let orthanc: RunningOrthanc;
  beforeAll(async () => {
    archive = await startTestArchive();
    proxy = await startFaultProxy(Number(new URL(archive.url).port));
    proxy.capture(true);
    orthanc = await startOrthanc({
      users: { orthanc: 'orthanc-test-password' },
      servers: { pacs: { url: `${proxy.url}/dicom-web`, username: TEST_ADMIN.username, password: TEST_ADMIN.password } },
    });
    await expectStored(
      archive,
      RETRIEVED.map((f) => corpusFile(f)),
    );
  }, 60_000);
  afterAll(async () => {
    await orthanc?.stop();
    await proxy?.close();
    await archive?.stop();
  });

  it('Orthanc 1.10.1 STOW-RS client: 73-character multipart boundary (RFC 2046 says 70)', async () => {
    let studyId = '';
    for (const file of PUSHED) {
      const res = await orthanc.fetch('/instances', { method: 'POST', body: corpusFile(file) });
      studyId = ((await res.json()) as { ParentStudy: string }).ParentStudy;
    }
    const before = proxy.capturedRequests().length;
    const res = await orthanc.fetch('/dicom-web/servers/pacs/stow', { method: 'POST', body: JSON.stringify({ Resources: [studyId] }) });
    expect(res.status, orthanc.log().slice(-1000)).toBe(200);
    expect(await res.json()).toMatchObject({ InstancesCount: String(PUSHED.length) });

    const stow = proxy.capturedRequests().slice(before);
    expect(stow.map((r) => `${r.method} ${r.target}`)).toEqual(['POST /dicom-web/studies']);
    const boundary = multipartBoundary(stow[0]!.headers['content-type']!);
    expect(boundary).toHaveLength(73);
    // The rest of its wire format, all within the standard: chunked, a Content-Length per part.
    expect(stow[0]!.headers['transfer-encoding']).toBe('chunked');
    expect(decodeMultipart(stow[0]!.body, boundary)[0]!.headers).toEqual({
      'content-type': 'application/dicom',
      'content-length': expect.stringMatching(/^\d+$/),
    });
    const pushed = corpus(PUSHED);
    expect(proxy.sentSopInstanceUids().sort()).toEqual(pushed.map((i) => i.sopUid).sort());
    expectSameInstances(await archiveInstances(archive), pushed);
  });

  it('Orthanc 1.10.1 DICOMweb client app: QIDO-RS with fuzzymatching=true, limit and hex tag keys', async () => {
    // As its web app's lookup sends them (servers/{name}/qido, Arguments), then the series' instances as its preview does.
    const found = await orthanc.fetch('/dicom-web/servers/pacs/qido', {
      method: 'POST',
      body: JSON.stringify({ Uri: '/studies', Arguments: { fuzzymatching: 'true', limit: '101', '0020000D': STUDY } }),
    });
    expect(found.status, orthanc.log().slice(-1000)).toBe(200);
    // servers/{name}/qido answers in Orthanc's own JSON: one string Value per tag.
    const studies = (await found.json()) as Record<string, { Value?: unknown }>[];
    expect(studies.map((s) => s['0020000D']?.Value)).toEqual([STUDY]);

    const listed = await orthanc.fetch('/dicom-web/servers/pacs/get', {
      method: 'POST',
      body: JSON.stringify({ Uri: `/studies/${STUDY}/series/${SERIES}/instances`, Arguments: { includefield: '00080018' } }),
    });
    expect(listed.status).toBe(200);
    const sops = ((await listed.json()) as Record<string, { Value?: unknown[] }>[]).map((i) => i['00080018']?.Value?.[0]);
    expect(sops).toEqual(expect.arrayContaining(corpus(RETRIEVED).map((i) => i.sopUid)));
    const queries = proxy.capturedRequests().filter((r) => r.target.startsWith('/dicom-web/studies?'));
    expect(queries.at(-1)?.target).toMatch(/fuzzymatching=true/);
    expect(queries.at(-1)?.headers.accept).toBe('*/*');
  });

  it('Orthanc 1.10.1 WADO-RS client: retrieve with Accept transfer-syntax=*', async () => {
    const res = await orthanc.fetch('/dicom-web/servers/pacs/retrieve', {
      method: 'POST',
      body: JSON.stringify({ Resources: [{ Study: STUDY, Series: SERIES }] }),
    });
    expect(res.status, orthanc.log().slice(-1000)).toBe(200);
    expect(Number(((await res.json()) as { ReceivedInstancesCount: string }).ReceivedInstancesCount)).toBeGreaterThanOrEqual(
      RETRIEVED.length,
    );
    const retrieve = proxy.capturedRequests().filter((r) => r.target === `/dicom-web/studies/${STUDY}/series/${SERIES}`);
    expect(retrieve.map((r) => r.headers.accept)).toEqual([ANY_SYNTAX]);
    expectSameInstances(await orthancInstances(orthanc), corpus(RETRIEVED));
  });

  it('Orthanc 1.10.1 WADO-RS server: its answers, read by both our multipart readers', async () => {
    // Its server cuts the same two-UUID boundary to 70 characters; only its STOW-RS client writes 73.
    for (const file of READ) await orthanc.fetch('/instances', { method: 'POST', body: corpusFile(file) });
    const read = corpus(READ);
    const url = `${orthanc.dicomWeb}/studies/${STUDY}/series/${SERIES}`;
    // The streaming reader of server/http (as a fetch from a peer reads), then the whole-body decoder of shared/.
    const streamed = await getMultipart(orthanc, url, ANY_SYNTAX);
    expect(streamed.status).toBe(200);
    expect(multipartBoundary(streamed.contentType)).toMatch(/^[0-9a-f-]{70}$/);
    expectSameInstances(
      streamed.parts.map((p) => instanceOf(p.body)),
      read,
    );
    const res = await orthanc.fetch(url, { headers: { accept: ANY_SYNTAX } });
    const decoded: Instance[] = [];
    const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
    for await (const part of multipartParts(body, multipartBoundary(res.headers.get('content-type') ?? '')))
      decoded.push(instanceOf(part.body));
    expectSameInstances(decoded, read);
  });

  it('what we write keeps to RFC 2046: our WADO-RS boundary is at most 70 characters', async () => {
    const { contentType, parts } = await getMultipart(archive, `${archive.dicomWeb}/studies/${STUDY}`, ANY_SYNTAX);
    expect(parts.length).toBeGreaterThan(0);
    expect(multipartBoundary(contentType).length).toBeLessThanOrEqual(MAX_RFC2046_BOUNDARY_LENGTH);
  });
});
