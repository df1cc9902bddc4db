import type { DicomJson, DicomJsonElement } from '../../shared/dicom/dicom-json';
import { foldCase, nameWords } from '../../shared/dicom/name-fold';
import type { QidoFilter, QidoLevel, QidoQuery } from '../../shared/dicomweb/qido-query';
import type { IndexDb } from './open-index';

/**
 * QIDO-RS search over the index (PS3.18 10.6): every matching key maps to an indexed column,
 * results are assembled from the stored level JSON plus computed attributes.
 */
export interface QidoScope {
  studyUid?: string;
  seriesUid?: string;
}

export interface QidoResult {
  items: DicomJson[];
  /** True when more matches exist beyond `limit` (the caller adds a Warning header). */
  truncated: boolean;
}

const COLUMNS: Record<string, { column: string; fold?: 'case' | 'accents' }> = {
  '0020000D': { column: 'st.study_uid' },
  '00100010': { column: 'p.name_upper', fold: 'case' },
  '00100020': { column: 'p.patient_id' },
  '00100030': { column: 'p.birth_date' },
  '00100040': { column: 'p.sex' },
  '00080050': { column: 'st.accession_number' },
  '00080020': { column: 'st.study_date' },
  '00200010': { column: 'st.study_id' },
  '00081030': { column: 'st.study_description' },
  '00080090': { column: 'st.referring_physician_upper', fold: 'case' },
  '0020000E': { column: 'se.series_uid' },
  '00080060': { column: 'se.modality' },
  '00200011': { column: 'se.series_number' },
  '0008103E': { column: 'se.series_description' },
  '00180015': { column: 'se.body_part' },
  '00080018': { column: 'i.sop_uid' },
  '00080016': { column: 'i.sop_class_uid' },
  '00200013': { column: 'i.instance_number' },
};

const FROM: Record<QidoLevel, string> = {
  study: 'FROM studies st JOIN patients p ON p.pk = st.patient_pk',
  series: 'FROM series se JOIN studies st ON st.pk = se.study_pk JOIN patients p ON p.pk = st.patient_pk',
  instance:
    'FROM instances i JOIN series se ON se.pk = i.series_pk JOIN studies st ON st.pk = se.study_pk JOIN patients p ON p.pk = st.patient_pk',
};

const SELECT: Record<QidoLevel, string> = {
  study: 'st.study_uid, st.json AS study_json, st.num_series, st.num_instances, st.modalities',
  series: 'st.study_uid, st.json AS study_json, se.series_uid, se.json AS series_json, se.num_instances AS series_instances',
  instance: `st.study_uid, st.json AS study_json, se.series_uid, se.json AS series_json, i.sop_uid, i.sop_class_uid,
    i.instance_number, i.rows, i.columns, i.bits_allocated, i.number_of_frames, i.json AS instance_json`,
};

const ORDER: Record<QidoLevel, string> = {
  study: 'ORDER BY st.study_date DESC, st.study_time DESC, st.pk DESC',
  series: 'ORDER BY st.pk, se.series_number, se.pk',
  instance: 'ORDER BY se.pk, i.instance_number, i.pk',
};

export function searchIndex(db: IndexDb, query: QidoQuery, scope: QidoScope, limit: number, retrieveBase: string): QidoResult {
  const where: string[] = [];
  const args: unknown[] = [];
  if (scope.studyUid !== undefined) {
    where.push('st.study_uid = ?');
    args.push(scope.studyUid);
  }
  if (scope.seriesUid !== undefined) {
    where.push('se.series_uid = ?');
    args.push(scope.seriesUid);
  }
  for (const filter of query.filters) addCondition(filter, query.fuzzyMatching, where, args);
  const sql = `SELECT ${SELECT[query.level]} ${FROM[query.level]} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ${ORDER[query.level]} LIMIT ? OFFSET ?`;
  // One row more than asked tells whether the result was cut.
  const rows = db.prepare(sql).all(...args, limit + 1, query.offset) as Row[];
  const truncated = rows.length > limit;
  const items = rows.slice(0, limit).map((row) => toItem(row, query, scope, retrieveBase));
  return { items, truncated };
}

function addCondition(filter: QidoFilter, fuzzy: boolean, where: string[], args: unknown[]): void {
  const { key, values } = filter;
  if (key.tag === '00080061') {
    where.push(`EXISTS (SELECT 1 FROM series m WHERE m.study_pk = st.pk AND m.modality IN (${values.map(() => '?').join(',')}))`);
    args.push(...values);
    return;
  }
  const target = COLUMNS[key.tag];
  if (!target) throw new Error(`no column for ${key.keyword}`);
  const column = target.column;
  switch (key.kind) {
    case 'uid-list':
    case 'code-list':
      where.push(`${column} IN (${values.map(() => '?').join(',')})`);
      args.push(...values);
      return;
    case 'date': {
      const [from = '', to = ''] = values;
      if (from !== '') {
        where.push(`${column} >= ?`);
        args.push(from);
      } else where.push(`${column} <> ''`);
      if (to !== '') {
        where.push(`${column} <= ?`);
        args.push(to);
      }
      return;
    }
    case 'integer':
      where.push(`${column} = ?`);
      args.push(Number(values[0]));
      return;
    case 'string':
    case 'person-name': {
      let value = values[0] ?? '';
      if (fuzzy && column === 'p.name_upper') {
        addFuzzyNameCondition(value, where, args);
        return;
      }
      if (target.fold === 'case') value = foldCase(value);
      if (filter.wildcard) {
        where.push(`${column} GLOB ?`);
        args.push(toGlob(value));
      } else {
        where.push(`${column} = ?`);
        args.push(value);
      }
    }
  }
}

/**
 * Fuzzy PatientName (fuzzymatching=true): every word of the query must begin a word of the name,
 * in any order, ignoring case and accents. Each word is an index range on patient_name_words.
 */
function addFuzzyNameCondition(value: string, where: string[], args: unknown[]): void {
  for (const word of nameWords(value)) {
    where.push('p.pk IN (SELECT patient_pk FROM patient_name_words WHERE word >= ? AND word < ?)');
    args.push(word, `${word}\u{10FFFF}`);
  }
}

/** DICOM `*` and `?` become GLOB wildcards; GLOB's own `[` is escaped as a class. */
function toGlob(value: string): string {
  return value.replace(/\[/g, '[[]');
}

interface Row {
  study_uid: string;
  study_json: string;
  num_series?: number;
  num_instances?: number;
  modalities?: string;
  series_uid?: string;
  series_json?: string;
  series_instances?: number;
  sop_uid?: string;
  sop_class_uid?: string;
  instance_number?: number | null;
  rows?: number | null;
  columns?: number | null;
  bits_allocated?: number | null;
  number_of_frames?: number | null;
  instance_json?: string;
}

function toItem(row: Row, query: QidoQuery, scope: QidoScope, base: string): DicomJson {
  const studyUrl = `${base}/studies/${row.study_uid}`;
  const item: DicomJson = {};
  const include = query.includeFields;
  // Study attributes come with series/instance results only for relational queries (no study in the path).
  const withStudy = query.level === 'study' || scope.studyUid === undefined;
  if (withStudy) Object.assign(item, JSON.parse(row.study_json));
  if (query.level === 'study') {
    item['00080061'] = { vr: 'CS', Value: row.modalities ? row.modalities.split('\\') : [] };
    item['00201206'] = { vr: 'IS', Value: [row.num_series ?? 0] };
    item['00201208'] = { vr: 'IS', Value: [row.num_instances ?? 0] };
    item['00081190'] = { vr: 'UR', Value: [studyUrl] };
  } else {
    item['0020000D'] = { vr: 'UI', Value: [row.study_uid] };
  }
  if (query.level === 'series' || (query.level === 'instance' && scope.seriesUid === undefined)) {
    Object.assign(item, JSON.parse(row.series_json ?? '{}'));
  }
  if (query.level === 'series') {
    item['00201209'] = { vr: 'IS', Value: [row.series_instances ?? 0] };
    item['00081190'] = { vr: 'UR', Value: [`${studyUrl}/series/${row.series_uid}`] };
  }
  if (query.level === 'instance') {
    item['0020000E'] = { vr: 'UI', Value: [row.series_uid] };
    item['00080016'] = { vr: 'UI', Value: [row.sop_class_uid] };
    item['00080018'] = { vr: 'UI', Value: [row.sop_uid] };
    setNumber(item, '00200013', 'IS', row.instance_number);
    setNumber(item, '00280010', 'US', row.rows);
    setNumber(item, '00280011', 'US', row.columns);
    setNumber(item, '00280100', 'US', row.bits_allocated);
    setNumber(item, '00280008', 'IS', row.number_of_frames);
    item['00081190'] = { vr: 'UR', Value: [`${studyUrl}/series/${row.series_uid}/instances/${row.sop_uid}`] };
    if (include === 'all' || include.length > 0) {
      const full = JSON.parse(row.instance_json ?? '{}') as DicomJson;
      for (const [tag, element] of Object.entries(full)) {
        if ((include === 'all' || include.includes(tag)) && element.BulkDataURI === undefined) item[tag] ??= element;
      }
    }
  }
  item['00080056'] = { vr: 'CS', Value: ['ONLINE'] };
  return sortByTag(item);
}

function setNumber(item: DicomJson, tag: string, vr: string, value: number | null | undefined): void {
  item[tag] = value === null || value === undefined ? { vr } : { vr, Value: [value] };
}

function sortByTag(item: DicomJson): DicomJson {
  const sorted: Record<string, DicomJsonElement> = {};
  for (const tag of Object.keys(item).sort()) sorted[tag] = item[tag]!;
  return sorted;
}
