import { randomUUID } from 'node:crypto';
import type { ReportDraft, ReportLanguage, ReportSections, ReportStatus, ReportTemplate, ReportVersion } from '../../shared/api/reports';
import { AppError } from '../../shared/errors';
import type { AccessDb } from '../auth/access-db';

interface Row {
  id: string;
  study_uid: string;
  version: number;
  status: ReportStatus;
  template: ReportTemplate;
  language: ReportLanguage;
  sections: string;
  author: string;
  created_at: number;
  updated_at: number;
  finalized_at: number | null;
  signed_by: string | null;
  organization: string | null;
  sop_uid: string | null;
  series_uid: string | null;
  predecessor_sop_uid: string | null;
}

const SELECT = `SELECT r.*, CASE u.display_name WHEN '' THEN u.username ELSE u.display_name END AS author, p.sop_uid AS predecessor_sop_uid
  FROM reports r JOIN users u ON u.id = r.author_user_id LEFT JOIN reports p ON p.id = r.predecessor_id`;

/** What finalizing wrote into the study. */
export interface FinalSr {
  signedBy: string;
  organization: string;
  sopUid: string;
  seriesUid: string;
  at: number;
}

/**
 * The versions of each study's diagnostic report. At most one draft per study (a unique partial
 * index); finalizing turns it into the final version and the previous final into superseded,
 * in one transaction. A draft saved after a final version is its amendment.
 */
export class ReportStore {
  private readonly q;

  constructor(private readonly db: AccessDb) {
    this.q = {
      byStudy: db.prepare<[string], Row>(`${SELECT} WHERE r.study_uid = ? ORDER BY r.version DESC`),
      draft: db.prepare<[string], Row>(`${SELECT} WHERE r.study_uid = ? AND r.status = 'draft'`),
      byId: db.prepare<[string], Row>(`${SELECT} WHERE r.id = ?`),
      latestFinal: db.prepare<[string], Row>(`${SELECT} WHERE r.study_uid = ? AND r.status = 'final'`),
      nextVersion: db.prepare<[string], number>('SELECT coalesce(max(version), 0) + 1 FROM reports WHERE study_uid = ?').pluck(),
      insert: db.prepare<[string, string, number, string, string, string, number, number, number, string | null]>(
        `INSERT INTO reports (id, study_uid, version, status, template, language, sections, author_user_id, created_at, updated_at, predecessor_id)
         VALUES (?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?)`,
      ),
      update: db.prepare<[string, string, string, number, number, string]>(
        `UPDATE reports SET template = ?, language = ?, sections = ?, author_user_id = ?, updated_at = ? WHERE id = ? AND status = 'draft'`,
      ),
      discard: db.prepare<[string]>(`DELETE FROM reports WHERE study_uid = ? AND status = 'draft'`),
      supersede: db.prepare<[string]>(`UPDATE reports SET status = 'superseded' WHERE study_uid = ? AND status = 'final'`),
      finalize: db.prepare<[number, string, string, string, string, number, string]>(
        `UPDATE reports SET status = 'final', finalized_at = ?, signed_by = ?, organization = ?, sop_uid = ?, series_uid = ?, author_user_id = ?
         WHERE id = ? AND status = 'draft'`,
      ),
    };
  }

  /** Every version of the study's report, newest first. */
  versions(studyUid: string): ReportVersion[] {
    return this.q.byStudy.all(studyUid).map(toVersion);
  }

  draft(studyUid: string): ReportVersion | undefined {
    const row = this.q.draft.get(studyUid);
    return row && toVersion(row);
  }

  latestFinal(studyUid: string): ReportVersion | undefined {
    const row = this.q.latestFinal.get(studyUid);
    return row && toVersion(row);
  }

  /** Creates or updates the study's draft; returns it and whether it was new. */
  saveDraft(studyUid: string, draft: ReportDraft, userId: number): { version: ReportVersion; created: boolean } {
    const now = Date.now();
    const sections = JSON.stringify(draft.sections);
    let id: string | undefined;
    let created = false;
    this.db
      .transaction(() => {
        const existing = this.q.draft.get(studyUid);
        if (draft.baseUpdatedAt !== undefined) {
          const current = existing ? new Date(existing.updated_at).toISOString() : null;
          if (current !== draft.baseUpdatedAt)
            throw new AppError(
              'CONFLICT',
              existing
                ? `${existing.author} saved this draft at ${current} after you opened it: open the report again.`
                : 'The draft you opened was signed or discarded meanwhile: open the report again.',
            );
        }
        if (existing) {
          this.q.update.run(draft.template, draft.language, sections, userId, now, existing.id);
          id = existing.id;
          return;
        }
        id = randomUUID();
        created = true;
        const predecessor = this.q.latestFinal.get(studyUid);
        const version = this.q.nextVersion.get(studyUid)!;
        this.q.insert.run(id, studyUid, version, draft.template, draft.language, sections, userId, now, now, predecessor?.id ?? null);
      })
      .immediate();
    return { version: toVersion(this.q.byId.get(id!)!), created };
  }

  /** Drops the study's draft; false when there was none. */
  discardDraft(studyUid: string): boolean {
    return this.q.discard.run(studyUid).changes > 0;
  }

  /** The draft becomes the final version (stored as `sr`); the final it amends becomes superseded. */
  finalize(draftId: string, studyUid: string, sr: FinalSr, userId: number): ReportVersion {
    this.db
      .transaction(() => {
        this.q.supersede.run(studyUid);
        const info = this.q.finalize.run(sr.at, sr.signedBy, sr.organization, sr.sopUid, sr.seriesUid, userId, draftId);
        if (info.changes === 0) throw new AppError('CONFLICT', 'The draft changed while it was being signed; open the report again.');
      })
      .immediate();
    return toVersion(this.q.byId.get(draftId)!);
  }
}

function toVersion(row: Row): ReportVersion {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    id: row.id,
    studyInstanceUID: row.study_uid,
    version: row.version,
    status: row.status,
    template: row.template,
    language: row.language,
    sections: JSON.parse(row.sections) as ReportSections,
    author: row.author,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    finalizedAt: iso(row.finalized_at),
    signedBy: row.signed_by,
    organization: row.organization,
    sopInstanceUID: row.sop_uid,
    seriesInstanceUID: row.series_uid,
    predecessorSopInstanceUID: row.predecessor_sop_uid,
  };
}
