/**
 * The viewer's files are sent pre-compressed (the .br/.gz siblings build-viewer writes), chosen by
 * Accept-Encoding with its q-values, byte for byte the built file once decoded, with immutable
 * caching for the hashed assets and revalidation for index.html.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIEWER_DIST } from '../../server/viewer/viewer-paths';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** node:http, not fetch: fetch decodes Content-Encoding itself and would hide what was sent. */
function get(url: string, headers: Record<string, string>, method = 'GET'): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    http
      .request(url, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject)
      .end();
  });
}

describe('viewer assets', () => {
  let archive: TestArchive;
  let entry: string; // /assets/index-<hash>.js, the entry script index.html loads
  let original: Buffer;

  beforeAll(async () => {
    archive = await startTestArchive();
    const html = fs.readFileSync(path.join(VIEWER_DIST, 'index.html'), 'utf8');
    entry = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] ?? '';
    expect(entry).toMatch(/^\/assets\/index-[\w-]+\.js$/);
    original = fs.readFileSync(path.join(VIEWER_DIST, entry));
  });
  afterAll(async () => {
    await archive?.stop();
  });

  const expectImmutable = (answer: RawAnswer) => {
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(answer.headers.vary).toMatch(/accept-encoding/i);
    expect(answer.headers['content-type']).toMatch(/^text\/javascript/);
  };

  it('sends brotli when the browser accepts it, byte for byte the built file', async () => {
    const answer = await get(archive.url + entry, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('br');
    expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
    expect(answer.body.length).toBeLessThan(original.length / 2);
    expect(zlib.brotliDecompressSync(answer.body).equals(original)).toBe(true);
    expectImmutable(answer);
  });

  it('sends gzip when only gzip is accepted, or when the q-values rank it first', async () => {
    for (const accept of ['gzip', 'br;q=0.5, gzip', 'gzip;q=1, *;q=0.1']) {
      const answer = await get(archive.url + entry, { 'accept-encoding': accept });
      expect(answer.headers['content-encoding'], accept).toBe('gzip');
      expect(zlib.gunzipSync(answer.body).equals(original)).toBe(true);
      expectImmutable(answer);
    }
  });

  it('sends the file itself when neither coding is accepted', async () => {
    for (const accept of ['', 'identity', 'deflate', 'br;q=0, gzip;q=0', 'gzip;q=0.5, identity']) {
      const answer = await get(archive.url + entry, accept ? { 'accept-encoding': accept } : {});
      expect(answer.headers['content-encoding'], accept).toBeUndefined();
      expect(answer.body.equals(original)).toBe(true);
      expectImmutable(answer);
    }
  });

  it('answers HEAD and Range on the compressed bytes', async () => {
    const compressed = fs.readFileSync(path.join(VIEWER_DIST, `${entry}.br`));
    const head = await get(archive.url + entry, { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBe('br');
    expect(Number(head.headers['content-length'])).toBe(compressed.length);
    expect(head.body.length).toBe(0);

    const range = await get(archive.url + entry, { 'accept-encoding': 'br', range: 'bytes=10-109' });
    expect(range.status).toBe(206);
    expect(range.headers['content-encoding']).toBe('br');
    expect(range.headers['content-range']).toBe(`bytes 10-109/${compressed.length}`);
    expect(range.body.equals(compressed.subarray(10, 110))).toBe(true);
  });

  it('compresses index.html too, which is revalidated, never immutable', async () => {
    const answer = await get(`${archive.url}/viewer`, { 'accept-encoding': 'gzip, br' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('br');
    expect(answer.headers['content-type']).toMatch(/^text\/html/);
    expect(answer.headers['cache-control']).toBe('no-cache');
    expect(answer.headers.vary).toMatch(/accept-encoding/i);
    expect(zlib.brotliDecompressSync(answer.body).equals(fs.readFileSync(path.join(VIEWER_DIST, 'index.html')))).toBe(true);
  });

  it('has written a compressed sibling of every script, style sheet and codec of the build', () => {
    const assets = fs.readdirSync(path.join(VIEWER_DIST, 'assets'));
    const big = assets.filter((name) => /\.(js|css|wasm)$/.test(name) && fs.statSync(path.join(VIEWER_DIST, 'assets', name)).size > 1024);
    expect(big.length).toBeGreaterThan(5);
    for (const name of big) expect(assets, name).toEqual(expect.arrayContaining([`${name}.br`, `${name}.gz`]));
  });
});
