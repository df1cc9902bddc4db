import os from 'node:os';
import { AuditLog } from '../audit/audit-log';

/**
 * Records a backup or a restore in an audit trail (PS3.15 Export / Import): every instance of the
 * archive leaves it or enters it. Done by the operating-system user who ran the command, as
 * `pacs user` records its changes.
 */
export function auditBackup(auditFile: string, action: 'backup' | 'restore', ok: boolean, detail: string): void {
  const audit = AuditLog.open(auditFile);
  try {
    audit.record({
      action,
      outcome: ok ? 0 : 4,
      who: { kind: 'cli', id: os.userInfo().username, role: 'operator' },
      clientAddress: 'localhost',
      detail,
    });
  } finally {
    audit.close();
  }
}
