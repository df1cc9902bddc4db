import { displayLocale, translator } from '../i18n/i18n';
import { tableWithHead } from '../ui/table-with-head';
import type { AuditRecord } from './admin-api';
import { auditActionName, auditEventText, auditOutcomeText, auditPrincipalText, auditShareRoleName } from './audit-vocabulary';
import { adminMessages, type AdminKey } from './messages';
import { roleName } from './user-table';

const t = translator(adminMessages);

const COLUMNS: { key: string; label: AdminKey }[] = [
  { key: 'time', label: 'colTime' },
  { key: 'event', label: 'colEvent' },
  { key: 'action', label: 'colAction' },
  { key: 'outcome', label: 'colOutcome' },
  { key: 'principal', label: 'colPrincipal' },
  { key: 'role', label: 'colRole' },
  { key: 'address', label: 'colAddress' },
  { key: 'study', label: 'colStudy' },
  { key: 'detail', label: 'colDetail' },
];

/**
 * Audit records as a table, one row per record (`data-action`, `data-outcome`). Usernames,
 * addresses and details come from requests anyone can make: they are set as text only.
 */
export function createAuditTable(records: AuditRecord[]): HTMLTableElement {
  const { table, body } = tableWithHead(
    'audit-table',
    COLUMNS.map(({ label }) => t(label)),
  );
  const timeFormat = new Intl.DateTimeFormat(displayLocale(), { dateStyle: 'short', timeStyle: 'medium' });
  for (const record of records) {
    const row = document.createElement('tr');
    row.dataset.testid = 'audit-row';
    row.dataset.action = record.action;
    row.dataset.outcome = String(record.outcome);
    row.dataset.principal = record.principalId;
    const time = new Date(record.time);
    const values: Record<string, string> = {
      time: Number.isNaN(time.getTime()) ? record.time : timeFormat.format(time),
      event: auditEventText(record),
      action: auditActionName(record.action),
      outcome: auditOutcomeText(record.outcome),
      principal: auditPrincipalText(record.principalKind, record.principalId),
      role: record.role ? (auditShareRoleName(record.role) ?? roleName(record.role)) : '',
      address: record.clientAddress ?? '',
      study: record.studyUid ?? '',
      detail: record.detail ?? '',
    };
    for (const { key } of COLUMNS) {
      const td = document.createElement('td');
      td.dataset.column = key;
      td.textContent = values[key] ?? '';
      if (key === 'time') td.title = record.time;
      row.append(td);
    }
    body.append(row);
  }
  return table;
}
