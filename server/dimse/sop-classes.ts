import type { QueryModel } from './find-key-levels';

/** The SOP classes the DIMSE services negotiate (PS3.4 Annexes A, B and C). */

export const VERIFICATION_SOP_CLASS = '1.2.840.10008.1.1';

/** Storage SOP Classes (PS3.4 Annex B) live under this root, SR, KOS and presentation states included. */
const STORAGE_ROOT = '1.2.840.10008.5.1.4.1.1.';

export function isStorageSopClass(uid: string): boolean {
  return uid.startsWith(STORAGE_ROOT);
}

export type QueryRetrieveService = 'find' | 'move' | 'get';

export const PATIENT_ROOT_FIND = '1.2.840.10008.5.1.4.1.2.1.1';
export const PATIENT_ROOT_MOVE = '1.2.840.10008.5.1.4.1.2.1.2';
export const PATIENT_ROOT_GET = '1.2.840.10008.5.1.4.1.2.1.3';
export const STUDY_ROOT_FIND = '1.2.840.10008.5.1.4.1.2.2.1';
export const STUDY_ROOT_MOVE = '1.2.840.10008.5.1.4.1.2.2.2';
export const STUDY_ROOT_GET = '1.2.840.10008.5.1.4.1.2.2.3';

/** Patient Root and Study Root Query/Retrieve Information Models (PS3.4 C.6.1, C.6.2) → the service. */
export const QUERY_RETRIEVE_SOP_CLASSES: ReadonlyMap<string, QueryRetrieveService> = new Map([
  [PATIENT_ROOT_FIND, 'find'],
  [PATIENT_ROOT_MOVE, 'move'],
  [PATIENT_ROOT_GET, 'get'],
  [STUDY_ROOT_FIND, 'find'],
  [STUDY_ROOT_MOVE, 'move'],
  [STUDY_ROOT_GET, 'get'],
]);

/** The information model of a query/retrieve SOP class. */
export function queryModelOf(uid: string): QueryModel | undefined {
  if (!QUERY_RETRIEVE_SOP_CLASSES.has(uid)) return undefined;
  return uid.startsWith('1.2.840.10008.5.1.4.1.2.1.') ? 'patient' : 'study';
}
