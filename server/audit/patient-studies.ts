import { getString } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { parseQidoQuery } from '../../shared/dicomweb/qido-query';
import type { ArchiveIndex } from '../index/archive-index';
import { searchIndex } from '../index/qido-search';

/** More studies than this for one patient text is not a patient: the audit asks for a narrower one. */
export const MAX_PATIENT_STUDIES = 1000;

/**
 * The Study Instance UIDs of the patients whose name or ID matches `text`, through the archive's
 * index (the audit trail records study UIDs, never patient data): the name as the worklist
 * searches it (QIDO-RS fuzzy matching: words in any order, case and accents ignored), the ID as a
 * part of it. Studies deleted since are no longer in the index and are not found this way.
 */
export function studiesOfPatient(index: ArchiveIndex, text: string): string[] {
  const value = text.replace(/[\\*?]/g, ' ').trim();
  if (value === '') return [];
  const uids = new Set<string>();
  for (const params of [
    [
      ['PatientName', value],
      ['fuzzymatching', 'true'],
    ],
    [['PatientID', `*${value}*`]],
  ] as Array<Array<[string, string]>>) {
    const query = parseQidoQuery(params, 'study');
    const { items } = searchIndex(index.db, query, {}, MAX_PATIENT_STUDIES, '');
    for (const item of items) {
      const uid = getString(item, Tag.StudyInstanceUID);
      if (uid) uids.add(uid);
    }
  }
  return [...uids];
}
