import express, { type Request, type Response, type Router } from 'express';
import { isValidUid } from '../../shared/dicom/uid';
import { AppError } from '../../shared/errors';
import { requireAction } from '../auth/principal';
import { isAuditAction } from '../../shared/api/audit-events';
import type { AuditFilter, AuditLog, AuditRecord } from './audit-log';
import type { ArchiveIndex } from '../index/archive-index';
import { studiesOfPatient } from './patient-studies';
import { recordAction } from './record-action';

const MAX_PAGE = 1000;
const MAX_CSV_ROWS = 100_000;

/**
 * GET /api/audit (admins): the audit trail, newest first, filtered by `user` (a part of the
 * principal id: username or share id, any case), `patient` (a name or a part of an ID, resolved
 * through the index to the patient's studies), `study`, `action`, `from` / `to` (ISO 8601 times),
 * paged by `limit` / `offset`; `format=csv` (or Accept: text/csv) exports the matching records as
 * CSV, UTF-8 with a byte order mark so that Excel reads Vietnamese names right.
 * Reading the trail is itself recorded (110101 Audit Log Used).
 */
export function auditRoutes(audit: AuditLog, index: ArchiveIndex): Router {
  const router = express.Router();
  router.get('/audit', (req: Request, res: Response) => {
    requireAction(res, 'admin');
    const params = new URL(req.originalUrl, 'http://localhost').searchParams;
    const csv = params.get('format') === 'csv' || (req.headers.accept ?? '').split(',')[0]?.trim() === 'text/csv';
    const filter = parseFilter(params, csv);
    const patient = params.get('patient')?.trim();
    if (patient) filter.studyUids = studiesOfPatient(index, patient.slice(0, 128));
    const { records, total } = audit.query(filter);
    recordAction(audit, req, res, { action: 'audit-read', detail: csv ? 'CSV export' : 'search' });
    res.setHeader('Cache-Control', 'no-store');
    if (!csv) return void res.json({ total, records });
    res.setHeader('Content-Disposition', `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`);
    res.type('text/csv; charset=utf-8').send(`\uFEFF${toCsv(records)}`);
  });
  return router;
}

function parseFilter(params: URLSearchParams, csv: boolean): AuditFilter {
  const filter: AuditFilter = { limit: csv ? MAX_CSV_ROWS : 100, offset: 0 };
  const user = params.get('user');
  if (user?.trim()) filter.principalPart = user.trim().slice(0, 128);
  const study = params.get('study');
  if (study) {
    if (!isValidUid(study)) throw new AppError('INVALID_UID', 'study is not a valid DICOM UID.');
    filter.studyUid = study;
  }
  const action = params.get('action');
  if (action) {
    if (!isAuditAction(action)) throw new AppError('INVALID_QUERY', `action "${action.slice(0, 40)}" is not an audit action.`);
    filter.action = action;
  }
  for (const name of ['from', 'to'] as const) {
    const value = params.get(name);
    if (!value) continue;
    const time = Date.parse(value);
    if (Number.isNaN(time)) throw new AppError('INVALID_QUERY', `${name} must be an ISO 8601 date or time.`);
    filter[name] = time;
  }
  for (const name of ['limit', 'offset'] as const) {
    const value = params.get(name);
    if (value === null) continue;
    if (!/^\d{1,9}$/.test(value)) throw new AppError('INVALID_QUERY', `${name} must be a non-negative integer.`);
    filter[name] = name === 'limit' ? Math.min(Number(value), csv ? MAX_CSV_ROWS : MAX_PAGE) : Number(value);
  }
  return filter;
}

const CSV_COLUMNS: Array<keyof AuditRecord> = [
  'time',
  'eventId',
  'eventName',
  'eventType',
  'actionCode',
  'outcome',
  'action',
  'principalKind',
  'principalId',
  'role',
  'clientAddress',
  'studyUid',
  'detail',
  'requestId',
];

/** RFC 4180 CSV; a leading = + - @ is quoted away so that a spreadsheet never runs a cell as a formula. */
function toCsv(records: AuditRecord[]): string {
  const cell = (value: unknown) => {
    let text = value === null || value === undefined ? '' : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [CSV_COLUMNS.join(','), ...records.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
