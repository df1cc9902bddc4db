import { AppError } from '../errors';
import { isValidUid } from '../dicom/uid';

/**
 * QIDO-RS query parameters (PS3.18 8.3.4 / 10.6.1) parsed into a typed query.
 * Matching keys may be given by keyword or by tag (`PatientID` or `00100020`).
 */
export type QidoLevel = 'study' | 'series' | 'instance';

export type MatchKind = 'uid-list' | 'string' | 'person-name' | 'date' | 'integer' | 'code-list';

export interface QueryKey {
  keyword: string;
  tag: string;
  level: QidoLevel;
  kind: MatchKind;
}

/** The attributes that can be matched on, at their level. */
export const QUERY_KEYS: readonly QueryKey[] = [
  { keyword: 'StudyInstanceUID', tag: '0020000D', level: 'study', kind: 'uid-list' },
  { keyword: 'PatientName', tag: '00100010', level: 'study', kind: 'person-name' },
  { keyword: 'PatientID', tag: '00100020', level: 'study', kind: 'string' },
  { keyword: 'PatientBirthDate', tag: '00100030', level: 'study', kind: 'date' },
  { keyword: 'PatientSex', tag: '00100040', level: 'study', kind: 'string' },
  { keyword: 'AccessionNumber', tag: '00080050', level: 'study', kind: 'string' },
  { keyword: 'StudyDate', tag: '00080020', level: 'study', kind: 'date' },
  { keyword: 'StudyID', tag: '00200010', level: 'study', kind: 'string' },
  { keyword: 'StudyDescription', tag: '00081030', level: 'study', kind: 'string' },
  { keyword: 'ModalitiesInStudy', tag: '00080061', level: 'study', kind: 'code-list' },
  { keyword: 'ReferringPhysicianName', tag: '00080090', level: 'study', kind: 'person-name' },
  { keyword: 'SeriesInstanceUID', tag: '0020000E', level: 'series', kind: 'uid-list' },
  { keyword: 'Modality', tag: '00080060', level: 'series', kind: 'code-list' },
  { keyword: 'SeriesNumber', tag: '00200011', level: 'series', kind: 'integer' },
  { keyword: 'SeriesDescription', tag: '0008103E', level: 'series', kind: 'string' },
  { keyword: 'BodyPartExamined', tag: '00180015', level: 'series', kind: 'string' },
  { keyword: 'SOPInstanceUID', tag: '00080018', level: 'instance', kind: 'uid-list' },
  { keyword: 'SOPClassUID', tag: '00080016', level: 'instance', kind: 'uid-list' },
  { keyword: 'InstanceNumber', tag: '00200013', level: 'instance', kind: 'integer' },
];

const LEVEL_DEPTH: Record<QidoLevel, number> = { study: 0, series: 1, instance: 2 };
const BY_NAME = new Map<string, QueryKey>(QUERY_KEYS.flatMap((k) => [[k.keyword.toLowerCase(), k], [k.tag.toLowerCase(), k]]));

export interface QidoFilter {
  key: QueryKey;
  /** uid-list / code-list: the values; date: [from, to] ('' = open end); others: one value. */
  values: string[];
  /** string / person-name: the value contains `*` or `?`. */
  wildcard: boolean;
}

export interface QidoQuery {
  level: QidoLevel;
  filters: QidoFilter[];
  /** Tags asked for with includefield (8 hex digits), or 'all'. */
  includeFields: string[] | 'all';
  limit: number | undefined;
  offset: number;
  fuzzyMatching: boolean;
}

const DATE = /^\d{8}$/;
const TAG = /^[0-9a-fA-F]{8}$/;

export function parseQidoQuery(params: Iterable<[string, string]>, level: QidoLevel): QidoQuery {
  const query: QidoQuery = { level, filters: [], includeFields: [], limit: undefined, offset: 0, fuzzyMatching: false };
  const seen = new Set<string>();
  for (const [rawName, value] of params) {
    const name = rawName.toLowerCase();
    if (name === 'limit' || name === 'offset') {
      if (!/^\d{1,9}$/.test(value)) throw new AppError('INVALID_QUERY', `${rawName} must be a non-negative integer.`);
      if (name === 'limit') query.limit = Number(value);
      else query.offset = Number(value);
    } else if (name === 'fuzzymatching') {
      if (value !== 'true' && value !== 'false') throw new AppError('INVALID_QUERY', 'fuzzymatching must be true or false.');
      query.fuzzyMatching = value === 'true';
    } else if (name === 'includefield') {
      for (const field of value.split(',')) addIncludeField(query, field.trim());
    } else {
      const key = BY_NAME.get(name);
      if (!key) throw new AppError('INVALID_QUERY', `Unknown or unsupported query key "${rawName}".`);
      if (LEVEL_DEPTH[key.level] > LEVEL_DEPTH[level]) {
        throw new AppError('INVALID_QUERY', `${key.keyword} is a ${key.level}-level key and cannot be matched in a ${level}-level query.`);
      }
      if (seen.has(key.tag)) throw new AppError('INVALID_QUERY', `${key.keyword} is given more than once.`);
      seen.add(key.tag);
      if (value === '') continue; // universal matching: the attribute is only returned
      query.filters.push(parseFilter(key, value));
    }
  }
  return query;
}

function addIncludeField(query: QidoQuery, field: string): void {
  if (field === '') return;
  if (field.toLowerCase() === 'all') {
    query.includeFields = 'all';
    return;
  }
  const tag = TAG.test(field) ? field.toUpperCase() : BY_NAME.get(field.toLowerCase())?.tag;
  if (tag === undefined) throw new AppError('INVALID_QUERY', `Unknown includefield "${field}".`);
  if (query.includeFields !== 'all') query.includeFields.push(tag);
}

function parseFilter(key: QueryKey, value: string): QidoFilter {
  const invalid = (why: string) => new AppError('INVALID_QUERY', `${key.keyword}: ${why}`);
  switch (key.kind) {
    case 'uid-list': {
      const values = value.split(/[,\\]/).map((v) => v.trim());
      if (!values.every(isValidUid)) throw invalid('every value must be a valid UID (comma-separated list allowed).');
      return { key, values, wildcard: false };
    }
    case 'code-list': {
      const values = value.split(/[,\\]/).map((v) => v.trim());
      if (!values.every((v) => /^[A-Za-z0-9_ ]{1,16}$/.test(v))) throw invalid('values must be code strings (comma-separated list allowed).');
      return { key, values, wildcard: false };
    }
    case 'date': {
      const range = value.split('-');
      const [from = '', to = from] = range;
      const ok = range.length <= 2 && (from === '' || DATE.test(from)) && (to === '' || DATE.test(to)) && (from !== '' || to !== '');
      if (!ok) throw invalid('expected YYYYMMDD or a range YYYYMMDD-YYYYMMDD, -YYYYMMDD, YYYYMMDD-.');
      return { key, values: [from, range.length === 1 ? from : to], wildcard: false };
    }
    case 'integer':
      if (!/^-?\d{1,10}$/.test(value)) throw invalid('expected an integer.');
      return { key, values: [value], wildcard: false };
    case 'string':
    case 'person-name':
      if (value.length > 256) throw invalid('value too long.');
      return { key, values: [value], wildcard: /[*?]/.test(value) };
  }
}
