import type { AuditAction } from '../../shared/api/audit-events';
import type { AuditLog } from '../audit/audit-log';
import type { PeerConnection } from './peer-connection';
import type { JobSpec } from './transfer-work';

/**
 * Records a transfer in the audit trail (PS3.15 A.5.3.2 / A.5.3.3): the participant is who asked
 * for the job (an account, or a routing rule as the application), the network address is the
 * peer's host, and the detail names the peer by name and base URL (never its credentials).
 */
export function recordTransfer(
  audit: AuditLog,
  job: JobSpec,
  peer: PeerConnection,
  event: { action: AuditAction; outcome: 0 | 4 | 8; detail: string },
): void {
  const byRule = job.requestedBy.startsWith('rule:');
  audit.record({
    action: event.action,
    outcome: event.outcome,
    who: { kind: byRule ? 'application' : 'user', id: job.requestedBy, role: '' },
    clientAddress: peer.url('/').host,
    studyUid: job.studyUid,
    detail: `${job.direction} job ${job.id} ${job.direction === 'send' ? 'to' : 'from'} peer "${job.peerName}" (${peer.endpoint.baseUrl}): ${event.detail}`,
  });
}
