import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusFile, corpusManifest } from '../helpers/corpus';
import { getMultipart, stowFiles, withZeroPreamble } from '../helpers/dicomweb-http';
import { objectFilesAfterRelease, openObjectFiles } from '../helpers/open-object-files';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * Retrieve Study/Series as stored copies each object through read buffers reused from object to
 * object (server/storage/pooled-file-copy.ts): every byte must still arrive, in order, for objects
 * smaller than, just over and many times one buffer, and a client that leaves must not keep
 * objects open.
 */

const CT_SERIES = corpusManifest().filter((e) => e.path.startsWith('series/ct-abdomen-philips-tcia/'));
const BIG = 'large/enhanced-mr-canon-galan-dti-520f.dcm';
const SMALL = corpusManifest().find((e) => e.bytes < 4096 && e.transferSyntaxUID === '1.2.840.10008.1.2.1' && e.category === 'charsets')!;

describe('Retrieve as stored through reused buffers', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await startTestArchive();
    for (let i = 0; i < CT_SERIES.length; i += 20) {
      const stored = await stowFiles(
        archive,
        CT_SERIES.slice(i, i + 20).map((e) => corpusFile(e.path)),
      );
      expect(stored.status).toBe(200);
    }
    expect((await stowFiles(archive, [corpusFile(BIG), corpusFile(SMALL.path)])).status).toBe(200);
  }, 120_000);
  afterAll(() => archive?.close());

  it('sends every stored byte of a 40-slice series (objects just over one buffer each), in order', async () => {
    const { studyInstanceUID, seriesInstanceUID } = CT_SERIES[0]!;
    const answer = await getMultipart(archive, `${archive.dicomWeb}/studies/${studyInstanceUID}/series/${seriesInstanceUID}`);
    expect(answer.status).toBe(200);
    expect(answer.parts).toHaveLength(CT_SERIES.length);
    const sent = new Map(CT_SERIES.map((e) => [e.sopInstanceUID, withZeroPreamble(corpusFile(e.path))]));
    for (const part of answer.parts) {
      const sop = part.headers['content-location']!.split('/').at(-1)!;
      expect(Buffer.compare(part.body, sent.get(sop)!)).toBe(0);
      expect(Number(part.headers['content-length'])).toBe(part.body.length);
    }
  });

  it('announces the whole answer as stored with a Content-Length (no chunked coding), and one re-encoded without', async () => {
    const { studyInstanceUID, seriesInstanceUID } = CT_SERIES[0]!;
    const url = `${archive.dicomWeb}/studies/${studyInstanceUID}/series/${seriesInstanceUID}`;
    const stored = await archive.fetch(url, { headers: { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' } });
    const body = Buffer.from(await stored.arrayBuffer());
    expect(stored.headers.get('transfer-encoding')).toBeNull();
    expect(Number(stored.headers.get('content-length'))).toBe(body.length);
    expect(body.length).toBeGreaterThan(CT_SERIES.reduce((n, e) => n + e.bytes, 0));
    const reencoded = await archive.fetch(url, { headers: { accept: 'multipart/related; type="application/dicom"' } });
    await reencoded.arrayBuffer();
    expect(reencoded.status).toBe(200);
    expect(reencoded.headers.get('content-length')).toBeNull(); // Implicit VR stored, Explicit VR made: lengths not known ahead
  });

  it('sends a 6.9 MB object (14 buffers) and a 2 KB one exactly', async () => {
    for (const path of [BIG, SMALL.path]) {
      const entry = corpusManifest().find((e) => e.path === path)!;
      const answer = await getMultipart(archive, `${archive.dicomWeb}/studies/${entry.studyInstanceUID}/series/${entry.seriesInstanceUID}`);
      expect(answer.parts).toHaveLength(1);
      expect(Buffer.compare(answer.parts[0]!.body, withZeroPreamble(corpusFile(path)))).toBe(0);
    }
  });

  it('lets go of the stored object when the client goes away mid-study, and keeps serving', async () => {
    const { studyInstanceUID, seriesInstanceUID } = CT_SERIES[0]!;
    const controller = new AbortController();
    // 21 MB: more than the socket buffers and the client's read-ahead hold, so the copy waits mid-study.
    const res = await archive.fetch(`${archive.dicomWeb}/studies/${studyInstanceUID}`, {
      headers: { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(openObjectFiles(archive)).toBe(1); // one part at a time
    controller.abort();
    await reader.cancel().catch(() => undefined);
    expect(await objectFilesAfterRelease(archive)).toBe(0);
    const again = await getMultipart(archive, `${archive.dicomWeb}/studies/${studyInstanceUID}/series/${seriesInstanceUID}`);
    expect(again.parts).toHaveLength(CT_SERIES.length);
  });
});
