import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrame } from '../../server/codecs/codec-registry';
import { readHtj2kLayout } from '../../shared/codecs/htj2k-codestream';
import { corpusEntry, corpusFile, corpusInstanceUrl } from '../helpers/corpus';
import { corpusGeometry } from '../helpers/corpus-geometry';
import { getMultipart, stowFiles } from '../helpers/dicomweb-http';
import { decodeHtj2k } from '../helpers/htj2k-rpcl';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * Retrieve Frames encoded on Accept (issue 11 item 2): frames stored native, as JPEG-LS or as
 * JPEG 2000 asked as JPEG-LS (.80), HTJ2K (.201) and HTJ2K RPCL (.202), bare and multipart,
 * decoded by our decoders to exactly the stored pixels; .202 carries its TLM and a tile-part per
 * resolution; byte ranges of a bare frame; lossy only when named; clear 406s.
 */

const CT = 'series/ct-abdomen-philips-tcia/1-036.dcm'; // native, 512², 16-bit
const JLS_2F = 'multiframe/enhanced-ct-2f-jpeg-ls-bot-not-fragmented.dcm'; // JPEG-LS, 2 frames
const J2K = 'transfer-syntaxes/ct1-1.2.4.90_jpeg2000-lossless.dcm'; // JPEG 2000 lossless
const CORRUPT_SOURCE = 'transfer-syntaxes/mr-siemens-trio-1.2.4.80_jpeg-ls-lossless-charls.dcm';

const JLS = '1.2.840.10008.1.2.4.80';
const HTJ2K = '1.2.840.10008.1.2.4.201';
const RPCL = '1.2.840.10008.1.2.4.202';
const HTJ2K_LOSSY = '1.2.840.10008.1.2.4.203';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const MEDIA: Record<string, string> = { [JLS]: 'image/jls', [HTJ2K]: 'image/jphc', [RPCL]: 'image/jphc', [HTJ2K_LOSSY]: 'image/jphc' };
const DECODED = 'multipart/related; type="application/octet-stream"';

const multipart = (uid: string) => `multipart/related; type="${MEDIA[uid]}"; transfer-syntax=${uid}`;
const bare = (uid: string) => `${MEDIA[uid]}; transfer-syntax=${uid}`;

describe('Retrieve Frames encoded on Accept', () => {
  let archive: TestArchive;
  /** Each file's frames decoded by the archive (as stored for the native CT): the pixels every encoding must give back. */
  const reference = new Map<string, Buffer[]>();
  const url = (path: string, frames: string) => `${corpusInstanceUrl(archive.dicomWeb, corpusEntry(path))}/frames/${frames}`;
  const allFrames = (path: string) => (path === JLS_2F ? '1,2' : '1');

  beforeAll(async () => {
    archive = await startTestArchive();
    expect((await stowFiles(archive, [CT, JLS_2F, J2K].map(corpusFile))).status).toBe(200);
    for (const path of [CT, JLS_2F, J2K]) {
      const answer = await getMultipart(archive, url(path, allFrames(path)), DECODED);
      expect(answer.status, path).toBe(200);
      reference.set(
        path,
        answer.parts.map((p) => p.body),
      );
    }
  });
  afterAll(async () => {
    await archive?.stop();
  });

  for (const path of [CT, JLS_2F, J2K]) {
    for (const uid of [JLS, HTJ2K, RPCL]) {
      it(`gives ${path} in ${uid}, multipart, decoding to the stored pixels`, async () => {
        const answer = await getMultipart(archive, url(path, allFrames(path)), multipart(uid));
        expect(answer.status).toBe(200);
        expect(answer.parts.length).toBe(reference.get(path)!.length);
        for (const [k, part] of answer.parts.entries()) {
          expect(part.headers['content-type']).toBe(`${MEDIA[uid]}; transfer-syntax=${uid}`);
          const expected = reference.get(path)![k]!;
          expect(part.body.length).toBeLessThan(expected.length); // compressed
          const decoded = await decodeFrame(uid, part.body, corpusGeometry(path));
          expect(Buffer.from(decoded.pixels).equals(expected), `${path} frame ${k + 1}`).toBe(true);
        }
      });
    }
  }

  it('gives one frame as a bare image/jphc body, RPCL with a TLM and a tile-part per resolution', async () => {
    const res = await archive.fetch(url(JLS_2F, '2'), { headers: { accept: bare(RPCL) } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(`image/jphc; transfer-syntax=${RPCL}`);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    const codestream = new Uint8Array(await res.arrayBuffer());
    const decoded = await decodeFrame(RPCL, codestream, corpusGeometry(JLS_2F));
    expect(Buffer.from(decoded.pixels).equals(reference.get(JLS_2F)![1]!)).toBe(true);

    const layout = readHtj2kLayout(codestream);
    expect(layout).toMatchObject({ width: 512, height: 512, components: 1, progressionOrder: 'RPCL' });
    expect(layout.resolutionEnds).toBeDefined();
    expect(layout.tilePartEnds.length).toBe(layout.decompositions + 1);
    // The prefix up to tile-part r decodes, at resolution r, to what the whole codestream gives there.
    for (let r = 0; r < layout.decompositions; r++) {
      const level = layout.decompositions - r;
      const fromPrefix = await decodeHtj2k(codestream.subarray(0, layout.resolutionEnds![r]!), level);
      expect(Buffer.from(fromPrefix).equals(Buffer.from(await decodeHtj2k(codestream, level))), `resolution ${r}`).toBe(true);
      expect(fromPrefix.length).toBe(2 * Math.ceil(512 / 2 ** level) ** 2);
    }
  });

  for (const uid of [JLS, HTJ2K]) {
    it(`gives one frame of a multi-frame file as a bare ${MEDIA[uid]} body in ${uid}`, async () => {
      const res = await archive.fetch(url(JLS_2F, '2'), { headers: { accept: bare(uid) } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(`${MEDIA[uid]}; transfer-syntax=${uid}`);
      const decoded = await decodeFrame(uid, new Uint8Array(await res.arrayBuffer()), corpusGeometry(JLS_2F));
      expect(Buffer.from(decoded.pixels).equals(reference.get(JLS_2F)![1]!)).toBe(true);
    });
  }

  it('a bare frame list of more than one frame is not acceptable without multipart', async () => {
    const res = await archive.fetch(url(JLS_2F, '1,2'), { headers: { accept: bare(HTJ2K) } });
    expect(res.status).toBe(406);
  });

  describe('byte ranges of a bare frame', () => {
    const frameUrl = () => url(CT, '1');
    const get = (headers: Record<string, string>) => archive.fetch(frameUrl(), { headers: { accept: bare(RPCL), ...headers } });

    it('a prefix and the remainder, fetched apart, are exactly the whole codestream', async () => {
      const whole = await get({});
      expect(whole.status).toBe(200);
      const etag = whole.headers.get('etag')!;
      const body = Buffer.from(await whole.arrayBuffer());
      const cut = readHtj2kLayout(body).resolutionEnds![2]!;

      const prefix = await get({ range: `bytes=0-${cut - 1}` });
      expect(prefix.status).toBe(206);
      expect(prefix.headers.get('content-range')).toBe(`bytes 0-${cut - 1}/${body.length}`);
      expect(prefix.headers.get('etag')).toBe(etag);
      const rest = await get({ range: `bytes=${cut}-`, 'if-range': etag });
      expect(rest.status).toBe(206);
      expect(rest.headers.get('content-range')).toBe(`bytes ${cut}-${body.length - 1}/${body.length}`);
      const joined = Buffer.concat([Buffer.from(await prefix.arrayBuffer()), Buffer.from(await rest.arrayBuffer())]);
      expect(joined.equals(body)).toBe(true);

      const suffix = await get({ range: 'bytes=-100' });
      expect(suffix.status).toBe(206);
      expect(Buffer.from(await suffix.arrayBuffer()).equals(body.subarray(body.length - 100))).toBe(true);
    });

    it('sends the whole frame when If-Range names another tag, 416 outside it, and ignores Range on multipart', async () => {
      const whole = await get({});
      const body = Buffer.from(await whole.arrayBuffer());
      const stale = await get({ range: 'bytes=0-99', 'if-range': '"not-this-one"' });
      expect(stale.status).toBe(200);
      expect(Buffer.from(await stale.arrayBuffer()).equals(body)).toBe(true);

      const outside = await get({ range: `bytes=${body.length}-` });
      expect(outside.status).toBe(416);
      expect(outside.headers.get('content-range')).toBe(`bytes */${body.length}`);
      await outside.arrayBuffer();

      const parts = await archive.fetch(frameUrl(), { headers: { accept: multipart(RPCL), range: 'bytes=0-99' } });
      expect(parts.status).toBe(200);
      expect(parts.headers.get('content-type')).toMatch(/^multipart\/related/);
      expect((await parts.arrayBuffer()).byteLength).toBeGreaterThan(body.length);
    });

    it('ranges of a frame as stored work the same way', async () => {
      const stored = (headers: Record<string, string>) =>
        archive.fetch(url(J2K, '1'), { headers: { accept: 'image/jp2; transfer-syntax=1.2.840.10008.1.2.4.90', ...headers } });
      const body = Buffer.from(await (await stored({})).arrayBuffer());
      const part = await stored({ range: 'bytes=10-19' });
      expect(part.status).toBe(206);
      expect(Buffer.from(await part.arrayBuffer()).equals(body.subarray(10, 20))).toBe(true);
    });
  });

  describe('negotiation', () => {
    const contentTypes = async (accept: string, path = CT) => {
      const answer = await getMultipart(archive, url(path, '1'), accept);
      return { status: answer.status, types: answer.parts.map((p) => p.headers['content-type']) };
    };
    const refusal = async (accept: string, path = CT) => {
      const res = await archive.fetch(url(path, '1'), { headers: { accept } });
      const text = await res.text();
      return { status: res.status, message: res.status === 406 ? (JSON.parse(text) as { message: string }).message : text };
    };

    it('keeps the stored form for *, */* and transfer-syntax=*, and within one Accept range', async () => {
      expect(await contentTypes('*/*')).toEqual({ status: 200, types: ['application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1'] });
      expect(await contentTypes('multipart/related; type="application/octet-stream"; transfer-syntax=*', J2K)).toEqual({
        status: 200,
        types: ['image/jp2; transfer-syntax=1.2.840.10008.1.2.4.90'],
      });
      expect(await contentTypes('multipart/related; type="image/*"', J2K)).toEqual({
        status: 200,
        types: ['image/jp2; transfer-syntax=1.2.840.10008.1.2.4.90'],
      });
      // image/jphc alone means its default syntax, lossless HTJ2K, never the lossy one.
      expect(await contentTypes('multipart/related; type="image/jphc"')).toEqual({
        status: 200,
        types: [`image/jphc; transfer-syntax=${HTJ2K}`],
      });
    });

    it('encodes lossy HTJ2K only when it is named', async () => {
      const lossy = await getMultipart(archive, url(CT, '1'), multipart(HTJ2K_LOSSY));
      expect(lossy.status).toBe(200);
      expect(lossy.parts[0]!.headers['content-type']).toBe(`image/jphc; transfer-syntax=${HTJ2K_LOSSY}`);
      const lossless = await getMultipart(archive, url(CT, '1'), multipart(HTJ2K));
      expect(lossy.parts[0]!.body.length).toBeLessThan(lossless.parts[0]!.body.length);
      const decoded = await decodeFrame(HTJ2K_LOSSY, lossy.parts[0]!.body, corpusGeometry(CT));
      expect(decoded.pixels.length).toBe(512 * 512 * 2);
      // Named through JPEG baseline's media type without the syntax: no lossy JPEG.
      expect((await refusal('multipart/related; type="image/jpeg"')).status).toBe(406);
    });

    it('refuses what it cannot make with a 406 that says why', async () => {
      const baseline = await refusal(`multipart/related; type="image/jpeg"; transfer-syntax=${JPEG_BASELINE}`);
      expect(baseline.status).toBe(406);
      expect(baseline.message).toMatch(/8-bit/);
      const unknown = await refusal('multipart/related; type="image/jphc"; transfer-syntax=1.2.3.4');
      expect(unknown.status).toBe(406);
      expect(unknown.message).toContain('1.2.3.4 is not a transfer syntax the archive knows');
      const rle = await refusal('multipart/related; type="image/dicom-rle"; transfer-syntax=1.2.840.10008.1.2.5');
      expect(rle.status).toBe(406);
      expect(rle.message).toContain('does not encode frames in RLE Lossless');
      expect(rle.message).toContain(RPCL);
    });
  });

  it('answers a stored frame that cannot be decoded with a clean 406 and keeps serving', async () => {
    // A JPEG-LS frame whose start-of-frame marker (FF F7) is made a comment-less reserved marker.
    const file = Buffer.from(corpusFile(CORRUPT_SOURCE));
    const sof = file.indexOf(Buffer.from([0xff, 0xd8, 0xff, 0xf7]));
    expect(sof).toBeGreaterThan(0);
    file[sof + 3] = 0x01;
    expect((await stowFiles(archive, [file])).status).toBe(200);
    const res = await archive.fetch(url(CORRUPT_SOURCE, '1'), { headers: { accept: multipart(RPCL) } });
    expect(res.status).toBe(406);
    expect(((await res.json()) as { message: string }).message).toBeTruthy();
    const again = await archive.fetch(url(CORRUPT_SOURCE, '1'), { headers: { accept: bare(JLS) } });
    expect(again.status).toBe(200); // as stored: JPEG-LS named, the stored bytes go
    await again.arrayBuffer();
    expect((await getMultipart(archive, url(CT, '1'), multipart(RPCL))).status).toBe(200);
  });
});
