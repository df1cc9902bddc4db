import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startArchiveOn } from '../helpers/backends';
import { requireTool } from '../helpers/debian-tools';
import { corpusFile, corpusManifest, type CorpusEntry } from '../helpers/corpus';
import { getMultipart, stowFiles, withZeroPreamble, expectStored } from '../helpers/dicomweb-http';
import { objectFilesAfterRelease, openObjectFiles } from '../helpers/open-object-files';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * Study / series / instance download as application/zip: the archive is unpacked with Info-ZIP's
 * `unzip` and every entry compared byte for byte with the stored instance.
 */

const MR_STUDY = corpusManifest().filter((e) => e.path.startsWith('series/mr-ge-premier-study/'));
const CT_SERIES = corpusManifest().filter((e) => e.path.startsWith('series/ct-abdomen-philips-tcia/'));

const BIG = 'large/enhanced-mr-canon-galan-dti-520f.dcm';

const entryName = (e: CorpusEntry): string => `${e.studyInstanceUID}/${e.seriesInstanceUID}/${e.sopInstanceUID}.dcm`;

async function storeAll(archive: TestArchive, entries: CorpusEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 20) {
    const result = await stowFiles(
      archive,
      entries.slice(i, i + 20).map((e) => corpusFile(e.path)),
    );
    expect(result.status).toBe(200);
  }
}

/** Unpacks a ZIP body and returns its entries' bytes by name. */
function unzip(body: Buffer): Map<string, Buffer> {
  requireTool('unzip');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacs-zip-'));
  try {
    const file = path.join(dir, 'download.zip');
    fs.writeFileSync(file, body);
    execFileSync('unzip', ['-qq', file, '-d', path.join(dir, 'out')]);
    const names = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n');
    return new Map(names.map((name) => [name, fs.readFileSync(path.join(dir, 'out', name))]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function download(archive: TestArchive, url: string, accept?: string): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await archive.fetch(url, { headers: accept ? { accept } : {} });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

function expectEntries(entries: Map<string, Buffer>, expected: CorpusEntry[]): void {
  expect([...entries.keys()].sort()).toEqual(expected.map(entryName).sort());
  for (const e of expected) expect(entries.get(entryName(e))!.equals(withZeroPreamble(corpusFile(e.path))), e.path).toBe(true);
}

describe.each(BACKENDS)('ZIP download on %s storage', (backend) => {
  let archive: TestArchive;
  const study = MR_STUDY[0]!.studyInstanceUID!;
  const seriesUids = [...new Set(MR_STUDY.map((e) => e.seriesInstanceUID!))];
  beforeAll(async () => {
    archive = await startArchiveOn(backend);
    await storeAll(archive, MR_STUDY);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('returns the whole study as Part 10 files, byte for byte, with its length known up front', async () => {
    expect(seriesUids).toHaveLength(2);
    const res = await download(archive, `${archive.dicomWeb}/studies/${study}`, 'application/zip');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${study}.zip"`);
    expect(res.headers.get('content-length')).toBe(String(res.body.length));
    const entries = unzip(res.body);
    expect(entries.size).toBe(MR_STUDY.length);
    expectEntries(entries, MR_STUDY);
  });

  it('returns only the series asked for, also when asked with ?accept=application/zip', async () => {
    const series = seriesUids[1]!;
    const res = await download(archive, `${archive.dicomWeb}/studies/${study}/series/${series}?accept=application/zip`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${series}.zip"`);
    const expected = MR_STUDY.filter((e) => e.seriesInstanceUID === series);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(MR_STUDY.length);
    expectEntries(unzip(res.body), expected);
  });

  it('returns one instance as a one-entry ZIP', async () => {
    const one = MR_STUDY[3]!;
    const res = await download(
      archive,
      `${archive.dicomWeb}/studies/${study}/series/${one.seriesInstanceUID}/instances/${one.sopInstanceUID}`,
      'application/zip',
    );
    expect(res.status).toBe(200);
    expectEntries(unzip(res.body), [one]);
  });
});

describe('ZIP download: negotiation, errors and aborted clients', () => {
  let archive: TestArchive;
  const study = CT_SERIES[0]!.studyInstanceUID!;
  beforeAll(async () => {
    archive = await startTestArchive();
    await storeAll(archive, CT_SERIES);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('keeps multipart/related when the client prefers it, and answers 404 as JSON for an unknown study', async () => {
    const multipart = await getMultipart(
      archive,
      `${archive.dicomWeb}/studies/${study}`,
      'multipart/related; type="application/dicom", application/zip;q=0.5',
    );
    expect(multipart.status).toBe(200);
    expect(multipart.parts).toHaveLength(CT_SERIES.length);
    const unknown = await download(archive, `${archive.dicomWeb}/studies/1.2.3.4.5.6.7`, 'application/zip');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body.toString())).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('releases the stored object when the client goes away mid-download, and keeps serving', async () => {
    // One 6.9 MB object: more than the socket buffers hold, so the server is still reading it when the client leaves.
    const big = corpusManifest().find((e) => e.path === BIG)!;
    await expectStored(archive, [corpusFile(BIG)]);
    const controller = new AbortController();
    const res = await archive.fetch(`${archive.dicomWeb}/studies/${big.studyInstanceUID}`, {
      headers: { accept: 'application/zip' },
      signal: controller.signal,
    });
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(big.bytes);
    const reader = res.body!.getReader();
    await reader.read();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(openObjectFiles(archive)).toBe(1);
    controller.abort();
    await reader.cancel().catch(() => undefined);
    expect(await objectFilesAfterRelease(archive)).toBe(0);
    const again = await download(archive, `${archive.dicomWeb}/studies/${study}`, 'application/zip');
    expect(again.status).toBe(200);
    expect(unzip(again.body).size).toBe(CT_SERIES.length);
  });
});
