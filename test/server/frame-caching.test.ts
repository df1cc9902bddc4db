import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { IMMUTABLE_MAX_AGE } from '../../server/http/cache-policy';
import { adminHeaders, bearer, call, createShare, sessionCookieOf, storeAs, type HeaderMap } from '../helpers/access-client';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { firstValue } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * Reopening costs nothing (issue 11 item 5), over real HTTP: frames, bulk data and rendered
 * images carry a validator and the cache policy of http/cache-policy.ts; a matching
 * If-None-Match is a 304 without a body, but never for a principal who may no longer read.
 */

/** The NEMA CT stored as JPEG-LS: its frame as stored (image/jls) or decoded (octet-stream). */
const JLS = corpusEntry('transfer-syntaxes/ct1-1.2.4.80_jpeg-ls-lossless.dcm');
const AS_STORED = 'multipart/related; type="image/jls"';
const DECODED = 'multipart/related; type="application/octet-stream"';
const USER_POLICY = `private, max-age=${IMMUTABLE_MAX_AGE}, immutable`;
const GUEST_POLICY = 'private, no-store';

const instancePath = (study: string, series: string, sop: string) => `/dicom-web/studies/${study}/series/${series}/instances/${sop}`;
const ORIGINAL = instancePath(JLS.studyInstanceUID!, JLS.seriesInstanceUID!, JLS.sopInstanceUID!);

interface Raw {
  status: number;
  headers: Headers;
  body: Buffer;
}

describe('caching frames, bulk data and rendered images', () => {
  let archive: TestArchive;
  let admin: HeaderMap;
  beforeAll(async () => {
    archive = await startTestArchive();
    admin = adminHeaders(archive);
    expect((await storeAs(archive, admin, [corpusFile(JLS.path)])).status).toBe(200);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  const get = async (path: string, headers: HeaderMap): Promise<Raw> => {
    const res = await fetch(`${archive.url}${path}`, { headers });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };
  const varyOf = (answer: Raw) => (answer.headers.get('vary') ?? '').split(',').map((v) => v.trim().toLowerCase());

  it('gives a frame a strong ETag and a year of immutable private caching, and answers a matching If-None-Match with 304', async () => {
    const first = await get(`${ORIGINAL}/frames/1`, { ...admin, accept: AS_STORED });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(first.headers.get('cache-control')).toBe(USER_POLICY);
    expect(varyOf(first)).toEqual(expect.arrayContaining(['accept', 'authorization', 'cookie']));
    // A strong validator promises the same bytes, multipart boundary included.
    const again = await get(`${ORIGINAL}/frames/1`, { ...admin, accept: AS_STORED });
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.body.equals(first.body)).toBe(true);

    const revalidated = await get(`${ORIGINAL}/frames/1`, { ...admin, accept: AS_STORED, 'if-none-match': etag });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body.length).toBe(0);
    expect(revalidated.headers.get('etag')).toBe(etag);
    expect(revalidated.headers.get('cache-control')).toBe(USER_POLICY);
    expect((await get(`${ORIGINAL}/frames/1`, { ...admin, accept: AS_STORED, 'if-none-match': `"other", ${etag}` })).status).toBe(304);

    // Decoded is another representation: another tag, and the stored form's tag does not match it.
    const decoded = await get(`${ORIGINAL}/frames/1`, { ...admin, accept: DECODED, 'if-none-match': etag });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('etag')).not.toBe(etag);
    expect(decoded.body.length).toBeGreaterThan(first.body.length);
    // An error answer carries no freshness.
    const missing = await get(`${ORIGINAL}/frames/2`, { ...admin, accept: AS_STORED });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('etag')).toBeNull();
    expect(missing.headers.get('cache-control')).not.toBe(USER_POLICY);
  });

  it('caches bulk data the same way, and honours If-Range with the tag', async () => {
    const url = `${ORIGINAL}/bulkdata/7FE00010`;
    const whole = await get(url, { ...admin, accept: 'application/octet-stream' });
    expect(whole.status).toBe(200);
    const etag = whole.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(whole.headers.get('cache-control')).toBe(USER_POLICY);
    const notModified = await get(url, { ...admin, accept: 'application/octet-stream', 'if-none-match': etag });
    expect([notModified.status, notModified.body.length]).toEqual([304, 0]);
    const multipart = await get(url, { ...admin, accept: 'multipart/related; type="application/octet-stream"' });
    expect(multipart.headers.get('etag')).not.toBe(etag);

    const range = { ...admin, accept: 'application/octet-stream', range: 'bytes=0-9' };
    const part = await get(url, { ...range, 'if-range': etag });
    expect([part.status, part.body.equals(whole.body.subarray(0, 10))]).toEqual([206, true]);
    expect(part.headers.get('etag')).toBe(etag);
    const stale = await get(url, { ...range, 'if-range': '"something-else"' });
    expect([stale.status, stale.body.length]).toEqual([200, whole.body.length]);
  });

  it('keeps rendered images revalidated (weak tags: the encoder makes their bytes)', async () => {
    const rendered = await get(`${ORIGINAL}/rendered`, admin);
    expect(rendered.headers.get('etag')).toMatch(/^W\/"/);
    expect(rendered.headers.get('cache-control')).toBe('private, no-cache');
    const thumbnail = await get(`${ORIGINAL}/thumbnail`, admin);
    expect(thumbnail.headers.get('cache-control')).toBe('private, max-age=300');
    expect((await get(`${ORIGINAL}/thumbnail`, { ...admin, 'if-none-match': thumbnail.headers.get('etag')! })).status).toBe(304);
  });

  it('lets nothing of a share link outlive it: no-store for guests, and no 304 once it is revoked', async () => {
    const adminFrame = await get(`${ORIGINAL}/frames/1`, { ...admin, accept: AS_STORED });
    const share = await createShare(archive, { studyInstanceUID: JLS.studyInstanceUID });
    const opened = await call(archive, 'POST', '/api/shares/open', {}, { token: share.token });
    expect(opened.status).toBe(200);
    const guests: Array<[string, HeaderMap]> = [
      ['session', sessionCookieOf(opened)],
      ['bearer', bearer(share.token)],
    ];
    for (const [via, credentials] of guests) {
      const frame = await get(`${ORIGINAL}/frames/1`, { ...credentials, accept: AS_STORED });
      expect(frame.status, via).toBe(200);
      expect(frame.headers.get('cache-control'), via).toBe(GUEST_POLICY);
      expect(frame.body.equals(adminFrame.body), via).toBe(true);
      const etag = frame.headers.get('etag')!;
      expect(etag, via).toBe(adminFrame.headers.get('etag'));
      const notModified = await get(`${ORIGINAL}/frames/1`, { ...credentials, accept: AS_STORED, 'if-none-match': etag });
      expect([notModified.status, notModified.headers.get('cache-control')], via).toEqual([304, GUEST_POLICY]);
      const bulk = await get(`${ORIGINAL}/bulkdata/7FE00010`, { ...credentials, accept: 'application/octet-stream' });
      expect(bulk.headers.get('cache-control'), via).toBe(GUEST_POLICY);
      for (const kind of ['rendered', 'thumbnail']) {
        const image = await get(`${ORIGINAL}/${kind}`, credentials);
        expect([image.status, image.headers.get('cache-control')], `${via} ${kind}`).toEqual([200, GUEST_POLICY]);
      }
      // Metadata and WADO-URI images are patient data too: nothing of them stays on a guest's disk.
      const metadata = await get(`${ORIGINAL}/metadata`, { ...credentials, accept: 'application/dicom+json' });
      expect([metadata.status, metadata.headers.get('cache-control')], `${via} metadata`).toEqual([200, GUEST_POLICY]);
      const wadoUri = await get(
        `/wado?requestType=WADO&studyUID=${JLS.studyInstanceUID}&seriesUID=${JLS.seriesInstanceUID}&objectUID=${JLS.sopInstanceUID}&contentType=image/jpeg`,
        credentials,
      );
      expect([wadoUri.status, wadoUri.headers.get('cache-control')], `${via} WADO-URI`).toEqual([200, GUEST_POLICY]);
    }

    expect((await call(archive, 'DELETE', `/api/shares/${share.id}`, admin)).status).toBe(204);
    for (const [via, credentials] of guests) {
      const refused = await get(`${ORIGINAL}/frames/1`, {
        ...credentials,
        accept: AS_STORED,
        'if-none-match': adminFrame.headers.get('etag')!,
      });
      expect(refused.status, via).toBe(401);
      expect(refused.headers.get('etag'), via).toBeNull();
    }
  });

  it('gives an anonymized share its own tags for the same frame', async () => {
    const adminFrame = await get(`${ORIGINAL}/frames/1`, { ...admin, accept: AS_STORED });
    const share = await createShare(archive, { studyInstanceUID: JLS.studyInstanceUID, anonymize: true });
    const guest = bearer(share.token);
    const instances = (await call(archive, 'GET', '/dicom-web/instances', guest)).json as DicomJson[];
    expect(instances).toHaveLength(1);
    const [study, series, sop] = ['0020000D', '0020000E', '00080018'].map((tag) => String(firstValue(instances[0]!, tag)));
    expect(sop).not.toBe(JLS.sopInstanceUID);
    const frame = await get(`${instancePath(study!, series!, sop!)}/frames/1`, { ...guest, accept: AS_STORED });
    expect(frame.status).toBe(200);
    expect(frame.headers.get('cache-control')).toBe(GUEST_POLICY);
    expect(frame.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(frame.headers.get('etag')).not.toBe(adminFrame.headers.get('etag'));
    // The admin's tag is no validator for the guest's representation (it names other UIDs).
    const path = `${instancePath(study!, series!, sop!)}/frames/1`;
    expect((await get(path, { ...guest, accept: AS_STORED, 'if-none-match': adminFrame.headers.get('etag')! })).status).toBe(200);
  });
});
