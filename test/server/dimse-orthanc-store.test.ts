import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/api/audit-events';
import { Part10StreamParser } from '../../server/ingest/part10-parser';
import { CORPUS_DIR } from '../helpers/corpus';
import { getMultipart } from '../helpers/dicomweb-http';
import { startOrthanc, type RunningOrthanc } from '../helpers/orthanc';
import { settledState } from '../helpers/raw-association';
import { startDimseArchive } from '../helpers/dimse-archive';
import type { TestArchive } from '../helpers/start-app';

const SERIES_DIR = path.join(CORPUS_DIR, 'series/ct-abdomen-philips-tcia');
const STUDY = '1.3.6.1.4.1.14519.5.2.1.21087345762211724523378497892240459677';
const FILES = fs
  .readdirSync(SERIES_DIR)
  .sort()
  .map((name) => fs.readFileSync(path.join(SERIES_DIR, name)));

/** SOP Instance UID → series and pixel data bytes of a Part 10 file, read by our parser. */
function pixelsOf(file: Buffer): { sop: string; series: string; pixels: Buffer } {
  const parser = new Part10StreamParser();
  parser.write(file);
  const parsed = parser.end();
  const value = (tag: string) => String((parsed.dataset[tag]?.Value as unknown[] | undefined)?.[0]);
  const { offset, length } = parsed.pixelData!;
  return { sop: value('00080018'), series: value('0020000E'), pixels: file.subarray(offset, offset + length) };
}

/**
 * Orthanc from Debian C-STOREs the 40-slice CT to us (issue 14: "Orthanc C-STOREs to us"): the
 * study uploaded to Orthanc by its REST API, then sent with POST /modalities/pacs/store to our
 * listener, where ORTHANC is a known AE allowed to store. All 40 instances arrive, each with the
 * pixel data of the file it came from, and nothing is left half-written.
 */
describe('Orthanc C-STOREs a study to the DIMSE listener', () => {
  let archive: TestArchive;
  let orthanc: RunningOrthanc;

  beforeAll(async () => {
    archive = await startDimseArchive('ORTHANC');
    orthanc = await startOrthanc({ dimse: { aeTitle: 'ORTHANC', modalities: { pacs: ['PACS', '127.0.0.1', archive.dimse!.port] } } });
  }, 60_000);
  afterAll(async () => {
    await orthanc?.stop();
    await archive?.stop();
  });

  it('all 40 CT slices arrive with their pixel data', async () => {
    let orthancStudy = '';
    for (const file of FILES) {
      const res = await orthanc.fetch('/instances', { method: 'POST', body: file, headers: { 'content-type': 'application/dicom' } });
      expect(res.status).toBe(200);
      orthancStudy = ((await res.json()) as { ParentStudy: string }).ParentStudy;
    }
    const sent = await orthanc.fetch('/modalities/pacs/store', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Resources: [orthancStudy], Synchronous: true }),
    });
    const job = (await sent.json()) as { InstancesCount?: number; FailedInstancesCount?: number };
    expect(sent.status, JSON.stringify(job)).toBe(200);
    expect(job).toMatchObject({ InstancesCount: 40, FailedInstancesCount: 0 });

    expect(await settledState(archive, { rows: 40, objects: 40, tempFiles: 0 })).toEqual({ rows: 40, objects: 40, tempFiles: 0 });
    const wrong: string[] = [];
    for (const file of FILES) {
      const { sop, series, pixels } = pixelsOf(file);
      const url = `${archive.dicomWeb}/studies/${STUDY}/series/${series}/instances/${sop}/frames/1`;
      const { status, parts } = await getMultipart(archive, url, 'multipart/related; type="application/octet-stream"');
      if (status !== 200 || !parts[0]?.body.equals(pixels)) wrong.push(`${sop}: ${status}`);
    }
    expect(wrong).toEqual([]);
    // The C-STOREs are audited as stores by the calling AE.
    const audit = await archive.fetch('/api/audit?action=store&user=ORTHANC&limit=100');
    const { records } = (await audit.json()) as { records: AuditRecord[] };
    expect(records.filter((r) => r.principalId === 'ORTHANC' && r.outcome === 0 && r.studyUid === STUDY)).toHaveLength(40);
  }, 120_000);
});
