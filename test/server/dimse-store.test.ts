import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../helpers/corpus';
import { runDcmtk, startStorescp } from '../helpers/dcmtk';
import { dataSetOf, startDimseArchive } from '../helpers/dimse-archive';
import type { TestArchive } from '../helpers/start-app';
import { storedDigests } from '../helpers/transfer-jobs';
import { getMultipart } from '../helpers/dicomweb-http';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

const SERIES_DIR = path.join(CORPUS_DIR, 'series/ct-abdomen-philips-tcia');
const FILES = fs
  .readdirSync(SERIES_DIR)
  .sort()
  .slice(0, 10)
  .map((name) => path.join(SERIES_DIR, name));
const STUDY = '1.3.6.1.4.1.14519.5.2.1.21087345762211724523378497892240459677';

const run = runDcmtk;

/**
 * The DIMSE listener (issue 14) with DCMTK's echoscu and storescu as the modality: C-ECHO, and
 * C-STORE of a real CT series into the same ingest as STOW-RS, the data sets stored byte for byte;
 * an unknown calling AE and a wrong called AE refused; garbage on the port and 50 associations at
 * once leave the archive serving.
 */
describe('DIMSE C-ECHO and C-STORE SCP', () => {
  let archive: TestArchive;
  let port: number;

  beforeAll(async () => {
    archive = await startDimseArchive('DISTRICT_CT', { mayStore: true, mayQuery: true, mayRetrieve: true });
    port = archive.dimse!.port;
  });
  afterAll(() => archive?.stop());

  it('answers C-ECHO from a known AE', async () => {
    const echo = await run('echoscu', ['-aet', 'DISTRICT_CT', '-aec', 'PACS', '127.0.0.1', String(port)]);
    expect(echo.code, echo.output).toBe(0);
  });

  it("stores a CT series sent with storescu, each data set byte for byte as DCMTK's own storescp keeps it", async () => {
    const store = await run('storescu', ['-aet', 'DISTRICT_CT', '-aec', 'PACS', '127.0.0.1', String(port), ...FILES]);
    expect(store.code, store.output).toBe(0);
    expect((await storedDigests(archive, STUDY)).size).toBe(10);

    // The same files to DCMTK's storescp writing "exactly as read" (+B): the reference of what crossed the wire.
    const dir = await makeTempDir('storescp');
    try {
      // +xi: like the archive (which leaves big endian to the sender), storescu then sends these implicit VR files as they are.
      const scp = await startStorescp(dir, 'PACS', ['+xi']);
      try {
        const sent = await run('storescu', ['-aet', 'DISTRICT_CT', '-aec', 'PACS', '127.0.0.1', String(scp.port), ...FILES]);
        expect(sent.code, sent.output).toBe(0);
      } finally {
        await scp.stop();
      }
      const expected = fs.readdirSync(dir).map((name) => dataSetOf(fs.readFileSync(path.join(dir, name))));
      expect(expected).toHaveLength(10);
      const { parts } = await getMultipart(archive, `${archive.dicomWeb}/studies/${STUDY}`);
      const ours = parts.map((part) => dataSetOf(part.body));
      for (const dataSet of expected) {
        expect(ours.some((o) => o.equals(dataSet))).toBe(true);
      }
      // The File Meta Information the archive wrote names the sender.
      expect(Buffer.from(parts[0]!.body).subarray(0, 400).includes(Buffer.from('DISTRICT_CT'))).toBe(true);
    } finally {
      await removeTempDir(dir);
    }
  });

  it('refuses an unknown calling AE and a wrong called AE title', async () => {
    const unknown = await run('echoscu', ['-aet', 'STRANGER', '-aec', 'PACS', '127.0.0.1', String(port)]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.output).toMatch(/Calling AE Title Not Recognized/i);
    const wrong = await run('echoscu', ['-aet', 'DISTRICT_CT', '-aec', 'ORTHANC', '127.0.0.1', String(port)]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.output).toMatch(/Called AE Title Not Recognized/i);
  });

  it('survives garbage on the port and 50 associations at once, the web side answering meanwhile', async () => {
    await new Promise<void>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')));
      socket.on('data', () => undefined);
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    const echoes = await Promise.all(
      Array.from({ length: 50 }, () => run('echoscu', ['-aet', 'DISTRICT_CT', '-aec', 'PACS', '127.0.0.1', String(port)])),
    );
    expect(echoes.filter((e) => e.code === 0)).toHaveLength(50);
    expect((await archive.fetch('/dicom-web/studies?limit=1')).status).toBe(200);
  });
});
