import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArchiveProcess, type ArchiveProcess } from '../helpers/archive-process';
import { corpusFile } from '../helpers/corpus';
import { expectStored, getJson } from '../helpers/dicomweb-http';

const SERIES = 'series/ct-abdomen-philips-tcia';
const STUDY = '1.3.6.1.4.1.14519.5.2.1.21087345762211724523378497892240459677';

describe('archive as a child process (test/helpers/archive-process.ts)', () => {
  let archive: ArchiveProcess;
  beforeAll(async () => {
    archive = await startArchiveProcess();
  }, 90_000);
  afterAll(async () => {
    await archive?.dispose();
  });

  it('keeps what it acknowledged across kill -9 and a restart on the same URL', async () => {
    await expectStored(archive, [corpusFile(`${SERIES}/1-036.dcm`), corpusFile(`${SERIES}/1-037.dcm`)]);
    const firstPid = archive.pid;
    await archive.kill9();
    await expect(fetch(`${archive.url}/dicom-web/studies`)).rejects.toThrow();
    await archive.restart();
    expect(archive.pid).not.toBe(firstPid);
    expect(archive.stdout).toContain(`PACS archive listening on ${archive.url}`);
    const found = await getJson(archive, `${archive.dicomWeb}/studies/${STUDY}/instances`);
    expect(found.status).toBe(200);
    expect(found.json).toHaveLength(2);
    await archive.stop();
    await archive.restart();
    expect((await getJson(archive, `${archive.dicomWeb}/studies/${STUDY}/instances`)).json).toHaveLength(2);
  }, 120_000);

  it('fails to start loudly, with the process stderr', async () => {
    await expect(startArchiveProcess({ PACS_QIDO_MAX_LIMIT: 'many' })).rejects.toThrow(/PACS_QIDO_MAX_LIMIT/);
  }, 60_000);
});
