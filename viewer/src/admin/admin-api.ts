import type { SessionUser } from '../app/session';
import { apiJson, apiPath } from '../auth/api';

/**
 * The archive's admin API as the viewer uses it: accounts (GET/POST /api/users,
 * PATCH /api/users/{username}) and the audit trail (GET /api/audit).
 */
export type Role = SessionUser['role'];
export const ROLES: readonly Role[] = ['admin', 'radiologist', 'clinician', 'device'];

export interface UserAccount {
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  mustChangePassword: boolean;
  createdAt: string;
  passwordChangedAt: string;
}

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  displayName?: string;
  mustChangePassword?: boolean;
}

export interface UserChange {
  role?: Role;
  displayName?: string;
  disabled?: boolean;
  /** A reset: the account must choose its own at its next sign-in unless `mustChangePassword: false`. */
  password?: string;
  mustChangePassword?: boolean;
}

export const listUsers = () => apiJson<UserAccount[]>('GET', '/api/users');
export const createUser = (user: NewUser) => apiJson<UserAccount>('POST', '/api/users', user);
export const updateUser = (username: string, change: UserChange) => apiJson<UserAccount>('PATCH', `/api/users/${encodeURIComponent(username)}`, change);

/** The archive's audit actions (server/audit/audit-events.ts), offered in the audit filter. */
export const AUDIT_ACTIONS = [
  'login',
  'logout',
  'share-use',
  'query',
  'view',
  'retrieve',
  'download',
  'store',
  'delete-study',
  'delete',
  'share-create',
  'share-revoke',
  'user-change',
  'token-change',
  'consultation-request',
  'consultation-view',
  'consultation-answer',
  'consultation-close',
  'annotate',
  'audit-read',
  'application-start',
  'application-stop',
] as const;

export interface AuditRecord {
  id: number;
  /** ISO 8601 */
  time: string;
  eventId: string;
  eventName: string;
  eventType: string | null;
  actionCode: string;
  /** PS3.15 A.5.3 Event Outcome Indicator: 0 success, 4 minor failure (refused), 8 serious failure, 12 major failure. */
  outcome: number;
  action: string;
  principalKind: string;
  principalId: string;
  role: string | null;
  clientAddress: string | null;
  studyUid: string | null;
  detail: string | null;
  requestId: string | null;
}

export interface AuditFilter {
  user?: string;
  study?: string;
  action?: string;
  /** ISO 8601 times */
  from?: string;
  to?: string;
}

export const AUDIT_PAGE_SIZE = 100;

export function auditPath(filter: AuditFilter, extra: Record<string, string | number> = {}): string {
  return apiPath('/api/audit', { user: filter.user, study: filter.study, action: filter.action, from: filter.from, to: filter.to, ...extra });
}

export const searchAudit = (filter: AuditFilter, offset: number) =>
  apiJson<{ total: number; records: AuditRecord[] }>('GET', auditPath(filter, { limit: AUDIT_PAGE_SIZE, offset }));

/** The CSV export of the records matching `filter` (a plain GET: a download link needs no CSRF token). */
export const auditCsvHref = (filter: AuditFilter) => auditPath(filter, { format: 'csv' });
