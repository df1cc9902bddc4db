import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptsGzip } from '../../server/http/send-json';
import { corpusFile } from '../helpers/corpus';
import { expectStored } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

const CT_STUDY = '1.3.6.1.4.1.14519.5.2.1.21087345762211724523378497892240459677';
const CT_SERIES = '1.3.6.1.4.1.14519.5.2.1.302382790855582445722435410442490497846';
const ct = (n: number) => corpusFile(`series/ct-abdomen-philips-tcia/1-0${n}.dcm`);

/** A raw GET (Node's fetch would decompress and hide Content-Encoding). */
function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { authorization: auth, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

let auth = '';

describe('metadata: gzip and ETag revalidation', () => {
  let archive: TestArchive;
  let url: string;
  beforeAll(async () => {
    archive = await startTestArchive();
    auth = archive.adminAuthorization;
    await expectStored(archive, [ct(40), ct(41), ct(42)]);
    url = `${archive.dicomWeb}/studies/${CT_STUDY}/series/${CT_SERIES}/metadata`;
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('gzips for clients that accept it, with the same JSON', async () => {
    const plain = await get(url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const zipped = await get(url, { 'accept-encoding': 'gzip, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['content-type']).toMatch(/^application\/dicom\+json/);
    expect(zipped.body.length).toBeLessThan(plain.body.length / 3);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect(JSON.parse(plain.body.toString())).toHaveLength(3);
  });

  it('answers 304 to a matching If-None-Match until the study changes', async () => {
    const first = await get(url);
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^W\/".+"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const again = await get(url, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);

    await expectStored(archive, [ct(43)]);
    const changed = await get(url, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(JSON.parse(changed.body.toString())).toHaveLength(4);
    // A wrong series in the same study is still a 404, validator or not.
    const wrong = await get(`${archive.dicomWeb}/studies/${CT_STUDY}/series/1.2.3/metadata`, { 'if-none-match': changed.headers.etag! });
    expect(wrong.status).toBe(404);
  });

  it('reads Accept-Encoding weights', () => {
    expect(acceptsGzip('gzip')).toBe(true);
    expect(acceptsGzip('deflate, gzip;q=0.5')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('br')).toBe(false);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});
