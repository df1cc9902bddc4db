/**
 * A large synthetic archive index for the DICOMweb benchmark: N studies of Vietnamese patients
 * (family names in their real proportions: ~38 % Nguyễn), 1–4 series each (CT, MR, CR, DX, US,
 * NM), 1–7 instances per series, spread over ten years. Rows are written through the archive's
 * own `ArchiveIndex.insertInstances` (the STOW path's index code, same tables, same JSON), from
 * DICOM JSON data sets made here; there are no objects behind them, so they can be searched but
 * not retrieved. Deterministic for a seed; UIDs are `2.25.` + a counter.
 */
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { foldAccents } from '../../shared/dicom/name-fold';
import { ArchiveIndex, type InstanceRecord } from '../../server/index/archive-index';
import { openIndex } from '../../server/index/open-index';
import { makeRng } from '../../fixtures/generate-ct-series';

const FAMILY: Array<[string, number]> = [
  ['Nguyễn', 38],
  ['Trần', 11],
  ['Lê', 9.5],
  ['Phạm', 7],
  ['Hoàng', 5],
  ['Huỳnh', 4],
  ['Phan', 4.5],
  ['Vũ', 3.9],
  ['Võ', 3],
  ['Đặng', 2.1],
  ['Bùi', 2],
  ['Đỗ', 1.4],
  ['Hồ', 1.3],
  ['Ngô', 1.3],
  ['Dương', 1],
  ['Lý', 0.5],
  ['Đinh', 0.8],
  ['Trương', 0.9],
];
const MIDDLE = ['Văn', 'Thị', 'Văn', 'Thị', 'Văn', 'Thị', 'Minh', 'Thanh', 'Ngọc', 'Đức', 'Hữu', 'Quốc', 'Thu', 'Hoài', 'Xuân', 'Kim'];
const GIVEN = [
  'An',
  'Anh',
  'Bình',
  'Cường',
  'Dũng',
  'Dung',
  'Giang',
  'Hà',
  'Hải',
  'Hạnh',
  'Hiếu',
  'Hoa',
  'Hồng',
  'Hùng',
  'Huy',
  'Hương',
  'Khánh',
  'Lan',
  'Linh',
  'Long',
  'Mai',
  'Minh',
  'Nam',
  'Nga',
  'Ngọc',
  'Nhung',
  'Phong',
  'Phúc',
  'Phương',
  'Quân',
  'Quang',
  'Sơn',
  'Tâm',
  'Thảo',
  'Thắng',
  'Thanh',
  'Thủy',
  'Tiến',
  'Trang',
  'Trung',
  'Tú',
  'Tuấn',
  'Tùng',
  'Vân',
  'Việt',
  'Vinh',
  'Xuân',
  'Yến',
  'Bo',
  'Châu',
  'Diệp',
  'Khoa',
  'Lâm',
  'Nhật',
  'Oanh',
  'Quyên',
  'Sang',
  'Thành',
  'Thư',
  'Uyên',
];
const INSTITUTIONS = [
  'Bệnh viện Chợ Rẫy',
  'Bệnh viện Bạch Mai',
  'Bệnh viện Đa khoa Tỉnh',
  'Bệnh viện Nhi Đồng 1',
  'Bệnh viện Hữu nghị Việt Đức',
];
const MODALITIES: Array<{ modality: string; weight: number; sopClass: string; body: string[]; description: string }> = [
  { modality: 'CT', weight: 35, sopClass: '1.2.840.10008.5.1.4.1.1.2', body: ['CHEST', 'ABDOMEN', 'HEAD'], description: 'CT' },
  { modality: 'MR', weight: 20, sopClass: '1.2.840.10008.5.1.4.1.1.4', body: ['HEAD', 'SPINE', 'KNEE'], description: 'MR' },
  { modality: 'CR', weight: 15, sopClass: '1.2.840.10008.5.1.4.1.1.1', body: ['CHEST', 'HAND'], description: 'X-quang' },
  { modality: 'DX', weight: 10, sopClass: '1.2.840.10008.5.1.4.1.1.1.1', body: ['CHEST', 'PELVIS'], description: 'X-quang số' },
  { modality: 'US', weight: 15, sopClass: '1.2.840.10008.5.1.4.1.1.6.1', body: ['ABDOMEN', 'THYROID'], description: 'Siêu âm' },
  { modality: 'NM', weight: 5, sopClass: '1.2.840.10008.5.1.4.1.1.20', body: ['WHOLEBODY'], description: 'Y học hạt nhân' },
];
const FIRST_DAY = Date.UTC(2016, 0, 1);
const DAYS = 3653;

export interface SyntheticArchiveOptions {
  studies: number;
  patients: number;
  seed?: number;
  /** called after each transaction with the studies written so far */
  progress?: (studies: number, instances: number) => void;
  /** called with every instance row as it is made (bench:dimse encodes them for Orthanc) */
  onInstance?: (record: InstanceRecord) => void;
}

/** What the benchmark needs to make queries with known answers. */
export interface SyntheticStudy {
  patientId: string;
  /** accent-folded "family given", for a fuzzy search */
  fuzzyName: string;
  accession: string;
  date: string;
  modality: string;
}

export interface SyntheticArchive {
  studies: number;
  series: number;
  instances: number;
  /** every 100th study, for queries */
  samples: SyntheticStudy[];
  /** studies per PatientID and per accession number, to verify answers */
  studiesOfPatient: Map<string, number>;
  seconds: number;
}

/** Writes the synthetic archive into the index file `file` (created, migrated as by the server). */
export function buildSyntheticArchive(file: string, options: SyntheticArchiveOptions): SyntheticArchive {
  const started = performance.now();
  const db = openIndex(file);
  // A benchmark fixture: a crash while building just means building again.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const index = new ArchiveIndex(db);
  const rng = makeRng('synthetic-archive', String(options.seed ?? 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
  const familyTotal = FAMILY.reduce((n, [, w]) => n + w, 0);
  const modalityTotal = MODALITIES.reduce((n, m) => n + m.weight, 0);
  const weighted = <T>(items: readonly T[], weight: (t: T) => number, total: number): T => {
    let r = rng() * total;
    for (const item of items) if ((r -= weight(item)) < 0) return item;
    return items[items.length - 1]!;
  };
  const patients = Array.from({ length: options.patients }, (_, n) => {
    const family = weighted(FAMILY, ([, w]) => w, familyTotal)[0];
    const given = pick(GIVEN);
    const female = rng() < 0.5;
    return {
      id: `VN${String(n).padStart(7, '0')}`,
      name: `${family}^${female && rng() < 0.8 ? 'Thị' : pick(MIDDLE)} ${given}`,
      fuzzy: `${foldAccents(family)} ${foldAccents(given)}`.toLowerCase(),
      sex: female ? 'F' : 'M',
      birth: isoDate(Date.UTC(1930 + Math.floor(rng() * 90), 0, 1) + Math.floor(rng() * 365) * 86_400_000),
    };
  });
  const referring = Array.from({ length: 200 }, () => `${weighted(FAMILY, ([, w]) => w, familyTotal)[0]}^${pick(MIDDLE)} ${pick(GIVEN)}`);

  let uid = 0;
  const nextUid = () => `2.25.${options.seed ?? 1}${String(++uid).padStart(12, '0')}`;
  const result: SyntheticArchive = { studies: 0, series: 0, instances: 0, samples: [], studiesOfPatient: new Map(), seconds: 0 };
  let batch: InstanceRecord[] = [];
  const flush = () => {
    for (const outcome of index.insertInstances(batch))
      if (outcome.kind !== 'inserted') throw new Error(`synthetic instance not inserted: ${outcome.kind}`);
    batch = [];
    options.progress?.(result.studies, result.instances);
  };

  for (let s = 0; s < options.studies; s++) {
    const patient = patients[Math.floor(rng() * patients.length)]!;
    const kind = weighted(MODALITIES, (m) => m.weight, modalityTotal);
    const date = isoDate(FIRST_DAY + Math.floor(rng() * DAYS) * 86_400_000);
    const time = `${String(7 + Math.floor(rng() * 12)).padStart(2, '0')}${String(Math.floor(rng() * 60)).padStart(2, '0')}${String(Math.floor(rng() * 60)).padStart(2, '0')}`;
    const accession = `A${String(s).padStart(8, '0')}`;
    const studyUid = nextUid();
    const study: DicomJson = {
      '00080005': { vr: 'CS', Value: ['ISO_IR 192'] },
      '00080020': { vr: 'DA', Value: [date] },
      '00080030': { vr: 'TM', Value: [time] },
      '00080050': { vr: 'SH', Value: [accession] },
      '00080080': { vr: 'LO', Value: [pick(INSTITUTIONS)] },
      '00080090': { vr: 'PN', Value: [{ Alphabetic: pick(referring) }] },
      '00081030': { vr: 'LO', Value: [`${kind.description} ${pick(kind.body).toLowerCase()}`] },
      '00100010': { vr: 'PN', Value: [{ Alphabetic: patient.name }] },
      '00100020': { vr: 'LO', Value: [patient.id] },
      '00100030': { vr: 'DA', Value: [patient.birth] },
      '00100040': { vr: 'CS', Value: [patient.sex] },
      '0020000D': { vr: 'UI', Value: [studyUid] },
      '00200010': { vr: 'SH', Value: [String(s % 10000)] },
    };
    const seriesCount = 1 + Math.floor(rng() * 4);
    for (let se = 0; se < seriesCount; se++) {
      const seriesUid = nextUid();
      const body = pick(kind.body);
      const series: DicomJson = {
        '00080060': { vr: 'CS', Value: [kind.modality] },
        '0008103E': { vr: 'LO', Value: [`${kind.modality} ${body.toLowerCase()} ${se + 1}`] },
        '00180015': { vr: 'CS', Value: [body] },
        '0020000E': { vr: 'UI', Value: [seriesUid] },
        '00200011': { vr: 'IS', Value: [se + 1] },
        '00400244': { vr: 'DA', Value: [date] },
        '00400245': { vr: 'TM', Value: [time] },
      };
      const count = 1 + Math.floor(rng() * 7);
      for (let i = 0; i < count; i++) {
        const sopUid = nextUid();
        const dataset: DicomJson = {
          ...study,
          ...series,
          '00080016': { vr: 'UI', Value: [kind.sopClass] },
          '00080018': { vr: 'UI', Value: [sopUid] },
          '00200013': { vr: 'IS', Value: [i + 1] },
          '00200032': { vr: 'DS', Value: [-200, -200, i * 2.5] },
          '00200037': { vr: 'DS', Value: [1, 0, 0, 0, 1, 0] },
          '00280010': { vr: 'US', Value: [512] },
          '00280011': { vr: 'US', Value: [512] },
          '00280030': { vr: 'DS', Value: [0.78125, 0.78125] },
          '00280100': { vr: 'US', Value: [16] },
          '7FE00010': { vr: 'OW', BulkDataURI: `synthetic/${sopUid}` },
        };
        const record: InstanceRecord = {
          studyUid,
          seriesUid,
          sopUid,
          sopClassUid: kind.sopClass,
          transferSyntax: '1.2.840.10008.1.2.1',
          blobKey: `synthetic/${sopUid}`,
          size: 0,
          dataset,
          bulk: { items: [], deflated: false },
        };
        batch.push(record);
        options.onInstance?.(record);
        result.instances++;
      }
      result.series++;
    }
    result.studies++;
    result.studiesOfPatient.set(patient.id, (result.studiesOfPatient.get(patient.id) ?? 0) + 1);
    if (s % 100 === 0) result.samples.push({ patientId: patient.id, fuzzyName: patient.fuzzy, accession, date, modality: kind.modality });
    if (batch.length >= 2_000) flush();
  }
  flush();
  db.close();
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');
}
