import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { newUid } from '../../fixtures/generate-ct-series';
import { pn, syntheticSeries as series } from '../helpers/synthetic-series';
import { firstValue, getJson, expectStored } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

const value = firstValue;

const NFD = (s: string) => s.normalize('NFD');

/** PS3.18 10.6 / PS3.4 C.2.2.2 matching on every key of Tables 6.7.1-1 and -1a, through HTTP. */
describe('QIDO-RS matching keys', () => {
  let archive: TestArchive;
  // A: Nguyễn^Văn An (NFC), two series; B: Đặng^Thị Hồng (NFD); C: Trần^Đức Bo, no birth date;
  // D: Nguyễn^Văn An again, written in NFD, another patient.
  const A1 = series(3, {
    PatientName: pn('Nguyễn^Văn An'),
    PatientID: 'VN-A',
    PatientSex: 'M',
    PatientBirthDate: '19800101',
    StudyDate: '20240105',
    StudyTime: '083000',
    AccessionNumber: 'ACC-A',
    StudyID: 'S-A',
    StudyDescription: 'CT NGỰC',
    ReferringPhysicianName: pn('Lê^Minh Tâm'),
    InstitutionName: 'Bệnh viện Chợ Rẫy',
    SeriesNumber: 2,
    SeriesDescription: 'Axial 1.25 mm',
    BodyPartExamined: 'CHEST',
    PerformedProcedureStepStartDate: '20240105',
    PerformedProcedureStepStartTime: '083500',
  });
  const A2 = series(2, {
    StudyInstanceUID: A1.studyUid,
    SeriesInstanceUID: newUid(),
    PatientName: pn('Nguyễn^Văn An'),
    PatientID: 'VN-A',
    StudyDate: '20240105',
    StudyTime: '083000',
    SeriesNumber: 5,
    SeriesDescription: 'Coronal',
    BodyPartExamined: 'ABDOMEN',
    Modality: 'CT',
  });
  const B = series(1, {
    PatientName: pn(NFD('Đặng^Thị Hồng')),
    PatientID: 'VN-B',
    PatientSex: 'F',
    PatientBirthDate: '19751231',
    StudyDate: '20240106',
    StudyTime: '143000',
    AccessionNumber: 'ACC-B',
    StudyDescription: 'MR SỌ NÃO',
    ReferringPhysicianName: pn(NFD('Trần^Thị Hạnh')),
    InstitutionName: 'Bệnh viện Bạch Mai',
    Modality: 'MR',
    SeriesNumber: 1,
    BodyPartExamined: 'HEAD',
    PerformedProcedureStepStartDate: '20240106',
    PerformedProcedureStepStartTime: '150000',
  });
  const C = series(1, {
    PatientName: pn('Trần^Đức Bo'),
    PatientID: 'VN-C',
    PatientSex: 'M',
    PatientBirthDate: undefined,
    StudyDate: '20240107',
    StudyTime: '0915',
    AccessionNumber: 'ACC-C',
    StudyDescription: 'CT BỤNG',
    ReferringPhysicianName: pn('Nguyễn^Văn Bình'),
    InstitutionName: 'Bệnh viện Chợ Rẫy',
    SeriesNumber: 3,
  });
  const D = series(1, {
    PatientName: pn(NFD('Nguyễn^Văn An')),
    PatientID: 'VN-D',
    StudyDate: '20231231',
    StudyTime: '235959',
    AccessionNumber: 'ACC-D',
    ReferringPhysicianName: undefined,
    SeriesNumber: 7,
  });

  const search = async (path: string) => {
    const { status, json, headers } = await getJson(archive, `${archive.dicomWeb}${path}`);
    return { status, items: (json ?? []) as DicomJson[], headers };
  };
  /** The Study Instance UIDs a study search finds, sorted. */
  const studies = async (query: string) => {
    const { status, items } = await search(`/studies?${query}`);
    expect(status, query).toBe(200);
    return items.map((s) => String(value(s, '0020000D'))).sort();
  };
  const sorted = (...uids: string[]) => [...uids].sort();
  const q = encodeURIComponent;

  beforeAll(async () => {
    archive = await startTestArchive();
    for (const s of [A1, A2, B, C, D]) await expectStored(archive, s.files);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('matches StudyTime ranges at the precision given, and StudyDate with StudyTime as one date-time range', async () => {
    expect(await studies('StudyTime=0900-1000')).toEqual([C.studyUid]); // 0915 is stored with minutes only
    expect(await studies('StudyTime=-0830')).toEqual(sorted(A1.studyUid)); // 08:30:00 is within "-0830"
    expect(await studies('00080030=1430')).toEqual([B.studyUid]);
    expect(await studies('StudyTime=23:59-')).toEqual([D.studyUid]);
    // PS3.4 C.2.2.2.5.1: 5 Jan 09:00 to 7 Jan 10:00, not "09:00-10:00 on each day".
    expect(await studies('StudyDate=20240105-20240107&StudyTime=0900-1000')).toEqual(sorted(B.studyUid, C.studyUid));
    expect(await studies('StudyDate=20240105&StudyTime=0800-0900')).toEqual([A1.studyUid]);
    expect(await studies('StudyDate=-20240106&StudyTime=-1200')).toEqual(sorted(A1.studyUid, D.studyUid));
    expect(await studies('StudyDate=20240106-&StudyTime=1500-')).toEqual([C.studyUid]);
  });

  it('matches PatientName literally ignoring case only, with NFC and NFD spellings equal, and percent-encoded values', async () => {
    expect(await studies(`PatientName=${q('Nguyễn^Văn An')}`)).toEqual(sorted(A1.studyUid, D.studyUid));
    expect(await studies(`PatientName=${q(NFD('NGUYỄN^VĂN AN'))}`)).toEqual(sorted(A1.studyUid, D.studyUid));
    expect(await studies(`PatientName=${q('đặng^thị hồng')}`)).toEqual([B.studyUid]);
    expect(await studies(`PatientName=${q('Dang^Thi Hong')}`)).toEqual([]); // literal: accents count
    expect(await studies('PatientName=%C4%90%E1%BA%B6NG*')).toEqual([B.studyUid]); // "ĐẶNG*" in UTF-8, percent-encoded
    expect(await studies(`PatientName=${q('Tr?n^Đức*')}`)).toEqual([C.studyUid]); // ? is one character: "ầ" (compared in NFC)
    expect(await studies(`PatientName=${q(NFD('Tr?n^Đức*'))}`)).toEqual([C.studyUid]);
    expect(await studies(`PatientName=${q('Tr??n^*')}`)).toEqual([]);
    expect(await studies(`PatientName=${q('Trầ?^Đức Bo')}`)).toEqual([C.studyUid]);
  });

  it('fuzzy-matches PatientName by word prefixes in any order, without case or accents (Đ is D)', async () => {
    const fuzzy = (name: string) => studies(`PatientName=${q(name)}&fuzzymatching=true`);
    expect(await fuzzy('an nguyen')).toEqual(sorted(A1.studyUid, D.studyUid));
    expect(await fuzzy('dang hong')).toEqual([B.studyUid]);
    expect(await fuzzy('ĐẶNG')).toEqual([B.studyUid]);
    expect(await fuzzy(NFD('trần đức'))).toEqual([C.studyUid]);
    expect(await fuzzy('tran duc bo')).toEqual([C.studyUid]);
    expect(await fuzzy('duc an')).toEqual([]);
  });

  it('matches ReferringPhysicianName like PatientName: literal ignoring case, and fuzzy through its own word table', async () => {
    expect(await studies(`ReferringPhysicianName=${q('TRẦN^THỊ HẠNH')}`)).toEqual([B.studyUid]); // stored in NFD
    expect(await studies(`00080090=${q('Nguyễn^*')}`)).toEqual([C.studyUid]);
    expect(await studies(`ReferringPhysicianName=${q('hanh tran')}&fuzzymatching=true`)).toEqual([B.studyUid]);
    expect(await studies(`ReferringPhysicianName=${q('le tam')}&fuzzymatching=true`)).toEqual([A1.studyUid]);
    expect(await studies(`ReferringPhysicianName=nguyen&fuzzymatching=true`)).toEqual([C.studyUid]);
    // Both names fuzzy at once: patient Nguyễn with referring physician Lê.
    expect(await studies(`PatientName=nguyen&ReferringPhysicianName=le&fuzzymatching=true`)).toEqual([A1.studyUid]);
  });

  it('matches the other study keys: descriptions and institutions case-sensitively, sex, birth date, accession, study ID', async () => {
    expect(await studies(`InstitutionName=${q('Bệnh viện Chợ Rẫy')}`)).toEqual(sorted(A1.studyUid, C.studyUid));
    expect(await studies(`InstitutionName=${q('bệnh viện chợ rẫy')}`)).toEqual([]);
    expect(await studies(`00080080=${q('Bệnh viện B*')}`)).toEqual([B.studyUid]);
    expect(await studies(`StudyDescription=${q('CT*')}`)).toEqual(sorted(A1.studyUid, C.studyUid, D.studyUid)); // D: "CT ngực bụng…"
    expect(await studies(`StudyDescription=${q('*NÃO')}`)).toEqual([B.studyUid]);
    expect(await studies('PatientSex=F')).toEqual([B.studyUid]);
    expect(await studies('PatientBirthDate=19700101-19791231')).toEqual(sorted(B.studyUid, D.studyUid)); // D: 19700101
    expect(await studies('PatientBirthDate=19800101')).toEqual([A1.studyUid]);
    expect(await studies('AccessionNumber=ACC-C')).toEqual([C.studyUid]);
    expect(await studies('AccessionNumber=ACC-?')).toHaveLength(4);
    expect(await studies('StudyID=S-A')).toEqual([A1.studyUid]);
    expect(await studies('ModalitiesInStudy=MR')).toEqual([B.studyUid]);
    expect(await studies('ModalitiesInStudy=M*')).toEqual([B.studyUid]);
    expect(await studies('ModalitiesInStudy=MR,CT&PatientSex=M')).toEqual(sorted(A1.studyUid, C.studyUid, D.studyUid));
  });

  it('matches series keys, in a study and relationally across studies', async () => {
    const seriesOf = async (path: string) => {
      const { status, items } = await search(path);
      expect(status, path).toBe(200);
      return items.map((s) => String(value(s, '0020000E'))).sort();
    };
    expect(await seriesOf(`/studies/${A1.studyUid}/series?SeriesNumber=5`)).toEqual([A2.seriesUid]);
    expect(await seriesOf('/series?SeriesNumber=5')).toEqual([A2.seriesUid]);
    expect(await seriesOf('/series?00200011=%2B2')).toEqual([A1.seriesUid]);
    expect(await seriesOf('/series?SeriesDescription=Coronal')).toEqual([A2.seriesUid]);
    expect(await seriesOf('/series?BodyPartExamined=ABDOMEN,HEAD')).toEqual(sorted(A2.seriesUid, B.seriesUid));
    expect(await seriesOf('/series?PerformedProcedureStepStartDate=20240106')).toEqual([B.seriesUid]);
    expect(await seriesOf('/series?PerformedProcedureStepStartDate=20240105-20240106&PerformedProcedureStepStartTime=0900-1500')).toEqual([
      B.seriesUid,
    ]);
    expect(await seriesOf('/series?PerformedProcedureStepStartTime=0835')).toEqual([A1.seriesUid]);
    // Relational: study keys narrow series searches.
    expect(await seriesOf(`/series?PatientID=VN-A&Modality=CT`)).toEqual(sorted(A1.seriesUid, A2.seriesUid));
    expect(await seriesOf(`/series?PatientName=${q('trần')}*&BodyPartExamined=CHEST`)).toEqual([C.seriesUid]);
    expect(await seriesOf(`/series?PatientName=${q('trần')}*&BodyPartExamined=HEAD`)).toEqual([]);
  });

  it('matches instance keys: InstanceNumber, SOPClassUID, with relational study and series keys', async () => {
    const { items } = await search(`/studies/${A1.studyUid}/series/${A1.seriesUid}/instances?InstanceNumber=2`);
    expect(items.map((i) => value(i, '00080018'))).toEqual([A1.sopUids[1]]);
    expect(value(items[0], '00200013')).toBe(2);
    const ct = await search(`/instances?SOPClassUID=1.2.840.10008.5.1.4.1.1.2&PatientID=VN-A&SeriesNumber=5`);
    expect(ct.items.map((i) => value(i, '00080018')).sort()).toEqual([...A2.sopUids].sort());
    const byStudy = await search(`/studies/${A1.studyUid}/instances?InstanceNumber=1`);
    expect(byStudy.items).toHaveLength(2); // one per series
    const relational = await search(`/instances?StudyInstanceUID=${A1.studyUid}`);
    expect(relational.items.map((i) => value(i, '00080018')).sort()).toEqual([...A1.sopUids, ...A2.sopUids].sort());
    expect(value(relational.items[0], '00100020')).toBe('VN-A'); // study attributes come with relational results
    expect(value(relational.items[0], '00080060')).toBe('CT'); // and series attributes
    expect((await search('/instances?SOPClassUID=1.2.840.10008.5.1.4.1.1.4')).items).toEqual([]);
  });

  it('returns the default keys, empty when not stored, and every key asked for with includefield or an empty value', async () => {
    const [c] = (await search(`/studies?StudyInstanceUID=${C.studyUid}`)).items;
    expect(c?.['00100030']).toEqual({ vr: 'DA' }); // PatientBirthDate is not in C's files
    expect(value(c, '00100040')).toBe('M');
    expect(value(c, '00080030')).toBe('0915');
    expect(value(c, '00080090')).toEqual({ Alphabetic: 'Nguyễn^Văn Bình' });
    expect(value(c, '00201206')).toBe(1);
    // A key with an empty value matches everything and is returned.
    const empty = await search(`/studies?PatientID=VN-A&StudyDescription=&00080080=`);
    expect(empty.items).toHaveLength(1);
    expect(value(empty.items[0], '00081030')).toBe('CT NGỰC');
    expect(value(empty.items[0], '00080080')).toBe('Bệnh viện Chợ Rẫy');
    const series = (await search(`/studies/${A1.studyUid}/series?SeriesNumber=2`)).items[0];
    expect(value(series, '00400244')).toBe('20240105');
    expect(value(series, '00180015')).toBe('CHEST');
    expect(series?.['00100010']).toBeUndefined(); // study attributes stay out of a study-scoped series search…
    const named = (await search(`/studies/${A1.studyUid}/series?SeriesNumber=2&includefield=PatientName,00100020`)).items[0];
    expect(value(named, '00100010')).toEqual({ Alphabetic: 'Nguyễn^Văn An' }); // …unless named
    expect(value(named, '00100020')).toBe('VN-A');
  });

  it('includefield=all returns what the index holds at every level; an attribute with an empty value is a return key', async () => {
    const path = `/studies/${A1.studyUid}/series/${A1.seriesUid}/instances`;
    const plain = (await search(`${path}?InstanceNumber=1`)).items[0]!;
    expect(plain['00280030']).toBeUndefined();
    const all = (await search(`${path}?InstanceNumber=1&includefield=all`)).items[0]!;
    expect(all['00280030']?.Value).toEqual([25, 25]); // PixelSpacing: 400 mm / 16
    expect(value(all, '00180050')).toBe(1.25);
    expect(value(all, '00100010')).toEqual({ Alphabetic: 'Nguyễn^Văn An' });
    expect(all['7FE00010']).toBeUndefined(); // never bulk data
    const asKey = (await search(`${path}?InstanceNumber=1&00280030=&WindowCenter=`)).items[0]!;
    expect(asKey['00280030']?.Value).toEqual([25, 25]);
    expect(asKey['00281050']?.Value).toEqual([40, -600]);
    const study = (await search(`/studies?PatientID=VN-A&includefield=all`)).items[0]!;
    expect(value(study, '00080005')).toBe('ISO_IR 192');
    expect(value(study, '00080080')).toBe('Bệnh viện Chợ Rẫy');
    const series = (await search(`/series?PatientID=VN-B&includefield=all`)).items[0]!;
    expect(value(series, '00185100')).toBe('HFS'); // PatientPosition
    expect(value(series, '00100010')).toEqual({ Alphabetic: NFD('Đặng^Thị Hồng') }); // stored as sent
  });

  it('caps limit at PACS_QIDO_MAX_LIMIT and says so in a Warning header', async () => {
    const small = await startTestArchive({ PACS_QIDO_MAX_LIMIT: '2' });
    try {
      for (const s of [B, C, D]) await expectStored(small, s.files);
      const page = await getJson(small, `${small.dicomWeb}/studies?limit=10`);
      expect((page.json as DicomJson[]).map((s) => value(s, '0020000D'))).toEqual([C.studyUid, B.studyUid]); // newest first
      expect(page.headers.get('warning')).toMatch(/^299 .*limit of 2/);
      const last = await getJson(small, `${small.dicomWeb}/studies?offset=2`);
      expect((last.json as DicomJson[]).map((s) => value(s, '0020000D'))).toEqual([D.studyUid]);
      expect(last.headers.get('warning')).toBeNull();
    } finally {
      await small.stop();
    }
  });

  it('answers 400 with INVALID_QUERY for malformed values and keys of the wrong level', async () => {
    for (const bad of [
      '/studies?StudyTime=25x',
      '/studies?StudyTime=0900-1000-1100',
      '/studies?StudyDate=2024*',
      '/studies?PatientBirthDate=1980',
      '/studies?SeriesNumber=2',
      '/studies?Foo=',
      '/studies?includefield=NoSuchKeyword',
      '/series?SeriesNumber=two',
      '/series?InstanceNumber=1',
      '/instances?InstanceNumber=1?',
      '/studies?ModalitiesInStudy=C%3BT',
      '/studies?StudyTime=1000&00080030=1100',
    ]) {
      const res = await archive.fetch(`${archive.dicomWeb}${bad}`);
      expect(res.status, bad).toBe(400);
      expect(((await res.json()) as { code: string }).code, bad).toBe('INVALID_QUERY');
    }
  });
});
