import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCtSeries } from '../../fixtures/generate-ct-series';
import { migrate, openIndex } from '../../server/index/open-index';
import { searchSql } from '../../server/index/qido-search';
import { MIGRATIONS } from '../../server/index/schema';
import { parseQidoQuery, QUERY_KEYS, type QidoLevel } from '../../shared/dicomweb/qido-query';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { corpusFile, corpusManifest } from '../helpers/corpus';
import { firstValue, getJson, expectStored } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

const LEVELS: QidoLevel[] = ['study', 'series', 'instance'];
const DEPTH: Record<QidoLevel, number> = { study: 0, series: 1, instance: 2 };
const SAMPLE: Record<string, string> = {
  'uid-list': '1.2.3,1.2.4',
  'code-list': 'CT',
  date: '20240101-20240131',
  time: '1000-1100',
  integer: '2',
  string: 'ABC*',
  'person-name': 'NGUYEN^VAN*',
};

/** The tables of a query plan that are read from end to end ("SCAN x", with or without an index). */
function scans(db: Database.Database, level: QidoLevel, query: string): string[] {
  const { sql, args } = searchSql(db, parseQidoQuery(new URLSearchParams(query), level), {}, 100);
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>;
  return plan.map((row) => row.detail).filter((detail) => /^SCAN (p|st|se|i|m|w)\b/.test(detail));
}

describe('QIDO-RS search plans: every matching key is an index search, never a scan', () => {
  let dir: string;
  let db: Database.Database;
  beforeAll(async () => {
    dir = await makeTempDir('qido-plans');
    db = openIndex(path.join(dir, 'index.sqlite'));
  });
  afterAll(async () => {
    db?.close();
    await removeTempDir(dir);
  });

  it('for each key at each level where it may be used, literal, wildcard-prefix and fuzzy alike', () => {
    let checked = 0;
    for (const key of QUERY_KEYS) {
      for (const level of LEVELS.filter((l) => DEPTH[l] >= DEPTH[key.level])) {
        const queries = [`${key.keyword}=${encodeURIComponent(SAMPLE[key.kind]!)}`];
        if (key.kind === 'person-name')
          queries.push(`${key.keyword}=nguyen%20an&fuzzymatching=true`, `${key.keyword}=${encodeURIComponent('NGUYỄN^VĂN AN')}`);
        for (const query of queries) {
          expect(scans(db, level, query), `${level}: ${query}`).toEqual([]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('for the combined date-time ranges and typical worklist combinations', () => {
    for (const query of [
      'StudyDate=20240101-20240131&StudyTime=1000-1100',
      'StudyDate=20240101-20240131&ModalitiesInStudy=CT',
      'PatientName=nguyen&ReferringPhysicianName=tran&fuzzymatching=true',
      'AccessionNumber=A123&PatientID=VN1',
      'PatientID=VN1&IssuerOfPatientID=BV-CHORAY',
    ]) {
      expect(scans(db, 'study', query), query).toEqual([]);
    }
    expect(scans(db, 'series', 'PerformedProcedureStepStartDate=20240101&PerformedProcedureStepStartTime=1000-')).toEqual([]);
  });

  it('walks the study-date index only without a narrower key: no key at all, or a value starting with a wildcard', () => {
    expect(scans(db, 'study', '')).toEqual(['SCAN st USING COVERING INDEX studies_date']); // paging reads the index only
    expect(scans(db, 'study', 'StudyDescription=*NGUC')).toEqual(['SCAN st USING INDEX studies_date']);
    expect(scans(db, 'study', 'PatientName=*AN')).toEqual(['SCAN st USING INDEX studies_date']);
  });
});

describe('index schema upgrade from migration 1', () => {
  const CT = corpusManifest().find((e) => e.path === 'series/ct-abdomen-philips-tcia/1-040.dcm')!;
  let source: TestArchive;
  let upgraded: TestArchive | undefined;
  let dir: string;
  const synthetic = generateCtSeries({ slices: 2, rows: 16, columns: 16, seed: 'upgrade', patientName: 'Đặng^Thị Hồng' });

  beforeAll(async () => {
    source = await startTestArchive();
    await expectStored(source, [corpusFile(CT.path), ...synthetic.instances.map((i) => i.bytes)]);
    dir = await makeTempDir('qido-upgrade');
  });
  afterAll(async () => {
    await upgraded?.stop();
    await source?.stop();
    await removeTempDir(dir);
  });

  it('adds and backfills the new columns, indexes and referring-physician words, and answers the new keys', async () => {
    // A file as the archive wrote it before migration 2: migration 1's tables holding the same rows.
    const file = path.join(dir, 'index.sqlite');
    const old = new Database(file);
    migrate(old, 1);
    expect(old.pragma('user_version', { simple: true })).toBe(1);
    old.exec(`ATTACH DATABASE '${source.index.db.name.replace(/'/g, "''")}' AS src`);
    for (const table of ['patients', 'patient_name_words', 'studies', 'series', 'instances']) {
      const columns = (old.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]).join(', ');
      old.exec(`INSERT INTO main.${table} (${columns}) SELECT ${columns} FROM src.${table}`);
    }
    old.exec('DETACH DATABASE src');
    old.close();

    upgraded = await startTestArchive({ PACS_INDEX_FILE: file });
    const db = upgraded.index.db;
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare(`SELECT institution_name FROM studies WHERE study_uid = ?`).pluck().get(synthetic.studyUid)).toBe(
      'Bệnh viện Đa khoa Tỉnh',
    );
    expect(db.prepare(`SELECT count(*) FROM referring_name_words`).pluck().get()).toBeGreaterThan(0);

    const search = async (query: string) =>
      ((await getJson(upgraded!, `${upgraded!.dicomWeb}/studies?${query}`)).json ?? []) as DicomJson[];
    const uids = (items: DicomJson[]) => items.map((s) => firstValue(s, '0020000D'));
    expect(uids(await search(`InstitutionName=${encodeURIComponent('Bệnh viện Đa khoa Tỉnh')}`))).toEqual([synthetic.studyUid]);
    expect(uids(await search('ReferringPhysicianName=hanh&fuzzymatching=true'))).toEqual([synthetic.studyUid]); // "Trần^Thị Hạnh"
    expect(uids(await search('StudyTime=1015'))).toEqual([synthetic.studyUid]);
    expect(uids(await search(`PatientName=${encodeURIComponent('đặng hồng')}&fuzzymatching=true`))).toEqual([synthetic.studyUid]);
    const series = (await getJson(upgraded, `${upgraded.dicomWeb}/series?BodyPartExamined=CHEST&SeriesNumber=2`)).json as DicomJson[];
    expect(series.map((s) => firstValue(s, '0020000E'))).toEqual([await seriesUidOf(synthetic.studyUid)]);
    // Stored before the upgrade and still retrievable through the upgraded index.
    expect(uids(await search(`StudyInstanceUID=${CT.studyInstanceUID}`))).toEqual([CT.studyInstanceUID]);
  });

  async function seriesUidOf(studyUid: string): Promise<unknown> {
    const { json } = await getJson(source, `${source.dicomWeb}/studies/${studyUid}/series`);
    return firstValue((json as DicomJson[])[0], '0020000E');
  }
});
