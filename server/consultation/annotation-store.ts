import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors';
import type { Annotation as SharedAnnotation } from '../../shared/api/consultations';
import type { AccessDb } from '../auth/access-db';

/** An annotation as stored: the API's shape without `mine`, which depends on who asks (STYLE.md rule 9). */
export type Annotation = Omit<SharedAnnotation, 'mine'>;

export type AnnotationAuthor = { userId: number; name: string } | { shareId: string; name: string };

interface Row {
  id: string;
  study_uid: string;
  series_uid: string;
  sop_uid: string;
  frame: number;
  author_user_id: number | null;
  author_share_id: string | null;
  author_name: string;
  kind: string;
  data: string;
  created_at: number;
  updated_at: number;
}

export class AnnotationStore {
  private readonly q;

  constructor(db: AccessDb) {
    this.q = {
      ofStudy: db.prepare<[string], Row>('SELECT * FROM annotations WHERE study_uid = ? ORDER BY created_at, id'),
      insert: db.prepare<[string, string, string, string, number, number | null, string | null, string, string, string, number, number]>(
        `INSERT INTO annotations (id, study_uid, series_uid, sop_uid, frame, author_user_id, author_share_id, author_name, kind, data, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      one: db.prepare<[string, string], Row>('SELECT * FROM annotations WHERE study_uid = ? AND id = ?'),
      update: db.prepare<[string, number, string, string]>(
        'UPDATE annotations SET data = ?, updated_at = ? WHERE study_uid = ? AND id = ?',
      ),
      delete: db.prepare<[string, string]>('DELETE FROM annotations WHERE study_uid = ? AND id = ?'),
    };
  }

  list(studyUid: string): Array<Annotation & { authorKey: string }> {
    return this.q.ofStudy.all(studyUid).map(toAnnotation);
  }

  create(input: {
    studyUid: string;
    seriesUid: string;
    sopUid: string;
    frame: number;
    kind: string;
    data: string;
    author: AnnotationAuthor;
  }): Annotation & { authorKey: string } {
    const id = randomUUID();
    const now = Date.now();
    const userId = 'userId' in input.author ? input.author.userId : null;
    const shareId = 'shareId' in input.author ? input.author.shareId : null;
    this.q.insert.run(
      id,
      input.studyUid,
      input.seriesUid,
      input.sopUid,
      input.frame,
      userId,
      shareId,
      input.author.name,
      input.kind,
      input.data,
      now,
      now,
    );
    return this.get(input.studyUid, id)!;
  }

  get(studyUid: string, id: string): (Annotation & { authorKey: string }) | undefined {
    const row = this.q.one.get(studyUid, id);
    return row && toAnnotation(row);
  }

  update(studyUid: string, id: string, data: string): Annotation & { authorKey: string } {
    this.q.update.run(data, Date.now(), studyUid, id);
    const row = this.get(studyUid, id);
    if (!row) throw new AppError('NOT_FOUND', 'There is no such annotation.');
    return row;
  }

  delete(studyUid: string, id: string): void {
    this.q.delete.run(studyUid, id);
  }
}

/** Who may change an annotation: the same user, or the same share link. */
export function authorKeyOf(author: AnnotationAuthor): string {
  return 'userId' in author ? `user:${author.userId}` : `share:${author.shareId}`;
}

function toAnnotation(row: Row): Annotation & { authorKey: string } {
  return {
    id: row.id,
    studyInstanceUID: row.study_uid,
    seriesInstanceUID: row.series_uid,
    sopInstanceUID: row.sop_uid,
    frame: row.frame,
    kind: row.kind,
    data: JSON.parse(row.data) as unknown,
    author: { name: row.author_name, kind: row.author_user_id !== null ? 'user' : 'share' },
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    authorKey: row.author_user_id !== null ? `user:${row.author_user_id}` : `share:${row.author_share_id}`,
  };
}
