import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { FAST_BACKENDS, startArchiveOn, storedKeys } from '../helpers/backends';
import { corpusFile, corpusManifest, type CorpusEntry } from '../helpers/corpus';
import { getJson, getMultipart, stowFiles, withZeroPreamble, firstValue } from '../helpers/dicomweb-http';
import type { TestArchive } from '../helpers/start-app';

const value = firstValue;
const entries = corpusManifest();
const wellFormed = entries.filter((e) => e.category !== 'malformed');
const malformed = entries.filter((e) => e.category === 'malformed');

/**
 * The whole public corpus through the archive, one STOW request per file: every file outside
 * malformed/ comes back from WADO-RS byte-identical (preamble zeroed); the deliberate duplicate
 * SOP Instance UIDs with other content are refused and the first copy stays; the malformed
 * files that are not valid Part 10 or lack required UIDs are refused and leave nothing behind.
 */
describe.each(FAST_BACKENDS)('the DICOM corpus on %s storage', (backend) => {
  let archive: TestArchive;
  const firstBySop = new Map<string, CorpusEntry>();
  beforeAll(async () => {
    archive = await startArchiveOn(backend);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('stores every well-formed file with one request each, refusing only conflicting duplicates and the DICOMDIR', async () => {
    const unexpected: string[] = [];
    for (const entry of wellFormed) {
      const result = await stowFiles(archive, [corpusFile(entry.path)]);
      const sop = entry.sopInstanceUID ?? undefined;
      if (entry.path.endsWith('DICOMDIR')) {
        // A media directory has no Study/Series UIDs: nothing to file it under.
        if (result.status !== 409 || !/(SOP Class|Study Instance) UID .* missing/.test(String(value(result.failed[0], '00000902'))))
          unexpected.push(`${entry.path}: ${result.status}`);
        continue;
      }
      if (sop !== undefined && firstBySop.has(sop)) {
        const failure = value(result.failed[0], '00081197');
        if (result.status !== 409 || failure !== 0x0111) unexpected.push(`${entry.path}: duplicate answered ${result.status} ${failure}`);
        continue;
      }
      if (result.status !== 200 || value(result.referenced[0], '00081155') !== sop) {
        unexpected.push(`${entry.path}: ${result.status} ${JSON.stringify(result.failed[0] ?? {})}`);
        continue;
      }
      firstBySop.set(sop!, entry);
    }
    expect(unexpected).toEqual([]);
    expect(firstBySop.size).toBe(new Set(wellFormed.map((e) => e.sopInstanceUID).filter(Boolean)).size);
    expect(await storedKeys(archive)).toHaveLength(firstBySop.size);
  });

  it('returns every stored instance byte-identical, and the first copy of each duplicate', async () => {
    const mismatches: string[] = [];
    for (const [sop, entry] of firstBySop) {
      const url = `${archive.dicomWeb}/studies/${entry.studyInstanceUID}/series/${entry.seriesInstanceUID}/instances/${sop}`;
      const { status, parts } = await getMultipart(archive, url);
      if (status !== 200 || parts.length !== 1 || !parts[0]!.body.equals(withZeroPreamble(corpusFile(entry.path)))) {
        mismatches.push(`${entry.path}: ${status}, ${parts.length} parts`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('indexes what the manifest says: UIDs, SOP class, transfer syntax, rows, frames', async () => {
    const wrong: string[] = [];
    for (const [sop, entry] of firstBySop) {
      const { json } = await getJson(
        archive,
        `${archive.dicomWeb}/studies/${entry.studyInstanceUID}/series/${entry.seriesInstanceUID}/instances/${sop}/metadata`,
      );
      const ds = (json as DicomJson[])[0];
      const checks: Array<[string, unknown, unknown]> = [
        ['SOPClassUID', value(ds, '00080016'), entry.sopClassUID],
        ['Rows', value(ds, '00280010') ?? null, entry['rows'] ?? null],
        ['Columns', value(ds, '00280011') ?? null, entry['columns'] ?? null],
        ['NumberOfFrames', value(ds, '00280008') ?? null, entry['numberOfFrames'] ?? null],
      ];
      for (const [name, got, want] of checks) if (got !== want) wrong.push(`${entry.path} ${name}: ${String(got)} != ${String(want)}`);
    }
    expect(wrong).toEqual([]);
    const ctSeries = await getJson(
      archive,
      `${archive.dicomWeb}/studies?StudyInstanceUID=1.3.6.1.4.1.14519.5.2.1.21087345762211724523378497892240459677`,
    );
    expect(value((ctSeries.json as DicomJson[])[0], '00201208')).toBe(40);
  });

  it('refuses malformed files that are not valid Part 10 or lack required UIDs, leaving nothing behind', async () => {
    const mustRefuse = [
      'malformed/no-preamble-no-meta-acr-nema-cr.dcm',
      'malformed/no-preamble-acr-nema-1.0.dcm',
      'malformed/empty-study-uid-wsi-140f-jpeg.dcm',
      'malformed/missing-all-uids-jpeg-ls-rgb.dcm',
      'malformed/truncated-encapsulated-pixeldata.dcm',
      'malformed/truncated-native-ct-derived.dcm',
      'malformed/bad-sequence.dcm',
    ];
    const keysBefore = await storedKeys(archive);
    const countBefore = archive.index.db.prepare('SELECT count(*) FROM instances').pluck().get();
    for (const path of mustRefuse) {
      const result = await stowFiles(archive, [corpusFile(path)]);
      expect(result.status, path).toBe(409);
      expect(value(result.failed[0], '00081197'), path).toBeTypeOf('number');
      expect(String(value(result.failed[0], '00000902')).length, path).toBeGreaterThan(10);
    }
    // The others are answered one way or the other, never with a server error.
    for (const entry of malformed.filter((e) => !mustRefuse.includes(e.path))) {
      const result = await stowFiles(archive, [corpusFile(entry.path)]);
      expect([200, 409], entry.path).toContain(result.status);
      if (result.status === 200) {
        const url = value(result.referenced[0], '00081190') as string;
        expect(
          (await archive.fetch(url.replace(/\/studies\/.*/, `/studies/${url.split('/studies/')[1]!.split('/')[0]}`), { method: 'DELETE' }))
            .status,
        ).toBe(204);
      }
    }
    expect(await storedKeys(archive)).toEqual(keysBefore);
    expect(archive.index.db.prepare('SELECT count(*) FROM instances').pluck().get()).toBe(countBefore);
  });
});
