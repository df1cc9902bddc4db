import type { IndexDb } from './index-db';

/**
 * A value that changes whenever anything in a study changes (an instance stored or deleted, the
 * study deleted and stored again), used as the validator of its metadata (ETag).
 */
export function studyVersionQuery(db: IndexDb): (studyUid: string) => string | undefined {
  const statement = db.prepare(`SELECT pk || '.' || updated_at || '.' || num_instances FROM studies WHERE study_uid = ?`).pluck();
  return (studyUid) => statement.get(studyUid) as string | undefined;
}
