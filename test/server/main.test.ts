import fs from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Tag } from '../../shared/dicom/tags';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import type { CodecReply, CodecRequest } from '../../server/codecs/codec-pool';
import { SERVER_DIST } from '../../server/build-server';
import { startArchiveProcess } from '../helpers/archive-process';
import { CORPUS_DIR } from '../helpers/corpus';
import { expectStored, firstValue, getJson, getMultipart } from '../helpers/dicomweb-http';
import { runStartCommand } from '../helpers/run-entry-point';

/** Runs what `npm start` runs: the server compiled to dist/server/main.js, with the start script's flags. */
const runMain = (env: Record<string, string>, untilLine?: RegExp) => runStartCommand(env, { untilLine });

const JPEG_LS_CR = path.join(CORPUS_DIR, 'radiography/cr-jpeg-ls-near-lossless.dcm');
const JPEG_LS_NEAR_LOSSLESS = '1.2.840.10008.1.2.4.81';
const MIB = 2 ** 20;

/** VmRSS of a process, in bytes, and whether a shared library whose path matches `library` is mapped in it. */
const residentBytes = (pid: number) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))![1]) * 1024;
const maps = (pid: number, library: RegExp) => library.test(readFileSync(`/proc/${pid}/maps`, 'latin1'));

describe('npm start (dist/server/main.js, compiled from server/main.ts)', () => {
  it('starts on the embedded defaults, prints the URL it listens on, and stops cleanly on SIGTERM', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pacs-main-'));
    try {
      const { code, stdout } = await runMain({ PACS_PORT: '0', PACS_DIMSE_PORT: '0', PACS_DATA_DIR: dataDir }, /listening on/);
      expect(stdout).toMatch(/PACS archive listening on http:\/\/127\.0\.0\.1:\d+ /);
      expect(code).toBe(0);
      expect((await fs.readdir(dataDir)).sort()).toEqual(expect.arrayContaining(['index.sqlite', 'objects']));
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start with bad configuration and names every bad variable', async () => {
    const { code, stdout, stderr } = await runMain({ PACS_PORT: 'eighty', PACS_STORAGE: 'tape', PACS_LOG_LEVEL: 'loud' });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    for (const name of ['PACS_PORT', 'PACS_STORAGE', 'PACS_LOG_LEVEL']) expect(stderr).toContain(name);
  });

  it('idles below 140 MB without tsx or libvips, then decodes on its compiled codec worker and renders with sharp', async () => {
    const archive = await startArchiveProcess({}, { asNpmStart: true });
    try {
      // Let the start-up warm-up of the codec pool (main.ts) finish.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(residentBytes(archive.pid)).toBeLessThan(140 * MIB);
      expect(maps(archive.pid, /libvips/)).toBe(false);

      const file = await fs.readFile(JPEG_LS_CR);
      const stored = await expectStored(archive, [file]);
      const instanceUrl = firstValue(stored.referenced[0], Tag.RetrieveURL) as string;
      const metadata = ((await getJson(archive, `${instanceUrl}/metadata`)).json as DicomJson[])[0]!;
      const geometry = {
        rows: firstValue(metadata, Tag.Rows) as number,
        columns: firstValue(metadata, Tag.Columns) as number,
        samplesPerPixel: firstValue(metadata, Tag.SamplesPerPixel) as number,
        bitsAllocated: firstValue(metadata, Tag.BitsAllocated) as number,
        bitsStored: firstValue(metadata, Tag.BitsStored) as number,
        pixelRepresentation: firstValue(metadata, Tag.PixelRepresentation) as 0 | 1,
        photometricInterpretation: firstValue(metadata, Tag.PhotometricInterpretation) as string,
        planarConfiguration: 0 as const,
      };
      const asStored = await getMultipart(
        archive,
        `${instanceUrl}/frames/1`,
        'multipart/related; type="application/octet-stream"; transfer-syntax=*',
      );
      const decoded = await getMultipart(archive, `${instanceUrl}/frames/1`, 'multipart/related; type="application/octet-stream"');
      expect(asStored.parts[0]!.headers['content-type']).toContain(JPEG_LS_NEAR_LOSSLESS);
      const pixels = decoded.parts[0]!.body;
      expect(pixels.length).toBe(geometry.rows * geometry.columns * (geometry.bitsAllocated / 8));

      // The compiled worker file itself, as the pool starts it: the same pixels.
      const worker = new Worker(path.join(SERVER_DIST, 'codec-worker.js'));
      try {
        const reply = await new Promise<CodecReply>((resolve, reject) => {
          worker.on('error', reject);
          worker.on('message', (message: CodecReply | { ready: true }) => {
            if ('id' in message) resolve(message);
          });
          const request: CodecRequest = {
            id: 1,
            kind: 'decode',
            transferSyntaxUid: JPEG_LS_NEAR_LOSSLESS,
            input: new Uint8Array(asStored.parts[0]!.body),
            geometry,
          };
          worker.postMessage(request);
        });
        expect(reply.error).toBeUndefined();
        expect(Buffer.from((reply.result as { pixels: Uint8Array }).pixels).equals(pixels)).toBe(true);
      } finally {
        await worker.terminate();
      }

      const rendered = await archive.fetch(`${instanceUrl}/rendered`, { headers: { accept: 'image/png' } });
      expect(rendered.status).toBe(200);
      expect(
        Buffer.from(await rendered.arrayBuffer())
          .subarray(1, 4)
          .toString('latin1'),
      ).toBe('PNG');
      expect(maps(archive.pid, /libvips/)).toBe(true);
    } finally {
      await archive.dispose();
    }
  });
});
