import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { generateCtSeries } from '../../fixtures/generate-ct-series';
import { corpusFile, corpusManifest } from '../helpers/corpus';
import { getJson, firstValue, expectStored } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

const value = firstValue;
const MR_DIR = 'series/mr-ge-premier-study/';
const mr = corpusManifest().filter((e) => e.path.startsWith(MR_DIR));
const FMRI_DIR = 'series/mr-ge-750-fmri-150-instances/';
const fmri = corpusManifest().filter((e) => e.path.startsWith(FMRI_DIR));
const CT = corpusManifest().find((e) => e.path === 'series/ct-abdomen-philips-tcia/1-040.dcm')!;

/** QIDO-RS basics (PS3.18 10.6) against a small archive of corpus studies and one synthetic study. */
describe('QIDO-RS search', () => {
  let archive: TestArchive;
  let vietnamese: ReturnType<typeof generateCtSeries>;
  let dang: ReturnType<typeof generateCtSeries>;
  const search = async (path: string) => {
    const { status, json, headers } = await getJson(archive, `${archive.dicomWeb}${path}`);
    return { status, items: (json ?? []) as DicomJson[], headers };
  };

  beforeAll(async () => {
    archive = await startTestArchive();
    vietnamese = generateCtSeries({ slices: 3, rows: 16, columns: 16, seed: 7 });
    const files = [...mr.map((e) => e.path), ...fmri.map((e) => e.path), CT.path].map(corpusFile);
    for (let i = 0; i < files.length; i += 50) await expectStored(archive, files.slice(i, i + 50));
    await expectStored(
      archive,
      vietnamese.instances.map((i) => i.bytes),
    );
    dang = generateCtSeries({ slices: 1, rows: 16, columns: 16, seed: 8, patientName: 'Đặng^Thị Ánh Tuyết', patientId: 'VN-DANG-1' });
    await expectStored(
      archive,
      dang.instances.map((i) => i.bytes),
    );
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('lists every study with its aggregates, newest study date first', async () => {
    const { status, items } = await search('/studies');
    expect(status).toBe(200);
    expect(items).toHaveLength(5);
    const dates = items.map((s) => String(value(s, '00080020') ?? ''));
    expect([...dates].sort().reverse()).toEqual(dates);
    const mrStudy = items.find((s) => value(s, '0020000D') === mr[0]!.studyInstanceUID)!;
    expect(value(mrStudy, '00201206')).toBe(2);
    expect(value(mrStudy, '00201208')).toBe(71);
  });

  it('matches UID lists, PatientID, Modality and date ranges', async () => {
    const both = await search(`/studies?StudyInstanceUID=${mr[0]!.studyInstanceUID},${CT.studyInstanceUID}`);
    expect(both.items.map((s) => value(s, '0020000D')).sort()).toEqual([mr[0]!.studyInstanceUID, CT.studyInstanceUID].sort());
    const byTag = await search(`/studies?0020000D=${CT.studyInstanceUID}`);
    expect(byTag.items).toHaveLength(1);

    const ctDate = String(value(byTag.items[0], '00080020'));
    expect((await search(`/studies?StudyDate=${ctDate}`)).items.map((s) => value(s, '0020000D'))).toContain(CT.studyInstanceUID);
    expect((await search(`/studies?StudyDate=-${ctDate}`)).items.every((s) => String(value(s, '00080020')) <= ctDate)).toBe(true);
    expect((await search(`/studies?StudyDate=${ctDate}-`)).items.every((s) => String(value(s, '00080020')) >= ctDate)).toBe(true);
    expect((await search('/studies?StudyDate=19000101-19000102')).items).toEqual([]);

    const mrSeries = await search('/series?Modality=MR');
    expect(mrSeries.items).toHaveLength(3);
    expect(mrSeries.items.every((s) => value(s, '00080060') === 'MR')).toBe(true);
    // Relational: series of a patient, with the study attributes included.
    const patientId = String(value(byTag.items[0], '00100020'));
    const ctSeries = await search(`/series?PatientID=${encodeURIComponent(patientId)}`);
    expect(ctSeries.items.map((s) => value(s, '0020000D'))).toContain(CT.studyInstanceUID);
    expect(value(ctSeries.items[0], '00100020')).toBe(patientId);
  });

  it('matches PatientName with * and ?, ignoring case, and finds Vietnamese names with fuzzymatching', async () => {
    const exact = await search(`/studies?PatientName=${encodeURIComponent('Nguyễn^Văn An')}`);
    expect(exact.items).toHaveLength(1);
    expect(value(exact.items[0], '00100010')).toEqual({ Alphabetic: 'Nguyễn^Văn An' });
    expect((await search(`/studies?PatientName=${encodeURIComponent('nguyễn*')}`)).items).toHaveLength(1);
    expect((await search(`/studies?PatientName=${encodeURIComponent('Ngu?ễn^*')}`)).items).toHaveLength(1);
    expect((await search('/studies?PatientName=NGUYEN*')).items).toHaveLength(0); // literal matching keeps accents
    expect((await search('/studies?PatientName=NGUYEN*&fuzzymatching=true')).items).toHaveLength(1);
  });

  it('with fuzzymatching, finds names by the start of each word, in any order, without accents', async () => {
    const studyOf = async (name: string) =>
      (await search(`/studies?PatientName=${encodeURIComponent(name)}&fuzzymatching=true`)).items.map((s) => value(s, '0020000D'));
    expect(await studyOf('nguyen an')).toEqual([vietnamese.studyUid]);
    expect(await studyOf('an nguyen')).toEqual([vietnamese.studyUid]);
    expect(await studyOf('ng v')).toEqual([vietnamese.studyUid]);
    expect(await studyOf('Nguye\u0302\u0303n')).toEqual([vietnamese.studyUid]); // NFD spelling
    expect(await studyOf('dang tuyet')).toEqual([dang.studyUid]);
    expect(await studyOf('ĐẶNG ánh')).toEqual([dang.studyUid]);
    expect(await studyOf('nguyen bob')).toEqual([]);
    expect(await studyOf('guyen')).toEqual([]); // a word's start, not its middle
    // Without fuzzymatching the same query is literal.
    expect((await search('/studies?PatientName=dang*')).items).toHaveLength(0);
  });

  it('pages with limit and offset and says when a result was cut', async () => {
    const seriesUid = fmri[0]!.seriesInstanceUID!;
    const path = `/studies/${fmri[0]!.studyInstanceUID}/series/${seriesUid}/instances`;
    const first = await search(`${path}?limit=100`);
    expect(first.items).toHaveLength(100);
    expect(first.headers.get('warning')).toMatch(/^299 /);
    const rest = await search(`${path}?limit=100&offset=100`);
    expect(rest.items).toHaveLength(50);
    expect(rest.headers.get('warning')).toBeNull();
    const all = new Set([...first.items, ...rest.items].map((i) => value(i, '00080018')));
    expect(all.size).toBe(150);
    expect(new Set(fmri.map((e) => e.sopInstanceUID))).toEqual(all);
    const numbers = first.items.map((i) => Number(value(i, '00200013')));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });

  it('returns instance-level default keys and includefield values', async () => {
    const { items } = await search(`/instances?SOPInstanceUID=${CT.sopInstanceUID}&includefield=00280030,SeriesDescription`);
    expect(items).toHaveLength(1);
    const instance = items[0]!;
    expect(value(instance, '00080016')).toBe('1.2.840.10008.5.1.4.1.1.2');
    expect(value(instance, '00280010')).toBe(512);
    expect(value(instance, '00280100')).toBe(16);
    expect(value(instance, '0020000E')).toBe(CT.seriesInstanceUID);
    expect(instance['00280030']?.Value).toHaveLength(2);
    expect(value(instance, '00081190')).toBe(
      `${archive.dicomWeb}/studies/${CT.studyInstanceUID}/series/${CT.seriesInstanceUID}/instances/${CT.sopInstanceUID}`,
    );
  });

  it('answers [] for no match and 400 for unknown or malformed keys', async () => {
    expect(await search('/studies?PatientID=nobody')).toMatchObject({ status: 200, items: [] });
    for (const bad of [
      '/studies?Foo=1',
      '/studies?StudyDate=2020-01-01',
      '/studies?limit=-1',
      '/studies?StudyInstanceUID=1.2.x',
      '/studies?SOPInstanceUID=1.2',
      '/studies?fuzzymatching=yes',
    ]) {
      const res = await archive.fetch(`${archive.dicomWeb}${bad}`);
      expect(res.status, bad).toBe(400);
      expect(((await res.json()) as { code: string }).code, bad).toBe('INVALID_QUERY');
    }
  });
});
