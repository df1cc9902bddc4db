import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors';
import { URGENCIES, type Consultation, type ConsultationStatus, type Urgency } from '../../shared/api/consultations';
import type { AccessDb } from '../auth/access-db';
import { statementCache } from '../sqlite/statement-cache';

export { URGENCIES, type Consultation, type ConsultationStatus, type Urgency };

export interface NewConsultation {
  studyUid: string;
  shareId: string;
  requestedBy: number;
  requesterInstitution: string;
  specialist: { name: string; institution: string; contact: string };
  question: string;
  urgency: Urgency;
}

interface Row {
  id: string;
  study_uid: string;
  share_id: string;
  requested_by: number;
  requester: string;
  requester_institution: string;
  specialist_name: string;
  specialist_institution: string;
  specialist_contact: string;
  question: string;
  urgency: Urgency;
  status: ConsultationStatus;
  requested_at: number;
  viewed_at: number | null;
  answered_at: number | null;
  closed_at: number | null;
  opinion: string | null;
  opinion_author: string | null;
  opinion_sop_uid: string | null;
}

const SELECT = 'SELECT c.*, u.username AS requester FROM consultations c JOIN users u ON u.id = c.requested_by';

/**
 * Consultations: a referring doctor's question about a study to a named specialist, who answers
 * through a share link. Status moves requested → viewed → answered → closed, each with its time.
 */
export class ConsultationStore {
  private readonly q;
  /** `list` statements, one per combination of filter fields and number of statuses. */
  private readonly listStatement;

  constructor(private readonly db: AccessDb) {
    this.listStatement = statementCache(db);
    this.q = {
      insert: db.prepare<[string, string, string, number, string, string, string, string, string, Urgency, number]>(
        `INSERT INTO consultations (id, study_uid, share_id, requested_by, requester_institution, specialist_name, specialist_institution, specialist_contact, question, urgency, status, requested_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'requested', ?)`,
      ),
      byId: db.prepare<[string], Row>(`${SELECT} WHERE c.id = ?`),
      requesterOf: db.prepare<[string], number>('SELECT requested_by FROM consultations WHERE id = ?').pluck(),
      markViewed: db.prepare<[number, string]>(
        "UPDATE consultations SET status = 'viewed', viewed_at = ? WHERE id = ? AND status = 'requested'",
      ),
      answer: db.prepare<[string, string, string, number, number, string]>(
        `UPDATE consultations SET status = 'answered', opinion = ?, opinion_author = ?, opinion_sop_uid = ?, answered_at = ?, viewed_at = coalesce(viewed_at, ?)
         WHERE id = ? AND status != 'closed'`,
      ),
      close: db.prepare<[number, string]>("UPDATE consultations SET status = 'closed', closed_at = coalesce(closed_at, ?) WHERE id = ?"),
    };
  }

  /** Runs `work` in one immediate transaction of the access database (shares and consultations together). */
  transaction(work: () => void): void {
    this.db.transaction(work).immediate();
  }

  create(input: NewConsultation): Consultation {
    const id = randomUUID();
    this.q.insert.run(
      id,
      input.studyUid,
      input.shareId,
      input.requestedBy,
      input.requesterInstitution,
      input.specialist.name,
      input.specialist.institution,
      input.specialist.contact,
      input.question,
      input.urgency,
      Date.now(),
    );
    return this.get(id)!;
  }

  get(id: string): Consultation | undefined {
    const row = this.q.byId.get(id);
    return row && toConsultation(row);
  }

  requesterOf(id: string): number | undefined {
    return this.q.requesterOf.get(id);
  }

  /** A requester's consultations (every one for an admin), newest first. */
  list(filter: { requestedBy?: number; studyUid?: string; statuses?: readonly ConsultationStatus[] }): Consultation[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (filter.requestedBy !== undefined) {
      where.push('c.requested_by = ?');
      args.push(filter.requestedBy);
    }
    if (filter.studyUid !== undefined) {
      where.push('c.study_uid = ?');
      args.push(filter.studyUid);
    }
    if (filter.statuses) {
      const statuses = [...new Set(filter.statuses)]; // at most four: few statement shapes
      where.push(`c.status IN (${statuses.map(() => '?').join(',')})`);
      args.push(...statuses);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const rows = this.listStatement(`${SELECT} ${clause} ORDER BY c.requested_at DESC LIMIT 1000`).all(...args) as Row[];
    return rows.map(toConsultation);
  }

  /** The specialist opened it: requested → viewed (once). Returns whether it changed. */
  markViewed(id: string): boolean {
    return this.q.markViewed.run(Date.now(), id).changes > 0;
  }

  answer(id: string, opinion: string, author: string, sopUid: string): Consultation {
    const info = this.q.answer.run(opinion, author, sopUid, Date.now(), Date.now(), id);
    if (info.changes === 0) throw new AppError('CONFLICT', 'This consultation is closed.');
    return this.get(id)!;
  }

  close(id: string): Consultation {
    this.q.close.run(Date.now(), id);
    return this.get(id)!;
  }
}

function toConsultation(row: Row): Consultation {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    id: row.id,
    studyInstanceUID: row.study_uid,
    shareId: row.share_id,
    requestedBy: row.requester,
    requesterInstitution: row.requester_institution,
    specialist: { name: row.specialist_name, institution: row.specialist_institution, contact: row.specialist_contact },
    question: row.question,
    urgency: row.urgency,
    status: row.status,
    requestedAt: new Date(row.requested_at).toISOString(),
    viewedAt: iso(row.viewed_at),
    answeredAt: iso(row.answered_at),
    closedAt: iso(row.closed_at),
    opinion: row.opinion,
    opinionAuthor: row.opinion_author,
    opinionSopInstanceUID: row.opinion_sop_uid,
  };
}
