import { foldCase } from '../../shared/dicom/name-fold';
import { Tag } from '../../shared/dicom/tags';
import { DATE_TIME_PAIRS, type QidoFilter, type QidoQuery } from '../../shared/dicomweb/qido-query';
import { PATIENT_NAME_WORDS, REFERRING_NAME_WORDS, fuzzyNameCondition, type NameWordTable, type SqlCondition } from './name-words';
import type { IndexDb } from './index-db';

/**
 * The WHERE conditions of a QIDO-RS search (PS3.4 C.2.2.2 matching on the index columns).
 * Every key maps to an indexed column; aliases: p = patients, st = studies, se = series, i = instances.
 */
interface Column {
  column: string;
  /** PN: literal matching ignores case (the column holds `foldCase` of the name). */
  foldCase?: boolean;
  /** PN: the word table for fuzzymatching=true. */
  words?: NameWordTable;
}

const COLUMNS: Record<string, Column> = {
  [Tag.StudyInstanceUID]: { column: 'st.study_uid' },
  [Tag.PatientName]: { column: 'p.name_upper', foldCase: true, words: PATIENT_NAME_WORDS },
  [Tag.PatientID]: { column: 'p.patient_id' },
  [Tag.IssuerOfPatientID]: { column: 'p.issuer' },
  [Tag.PatientBirthDate]: { column: 'p.birth_date' },
  [Tag.PatientSex]: { column: 'p.sex' },
  [Tag.AccessionNumber]: { column: 'st.accession_number' },
  [Tag.StudyDate]: { column: 'st.study_date' },
  [Tag.StudyTime]: { column: 'st.study_time' },
  [Tag.StudyID]: { column: 'st.study_id' },
  [Tag.StudyDescription]: { column: 'st.study_description' },
  [Tag.InstitutionName]: { column: 'st.institution_name' },
  [Tag.ReferringPhysicianName]: { column: 'st.referring_physician_upper', foldCase: true, words: REFERRING_NAME_WORDS },
  [Tag.SeriesInstanceUID]: { column: 'se.series_uid' },
  [Tag.Modality]: { column: 'se.modality' },
  [Tag.SeriesNumber]: { column: 'se.series_number' },
  [Tag.SeriesDescription]: { column: 'se.series_description' },
  [Tag.BodyPartExamined]: { column: 'se.body_part' },
  [Tag.PerformedProcedureStepStartDate]: { column: 'se.pps_start_date' },
  [Tag.PerformedProcedureStepStartTime]: { column: 'se.pps_start_time' },
  [Tag.SOPInstanceUID]: { column: 'i.sop_uid' },
  [Tag.SOPClassUID]: { column: 'i.sop_class_uid' },
  [Tag.InstanceNumber]: { column: 'i.instance_number' },
};

const MODALITIES_IN_STUDY = Tag.ModalitiesInStudy;
/** Below this many series with the asked modalities, they drive the search (see modalitiesCondition). */
const RARE_MODALITY_ROWS = 2000;
/** Greater than any TM character: `t~` is the inclusive upper end of every time that begins with `t`. */
const TIME_END = '~';

export function queryConditions(db: IndexDb, query: QidoQuery): SqlCondition[] {
  const conditions: SqlCondition[] = [];
  const byTag = new Map(query.filters.map((f) => [f.key.tag, f]));
  const combined = new Set<string>();
  for (const [dateTag, timeTag] of Object.entries(DATE_TIME_PAIRS)) {
    const date = byTag.get(dateTag);
    const time = byTag.get(timeTag);
    if (!date || !time) continue;
    conditions.push(...dateTimeRange(column(dateTag), column(timeTag), date.values, time.values));
    combined.add(dateTag).add(timeTag);
  }
  for (const filter of query.filters) {
    if (!combined.has(filter.key.tag)) conditions.push(...filterConditions(db, filter, query.fuzzyMatching));
  }
  return conditions;
}

function column(tag: string): string {
  const target = COLUMNS[tag];
  if (!target) throw new Error(`no index column for ${tag}`);
  return target.column;
}

function filterConditions(db: IndexDb, filter: QidoFilter, fuzzy: boolean): SqlCondition[] {
  const { key, values } = filter;
  if (key.tag === MODALITIES_IN_STUDY) return [modalitiesCondition(db, filter)];
  const target = COLUMNS[key.tag];
  if (!target) throw new Error(`no index column for ${key.keyword}`);
  const col = target.column;
  switch (key.kind) {
    case 'uid-list':
    case 'code-list':
      return [codeListCondition(col, filter)];
    case 'date':
      return range(col, values, '');
    case 'time':
      return range(col, values, TIME_END);
    case 'integer':
      return [{ sql: `${col} = ?`, args: [Number(values[0])] }];
    case 'string':
    case 'person-name': {
      const value = values[0] ?? '';
      if (fuzzy && target.words) return fuzzyNameCondition(db, target.words, value);
      return [textCondition(col, target.foldCase ? foldCase(value) : value, filter.wildcard)];
    }
  }
}

/** Values without wildcards as one `IN` (an index lookup each), patterns as GLOB, either may match. */
function codeListCondition(col: string, filter: QidoFilter): SqlCondition {
  const plain = filter.values.filter((v) => !/[*?]/.test(v));
  const patterns = filter.values.filter((v) => /[*?]/.test(v));
  const parts: string[] = [];
  if (plain.length > 0) parts.push(`${col} IN (${plain.map(() => '?').join(',')})`);
  for (const _ of patterns) parts.push(`${col} GLOB ?`);
  return { sql: parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`, args: [...plain, ...patterns.map(toGlob)] };
}

/**
 * `*` and `?` are GLOB's own wildcards; GLOB is case-sensitive like DICOM literal matching, and a
 * pattern with a literal prefix (`NGUY*`) is an index range (SQLite's LIKE/GLOB optimisation);
 * one that starts with a wildcard (`*AN`) has to look at every value of the column.
 */
function textCondition(col: string, value: string, wildcard: boolean): SqlCondition {
  return wildcard ? { sql: `${col} GLOB ?`, args: [toGlob(value)] } : { sql: `${col} = ?`, args: [value] };
}

function toGlob(value: string): string {
  return value.replace(/\[/g, '[[]');
}

/**
 * DA / TM range (PS3.4 C.2.2.2.5): inclusive at both ends; a TM end matches every time that
 * begins with it (`-1015` includes 10:15:59). An open start still excludes empty values.
 */
function range(col: string, [from = '', to = '']: string[], end: string): SqlCondition[] {
  const conditions: SqlCondition[] = [from !== '' ? { sql: `${col} >= ?`, args: [from] } : { sql: `${col} > ''`, args: [] }];
  if (to !== '') conditions.push({ sql: `${col} <= ?`, args: [`${to}${end}`] });
  return conditions;
}

/**
 * Combined date and time matching (PS3.4 C.2.2.2.5.1): date D1-D2 with time T1-T2 is the period
 * from D1 T1 to D2 T2, compared as (date, time) row values on the (date, time) index.
 */
function dateTimeRange(dateCol: string, timeCol: string, [d1 = '', d2 = '']: string[], [t1 = '', t2 = '']: string[]): SqlCondition[] {
  const conditions: SqlCondition[] = [
    d1 !== '' ? { sql: `(${dateCol}, ${timeCol}) >= (?, ?)`, args: [d1, t1] } : { sql: `${dateCol} > ''`, args: [] },
  ];
  if (d2 !== '') conditions.push({ sql: `(${dateCol}, ${timeCol}) <= (?, ?)`, args: [d2, `${t2}${TIME_END}`] });
  return conditions;
}

/**
 * ModalitiesInStudy: a study matches when one of its series has one of the modalities. A rare
 * modality (few series, counted in the index up to a cap) drives the search through the
 * (modality, study) index; a common one is checked per candidate study, which in date order
 * finds a page of results after a few rows.
 */
function modalitiesCondition(db: IndexDb, filter: QidoFilter): SqlCondition {
  const match = codeListCondition('m.modality', filter);
  const rows = db
    .prepare(`SELECT count(*) FROM (SELECT 1 FROM series m WHERE ${match.sql} LIMIT ${RARE_MODALITY_ROWS})`)
    .pluck()
    .get(...match.args) as number;
  if (rows < RARE_MODALITY_ROWS) return { sql: `st.pk IN (SELECT m.study_pk FROM series m WHERE ${match.sql})`, args: match.args };
  return { sql: `EXISTS (SELECT 1 FROM series m WHERE m.study_pk = st.pk AND ${match.sql})`, args: match.args };
}
