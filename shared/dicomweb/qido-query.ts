import { AppError } from '../errors';
import { Tag } from '../dicom/tags';
import { isValidUid } from '../dicom/uid';

/**
 * QIDO-RS query parameters (PS3.18 8.3.4 / 10.6.1) parsed into a typed query, with the matching
 * rules of PS3.4 C.2.2.2: single value, UID lists, `*`/`?` wildcards, DA/TM ranges, universal
 * matching. Keys may be given by keyword or by tag (`PatientID` or `00100020`); values arrive
 * percent-decoded (URLSearchParams).
 */
export type QidoLevel = 'study' | 'series' | 'instance';

export type MatchKind = 'uid-list' | 'string' | 'person-name' | 'date' | 'time' | 'integer' | 'code-list';

export interface QueryKey {
  keyword: string;
  tag: string;
  vr: string;
  level: QidoLevel;
  kind: MatchKind;
}

function key(keyword: keyof typeof Tag, vr: string, level: QidoLevel, kind: MatchKind): QueryKey {
  return { keyword, tag: Tag[keyword], vr, level, kind };
}

/**
 * The attributes that can be matched on, at their level: PS3.18 Tables 6.7.1-1 and -1a plus
 * the return keys of Tables 6.7.1-2, -2a that a user searches by (PatientBirthDate, PatientSex,
 * StudyDescription, InstitutionName, SeriesDescription, BodyPartExamined), and IssuerOfPatientID,
 * a Patient ID being unique only within its issuer (PS3.4 C.6.1.1.2's patient-level key).
 */
export const QUERY_KEYS: readonly QueryKey[] = [
  key('StudyInstanceUID', 'UI', 'study', 'uid-list'),
  key('PatientName', 'PN', 'study', 'person-name'),
  key('PatientID', 'LO', 'study', 'string'),
  key('IssuerOfPatientID', 'LO', 'study', 'string'),
  key('PatientBirthDate', 'DA', 'study', 'date'),
  key('PatientSex', 'CS', 'study', 'code-list'),
  key('AccessionNumber', 'SH', 'study', 'string'),
  key('StudyDate', 'DA', 'study', 'date'),
  key('StudyTime', 'TM', 'study', 'time'),
  key('StudyID', 'SH', 'study', 'string'),
  key('StudyDescription', 'LO', 'study', 'string'),
  key('InstitutionName', 'LO', 'study', 'string'),
  key('ModalitiesInStudy', 'CS', 'study', 'code-list'),
  key('ReferringPhysicianName', 'PN', 'study', 'person-name'),
  key('SeriesInstanceUID', 'UI', 'series', 'uid-list'),
  key('Modality', 'CS', 'series', 'code-list'),
  key('SeriesNumber', 'IS', 'series', 'integer'),
  key('SeriesDescription', 'LO', 'series', 'string'),
  key('BodyPartExamined', 'CS', 'series', 'code-list'),
  key('PerformedProcedureStepStartDate', 'DA', 'series', 'date'),
  key('PerformedProcedureStepStartTime', 'TM', 'series', 'time'),
  key('SOPInstanceUID', 'UI', 'instance', 'uid-list'),
  key('SOPClassUID', 'UI', 'instance', 'uid-list'),
  key('InstanceNumber', 'IS', 'instance', 'integer'),
];

/**
 * A date key and the time key that, given together, match as one date-time range
 * (PS3.4 C.2.2.2.5.1): StudyDate=20240105-20240107 & StudyTime=1000-1800 is 5 Jan 10:00 to 7 Jan 18:00.
 */
export const DATE_TIME_PAIRS: Readonly<Record<string, string>> = {
  [Tag.StudyDate]: Tag.StudyTime,
  [Tag.PerformedProcedureStepStartDate]: Tag.PerformedProcedureStepStartTime,
};

const LEVEL_DEPTH: Record<QidoLevel, number> = { study: 0, series: 1, instance: 2 };
const BY_NAME = new Map<string, QueryKey>(
  QUERY_KEYS.flatMap((k) => [
    [k.keyword.toLowerCase(), k],
    [k.tag.toLowerCase(), k],
  ]),
);
const TAG_BY_KEYWORD = new Map<string, string>(Object.entries(Tag).map(([keyword, tag]) => [keyword.toLowerCase(), tag]));

/** The VR of a query key or default return key, for returning it empty when an instance lacks it. */
export function queryKeyVr(tag: string): string | undefined {
  return BY_NAME.get(tag.toLowerCase())?.vr;
}

export interface QidoFilter {
  key: QueryKey;
  /**
   * uid-list / code-list: the values; date / time: [from, to] ('' = open end; a single value is
   * [v, v]); integer, string, person-name: one value.
   */
  values: string[];
  /** string / person-name / code-list: a value contains `*` or `?`. */
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
const TIME = /^\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?$/;
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
      if (!key) {
        // Any other attribute with an empty value is a return key only (PS3.18 8.3.4.1).
        if (value === '' && toTag(rawName) !== undefined) {
          addIncludeField(query, rawName);
          continue;
        }
        throw new AppError('INVALID_QUERY', `Unknown or unsupported query key "${rawName}".`);
      }
      if (LEVEL_DEPTH[key.level] > LEVEL_DEPTH[level]) {
        throw new AppError('INVALID_QUERY', `${key.keyword} is a ${key.level}-level key and cannot be matched in a ${level}-level query.`);
      }
      if (seen.has(key.tag)) throw new AppError('INVALID_QUERY', `${key.keyword} is given more than once.`);
      seen.add(key.tag);
      // Universal matching (PS3.4 C.2.2.2.3): empty or only `*`; the attribute is returned.
      if (value === '' || /^\*+$/.test(value)) addIncludeField(query, key.tag);
      else query.filters.push(parseFilter(key, value));
    }
  }
  return query;
}

function toTag(field: string): string | undefined {
  if (TAG.test(field)) return field.toUpperCase();
  return BY_NAME.get(field.toLowerCase())?.tag ?? TAG_BY_KEYWORD.get(field.toLowerCase());
}

function addIncludeField(query: QidoQuery, field: string): void {
  if (field === '') return;
  if (field.toLowerCase() === 'all') {
    query.includeFields = 'all';
    return;
  }
  const tag = toTag(field);
  if (tag === undefined) throw new AppError('INVALID_QUERY', `Unknown includefield "${field}".`);
  if (query.includeFields !== 'all' && !query.includeFields.includes(tag)) query.includeFields.push(tag);
}

function parseFilter(key: QueryKey, value: string): QidoFilter {
  const invalid = (why: string) => new AppError('INVALID_QUERY', `${key.keyword}: ${why}`);
  switch (key.kind) {
    case 'uid-list': {
      const values = splitList(value);
      if (!values.every(isValidUid)) throw invalid('every value must be a valid UID (comma-separated list allowed, no wildcards).');
      return { key, values, wildcard: false };
    }
    case 'code-list': {
      const values = splitList(value);
      if (!values.every((v) => /^[A-Za-z0-9_ *?]{1,16}$/.test(v)))
        throw invalid('values must be code strings (comma-separated list allowed).');
      return { key, values, wildcard: values.some(hasWildcard) };
    }
    case 'date':
      return {
        key,
        values: parseRange(value, DATE, invalid('expected YYYYMMDD or a range YYYYMMDD-YYYYMMDD, -YYYYMMDD, YYYYMMDD-.')),
        wildcard: false,
      };
    case 'time':
      return {
        key,
        values: parseRange(value.replace(/:/g, ''), TIME, invalid('expected HH[MM[SS[.FFFFFF]]] or a range of them (A-B, -B, A-).')),
        wildcard: false,
      };
    case 'integer':
      if (!/^[+-]?\d{1,10}$/.test(value.trim())) throw invalid('expected an integer.');
      return { key, values: [String(Number(value))], wildcard: false };
    case 'string':
    case 'person-name':
      if (value.length > 256) throw invalid('value too long.');
      return { key, values: [value], wildcard: hasWildcard(value) };
  }
}

/** `A`, `A-B`, `-B`, `A-` (PS3.4 C.2.2.2.5) as [from, to]; a single value is [A, A]. */
function parseRange(value: string, syntax: RegExp, error: AppError): [string, string] {
  const parts = value.split('-');
  const [from = '', to = from] = parts;
  const ok = parts.length <= 2 && (from === '' || syntax.test(from)) && (to === '' || syntax.test(to)) && (from !== '' || to !== '');
  if (!ok) throw error;
  return [from, parts.length === 1 ? from : to];
}

function splitList(value: string): string[] {
  return value.split(/[,\\]/).map((v) => v.trim());
}

function hasWildcard(value: string): boolean {
  return /[*?]/.test(value);
}
