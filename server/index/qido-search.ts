import type { DicomJson, DicomJsonElement } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { instancePath, seriesPath, studyPath } from '../../shared/dicomweb/paths';
import { queryKeyVr, type QidoLevel, type QidoQuery } from '../../shared/dicomweb/qido-query';
import { SERIES_RETURN_KEYS, STUDY_RETURN_KEYS } from './level-attributes';
import type { IndexDb } from './index-db';
import type { Statement } from 'better-sqlite3';
import { statementCache } from '../sqlite/statement-cache';
import { queryConditions } from './qido-conditions';

/**
 * QIDO-RS search over the index (PS3.18 10.6): every matching key maps to an indexed column
 * (qido-conditions.ts); results are assembled from the stored level JSON plus computed attributes.
 */
export interface QidoScope {
  studyUid?: string;
  seriesUid?: string;
  /** A share link's scope: only this study (and only these series when given) can match. */
  restrictTo?: { studyUid: string; seriesUids?: readonly string[] };
}

export interface QidoResult {
  items: DicomJson[];
  /** True when more matches exist beyond `limit` (the caller adds a Warning header). */
  truncated: boolean;
}

const FROM: Record<QidoLevel, string> = {
  study: 'FROM studies st',
  series: 'FROM series se JOIN studies st ON st.pk = se.study_pk',
  instance: 'FROM instances i JOIN series se ON se.pk = i.series_pk JOIN studies st ON st.pk = se.study_pk',
};
/** Joined only when a condition needs it: paging deep into a plain listing then walks one index. */
const JOIN_PATIENTS = 'JOIN patients p ON p.pk = st.patient_pk';

const KEY: Record<QidoLevel, string> = { study: 'st.pk', series: 'se.pk', instance: 'i.pk' };

const ORDER: Record<QidoLevel, string> = {
  study: 'ORDER BY st.study_date DESC, st.study_time DESC, st.pk DESC',
  series: 'ORDER BY st.pk, se.series_number, se.pk',
  instance: 'ORDER BY se.pk, i.instance_number, i.pk',
};

/**
 * The same orders with `+` on the leading key, used when a series or instance search has
 * matching keys: it stops SQLite from walking every study or series in key order (which needs
 * no sort) instead of searching the index of the matched column. Study searches need no hint:
 * their order index (study date) is only walked when nothing narrower exists.
 */
const ORDER_BY_SORTING: Record<QidoLevel, string> = {
  ...ORDER,
  series: 'ORDER BY +st.pk, se.series_number, se.pk',
  instance: 'ORDER BY +se.pk, i.instance_number, i.pk',
};

const SELECT: Record<QidoLevel, string> = {
  study: 'st.pk AS pk, st.study_uid, st.json AS study_json, st.num_series, st.num_instances, st.modalities',
  series: 'se.pk AS pk, st.study_uid, st.json AS study_json, se.series_uid, se.json AS series_json, se.num_instances AS series_instances',
  instance: `i.pk AS pk, st.study_uid, st.json AS study_json, se.series_uid, se.json AS series_json, i.sop_uid, i.sop_class_uid,
    i.instance_number, i.rows, i.columns, i.bits_allocated, i.number_of_frames`,
};

/** The whole instance JSON is read only when includefield asks for more than the defaults. */
function select(query: QidoQuery): string {
  const withInstanceJson = query.level === 'instance' && query.includeFields.length > 0;
  return withInstanceJson ? `${SELECT.instance}, i.json AS instance_json` : SELECT[query.level];
}

/**
 * The search as SQL: the row keys of one page, in result order (exported so that a test can
 * check with EXPLAIN QUERY PLAN that every key is an index search).
 */
export function searchSql(db: IndexDb, query: QidoQuery, scope: QidoScope, limit: number): { sql: string; args: unknown[] } {
  const conditions = queryConditions(db, query);
  if (scope.studyUid !== undefined) conditions.push({ sql: 'st.study_uid = ?', args: [scope.studyUid] });
  if (scope.seriesUid !== undefined) conditions.push({ sql: 'se.series_uid = ?', args: [scope.seriesUid] });
  if (scope.restrictTo) {
    conditions.push({ sql: 'st.study_uid = ?', args: [scope.restrictTo.studyUid] });
    const series = scope.restrictTo.seriesUids;
    if (series && query.level !== 'study')
      conditions.push({ sql: `se.series_uid IN (${series.map(() => '?').join(',')})`, args: [...series] });
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.map((c) => c.sql).join(' AND ')}` : '';
  const order = (query.filters.length > 0 ? ORDER_BY_SORTING : ORDER)[query.level];
  const from = conditions.some((c) => /\bp\./.test(c.sql)) ? `${FROM[query.level]} ${JOIN_PATIENTS}` : FROM[query.level];
  const sql = `SELECT ${KEY[query.level]} ${from} ${where} ${order} LIMIT ? OFFSET ?`;
  // One row more than asked tells whether the result was cut.
  return { sql, args: [...conditions.flatMap((c) => c.args), limit + 1, query.offset] };
}

/**
 * QIDO-RS search over the index (PS3.18 10.6). Two steps: the keys of the page (narrow rows, so
 * sorting many matches never drags their JSON along), then the page's rows by key.
 */
export function searchIndex(db: IndexDb, query: QidoQuery, scope: QidoScope, limit: number, retrieveBase: string): QidoResult {
  const { keys, truncated } = searchKeys(db, query, scope, limit);
  return { items: searchItems(db, query, scope, keys, retrieveBase), truncated };
}

/** The row keys of up to `limit` matches from `query.offset`, in result order; `truncated`: more exist. */
export function searchKeys(db: IndexDb, query: QidoQuery, scope: QidoScope, limit: number): { keys: number[]; truncated: boolean } {
  const { sql, args } = searchSql(db, query, scope, limit);
  const keys = statement(db, sql)
    .pluck()
    .all(...args) as number[];
  const truncated = keys.length > limit;
  return { keys: truncated ? keys.slice(0, limit) : keys, truncated };
}

/**
 * The results of the rows `keys` (from searchKeys), in that order. `only`: the attributes the
 * caller takes (C-FIND's return keys); the other stored and empty attributes are not added and
 * the tags are left unordered, so a match costs its JSON parse and little more.
 */
export function searchItems(
  db: IndexDb,
  query: QidoQuery,
  scope: QidoScope,
  keys: readonly number[],
  retrieveBase: string,
  only?: ReadonlySet<string>,
): DicomJson[] {
  if (keys.length === 0) return [];
  const rows = statement(
    db,
    `SELECT ${select(query)} ${FROM[query.level]} WHERE ${KEY[query.level]} IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(keys)) as Row[];
  const byKey = new Map(rows.map((row) => [row.pk, row]));
  const items: DicomJson[] = [];
  for (const key of keys) {
    const row = byKey.get(key);
    if (row) items.push(toItem(row, query, scope, retrieveBase, only));
  }
  return items;
}

/** Prepared once per connection and shape of the SQL (preparing costs as much as reading a page of keys). */
const caches = new WeakMap<IndexDb, (sql: string) => Statement>();

function statement(db: IndexDb, sql: string): Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = statementCache(db, 200)));
  return cache(sql);
}

interface Row {
  pk: number;
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

function toItem(row: Row, query: QidoQuery, scope: QidoScope, base: string, only?: ReadonlySet<string>): DicomJson {
  const item: DicomJson = {};
  const include = query.includeFields;
  // Attributes of the levels above come whole only for relational queries (no UID in the path);
  // otherwise only those named by includefield (PS3.18 Tables 6.7.1-2a, -2b).
  const withStudy = query.level === 'study' || scope.studyUid === undefined;
  const withSeries = query.level === 'series' || (query.level === 'instance' && scope.seriesUid === undefined);
  addLevel(item, row.study_json, withStudy ? 'all' : include, only);
  if (withStudy) addEmpty(item, STUDY_RETURN_KEYS, only);
  if (query.level === 'study') {
    item[Tag.ModalitiesInStudy] = { vr: 'CS', Value: row.modalities ? row.modalities.split('\\') : [] };
    item[Tag.NumberOfStudyRelatedSeries] = { vr: 'IS', Value: [row.num_series ?? 0] };
    item[Tag.NumberOfStudyRelatedInstances] = { vr: 'IS', Value: [row.num_instances ?? 0] };
    item[Tag.RetrieveURL] = { vr: 'UR', Value: [`${base}/${studyPath(row.study_uid)}`] };
  } else {
    item[Tag.StudyInstanceUID] = { vr: 'UI', Value: [row.study_uid] };
    addLevel(item, row.series_json, withSeries ? 'all' : include, only);
    if (withSeries) addEmpty(item, SERIES_RETURN_KEYS, only);
  }
  if (query.level === 'series') {
    item[Tag.NumberOfSeriesRelatedInstances] = { vr: 'IS', Value: [row.series_instances ?? 0] };
    item[Tag.RetrieveURL] = { vr: 'UR', Value: [`${base}/${seriesPath(row.study_uid, row.series_uid!)}`] };
  }
  if (query.level === 'instance') {
    item[Tag.SeriesInstanceUID] = { vr: 'UI', Value: [row.series_uid] };
    item[Tag.SOPClassUID] = { vr: 'UI', Value: [row.sop_class_uid] };
    item[Tag.SOPInstanceUID] = { vr: 'UI', Value: [row.sop_uid] };
    setNumber(item, Tag.InstanceNumber, 'IS', row.instance_number);
    setNumber(item, Tag.Rows, 'US', row.rows);
    setNumber(item, Tag.Columns, 'US', row.columns);
    setNumber(item, Tag.BitsAllocated, 'US', row.bits_allocated);
    setNumber(item, Tag.NumberOfFrames, 'IS', row.number_of_frames);
    item[Tag.RetrieveURL] = { vr: 'UR', Value: [`${base}/${instancePath(row.study_uid, row.series_uid!, row.sop_uid!)}`] };
    addLevel(item, row.instance_json, include, only);
  }
  item[Tag.InstanceAvailability] = { vr: 'CS', Value: ['ONLINE'] };
  // Return keys asked for (includefield, or a key with an empty value) are present even when empty.
  if (include !== 'all') addEmpty(item, include, only);
  // The computed attributes above stay whatever `only` says: cheaper than asking.
  return only ? item : sortByTag(item);
}

/** Adds the attributes of one level's stored JSON: all of them, or those named; bulk data never. */
function addLevel(item: DicomJson, json: string | undefined, tags: readonly string[] | 'all', only?: ReadonlySet<string>): void {
  if (json === undefined || (tags !== 'all' && tags.length === 0)) return;
  const level = JSON.parse(json) as DicomJson;
  if (only) {
    for (const tag of only) {
      const element = level[tag];
      if (element && (tags === 'all' || tags.includes(tag)) && element.BulkDataURI === undefined) item[tag] ??= element;
    }
    return;
  }
  for (const [tag, element] of Object.entries(level)) {
    if ((tags === 'all' || tags.includes(tag)) && element.BulkDataURI === undefined) item[tag] ??= element;
  }
}

/** Return keys missing from the stored data come back empty ({ vr } only, PS3.18 F.2.5). */
function addEmpty(item: DicomJson, tags: readonly string[], only?: ReadonlySet<string>): void {
  for (const tag of tags) {
    if (only && !only.has(tag)) continue;
    const vr = queryKeyVr(tag);
    if (vr !== undefined && item[tag] === undefined) item[tag] = { vr };
  }
}

function setNumber(item: DicomJson, tag: string, vr: string, value: number | null | undefined): void {
  item[tag] = value === null || value === undefined ? { vr } : { vr, Value: [value] };
}

function sortByTag(item: DicomJson): DicomJson {
  const sorted: Record<string, DicomJsonElement> = {};
  for (const tag of Object.keys(item).sort()) sorted[tag] = item[tag]!;
  return sorted;
}
