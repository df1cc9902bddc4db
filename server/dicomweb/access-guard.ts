import type { NextFunction, Request, Response } from 'express';
import { isValidUid } from '../../shared/dicom/uid';
import type { AuditLog } from '../audit/audit-log';
import type { AuditAction } from '../../shared/api/audit-events';
import { clientAddress } from '../auth/client-address';
import { principalLabel, principalOf, requireAction, type Action } from '../auth/principal';
import { shareViewOf } from '../sharing/share-view';

export type AuditedAs = AuditAction | ((req: Request) => AuditAction);

/**
 * The first handler of every DICOMweb route: records the request in the audit trail when it
 * ends (with its outcome), resolves a share's UIDs to the archive's (404 outside its scope,
 * exactly as for a UID that does not exist), then checks the action is allowed (403).
 * Study first, then permission: outside its study a share learns nothing, not even "forbidden".
 */
export function accessGuard(audit: AuditLog, action: Action, auditedAs: AuditedAs) {
  return (req: Request, res: Response, next: NextFunction): void => {
    clientAddress(req);
    // The study asked for, kept here: Express restores req.params when an error leaves the router,
    // and a refused request must still name it (the archive's UID once a share's is mapped).
    const asked = { study: askedStudy(req) };
    res.once('finish', () => recordRequest(audit, req, res, typeof auditedAs === 'function' ? auditedAs(req) : auditedAs, asked.study));
    const view = shareViewOf(res);
    if (view) {
      for (const level of ['study', 'series', 'instance'] as const) {
        const presented = req.params[level];
        if (typeof presented === 'string') req.params[level] = view.original(level, presented);
      }
      if (typeof req.params.study === 'string') asked.study = req.params.study;
    }
    requireAction(res, action);
    next();
  };
}

/** The study UID of the path, or of a WADO-URI query (only a valid UID: never free text). */
function askedStudy(req: Request): string | undefined {
  const uid = req.params.study ?? req.query.studyUID;
  return typeof uid === 'string' && isValidUid(uid) ? uid : undefined;
}

function recordRequest(audit: AuditLog, req: Request, res: Response, action: AuditAction, askedStudyUid: string | undefined): void {
  const principal = principalOf(res);
  const view = shareViewOf(res);
  const stored = res.locals.auditStudyUids as string[] | undefined;
  const studies = stored && stored.length > 0 ? stored : [askedStudyUid ?? view?.share.studyUid];
  const outcome = res.statusCode < 400 ? 0 : res.statusCode < 500 ? 4 : 8;
  const route = (req.route as { path?: string } | undefined)?.path ?? req.path;
  const keys = action === 'query' ? queryKeyNames(req) : '';
  for (const studyUid of studies) {
    audit.record({
      action,
      outcome,
      who: principalLabel(principal),
      clientAddress: clientAddress(req),
      studyUid,
      detail: `${req.method} ${req.baseUrl}${route} ${res.statusCode}${keys}`,
      requestId: res.locals.requestId as string,
    });
  }
}

/** The names of the query's parameters, never their values (which may be patient names). */
function queryKeyNames(req: Request): string {
  const names = [...new Set(new URL(req.originalUrl, 'http://localhost').searchParams.keys())].map((n) =>
    n.replace(/[^\w.,-]/g, '').slice(0, 64),
  );
  return names.length > 0 ? ` keys=${names.join(',').slice(0, 300)}` : '';
}
