import type { Request, Response } from 'express';
import type { AuditAction } from '../../shared/api/audit-events';
import { clientAddress } from '../auth/client-address';
import { principalLabel, requirePrincipal, type Principal } from '../auth/principal';
import type { AuditLog } from './audit-log';

/** Records an action the request did (outcome 0): by its principal, from its address, under its request id. */
export function recordAction(
  audit: AuditLog,
  req: Request,
  res: Response,
  event: { action: AuditAction; studyUid?: string; detail?: string },
  principal: Principal = requirePrincipal(res),
): void {
  audit.record({
    ...event,
    outcome: 0,
    who: principalLabel(principal),
    clientAddress: clientAddress(req),
    requestId: res.locals.requestId as string,
  });
}
