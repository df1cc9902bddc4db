import { ROLES, type NewUser, type Role, type UserAccount, type UserChange } from '../../../shared/api/accounts';
import { AUDIT_ACTIONS, type AuditAction, type AuditRecord } from '../../../shared/api/audit-events';
import { apiJson, apiPath } from '../auth/api';

export type { AuditRecord };

/**
 * The archive's admin API as the viewer uses it: accounts (GET/POST /api/users,
 * PATCH /api/users/{username}) and the audit trail (GET /api/audit).
 */
export { ROLES, type NewUser, type Role, type UserAccount, type UserChange };

export const listUsers = () => apiJson<UserAccount[]>('GET', '/api/users');
export const createUser = (user: NewUser) => apiJson<UserAccount>('POST', '/api/users', user);
export const updateUser = (username: string, change: UserChange) =>
  apiJson<UserAccount>('PATCH', `/api/users/${encodeURIComponent(username)}`, change);

/** The archive's audit actions, offered in the audit filter. */
export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as AuditAction[];

export interface AuditFilter {
  /** A part of the user name (principal id). */
  user?: string;
  /** A patient's name or a part of the ID: the records of that patient's studies. */
  patient?: string;
  study?: string;
  action?: string;
  /** ISO 8601 times */
  from?: string;
  to?: string;
}

export const AUDIT_PAGE_SIZE = 100;

export function auditPath(filter: AuditFilter, extra: Record<string, string | number> = {}): string {
  return apiPath('/api/audit', {
    user: filter.user,
    patient: filter.patient,
    study: filter.study,
    action: filter.action,
    from: filter.from,
    to: filter.to,
    ...extra,
  });
}

export const searchAudit = (filter: AuditFilter, offset: number) =>
  apiJson<{ total: number; records: AuditRecord[] }>('GET', auditPath(filter, { limit: AUDIT_PAGE_SIZE, offset }));

/** The CSV export of the records matching `filter` (a plain GET: a download link needs no CSRF token). */
export const auditCsvHref = (filter: AuditFilter) => auditPath(filter, { format: 'csv' });
