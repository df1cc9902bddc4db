import { Tag } from '../../shared/dicom/tags';
import { QUERY_KEYS, type QidoLevel } from '../../shared/dicomweb/qido-query';
import { PATIENT_TAGS, SERIES_TAGS, STUDY_TAGS } from '../index/level-attributes';

/**
 * Query/Retrieve levels (PS3.4 C.6.1.1, C.6.2.1) and the level each key belongs to. The
 * Patient Root model has the four levels; in the Study Root model the patient attributes are
 * study-level keys and there is no PATIENT level.
 */
export type QueryModel = 'patient' | 'study';
export type QueryRetrieveLevel = 'PATIENT' | 'STUDY' | 'SERIES' | 'IMAGE';

export const LEVELS: Record<QueryModel, readonly QueryRetrieveLevel[]> = {
  patient: ['PATIENT', 'STUDY', 'SERIES', 'IMAGE'],
  study: ['STUDY', 'SERIES', 'IMAGE'],
};

/** The QIDO-RS level searched for each Query/Retrieve level: patients are found through their studies. */
export const QIDO_LEVEL: Record<QueryRetrieveLevel, QidoLevel> = {
  PATIENT: 'study',
  STUDY: 'study',
  SERIES: 'series',
  IMAGE: 'instance',
};

const DEPTH: Record<QueryRetrieveLevel, number> = { PATIENT: 0, STUDY: 1, SERIES: 2, IMAGE: 3 };

const FROM_QIDO: Record<QidoLevel, QueryRetrieveLevel> = { study: 'STUDY', series: 'SERIES', instance: 'IMAGE' };

/** Attributes that are not of one level: they may come with a query at any level. */
const ANY_LEVEL = new Set<string>([Tag.SpecificCharacterSet, Tag.TimezoneOffsetFromUTC, Tag.InstanceAvailability, Tag.RetrieveAETitle]);

/** Keys the archive knows the level of (Patient Root placement); any other attribute is taken as a key of the level queried. */
const KEY_LEVEL = new Map<string, QueryRetrieveLevel>([
  ...QUERY_KEYS.map((k) => [k.tag, FROM_QIDO[k.level]] as const),
  ...[Tag.Rows, Tag.Columns, Tag.BitsAllocated, Tag.NumberOfFrames].map((tag) => [tag, 'IMAGE'] as const),
  ...[...SERIES_TAGS, Tag.NumberOfSeriesRelatedInstances].map((tag) => [tag, 'SERIES'] as const),
  ...[...STUDY_TAGS, Tag.ModalitiesInStudy, Tag.NumberOfStudyRelatedSeries, Tag.NumberOfStudyRelatedInstances].map(
    (tag) => [tag, 'STUDY'] as const,
  ),
  ...[...PATIENT_TAGS, Tag.NumberOfPatientRelatedStudies, Tag.NumberOfPatientRelatedSeries, Tag.NumberOfPatientRelatedInstances].map(
    (tag) => [tag, 'PATIENT'] as const,
  ),
]);

/** True when `tag` is a key of a level below `level` in `model` (a key the query cannot hold). */
export function isBelowLevel(tag: string, level: QueryRetrieveLevel, model: QueryModel): boolean {
  const own = keyLevel(tag, model);
  return own !== undefined && DEPTH[own] > DEPTH[level];
}

/** The level of a key in the model, undefined for attributes of any level or unknown to the index. */
export function keyLevel(tag: string, model: QueryModel): QueryRetrieveLevel | undefined {
  const own = ANY_LEVEL.has(tag) ? undefined : KEY_LEVEL.get(tag);
  return model === 'study' && own === 'PATIENT' ? 'STUDY' : own;
}
