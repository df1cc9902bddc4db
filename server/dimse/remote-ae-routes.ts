import express, { type Request, type Response, type Router } from 'express';
import type { DimseStatus, RemoteAe } from '../../shared/api/dimse';
import type { DimseAssociations } from '../../shared/api/dimse-associations';
import { AppError } from '../../shared/errors';
import { bodyOf } from '../api/json-body';
import type { AuditLog } from '../audit/audit-log';
import { recordAction } from '../audit/record-action';
import { requireAction } from '../auth/principal';
import { echoRemoteAe } from './echo-scu';
import type { RemoteAeStore } from './remote-ae-store';

/** What the composition root gives the API of DIMSE (start-archive.ts). */
export interface DimseAdmin {
  remoteAes: RemoteAeStore;
  /** Our AE title, address, port, TLS and accept-any, as the listener has them. */
  status: () => DimseStatus;
  /** The listener's associations now and lately (association-routes.ts). */
  associations: () => DimseAssociations;
}

/**
 * The DIMSE settings at /api/dimse, for admins only: the known remote AEs (list, add, change,
 * remove, test with a C-ECHO), each change audited as `peer-change` (Security Alert, Network Configuration) naming
 * the AE and what changed; and the archive's own AE title and port (status).
 */
export function remoteAeRoutes(deps: DimseAdmin & { audit: AuditLog }): Router {
  const router = express.Router();
  const { remoteAes } = deps;
  const audit = (req: Request, res: Response, detail: string) => recordAction(deps.audit, req, res, { action: 'peer-change', detail });

  router.get('/dimse/status', (_req: Request, res: Response) => {
    requireAction(res, 'admin');
    res.json(deps.status());
  });

  router.get('/dimse/remote-aes', (_req: Request, res: Response) => {
    requireAction(res, 'admin');
    res.json(remoteAes.list());
  });

  router.post('/dimse/remote-aes', (req: Request, res: Response) => {
    requireAction(res, 'admin');
    const added = remoteAes.create(bodyOf(req));
    audit(req, res, `DICOM remote AE added: ${describe(added)}`);
    res.status(201).json(added);
  });

  router.get('/dimse/remote-aes/:id', (req: Request, res: Response) => {
    requireAction(res, 'admin');
    res.json(found(remoteAes, req.params.id as string));
  });

  router.patch('/dimse/remote-aes/:id', (req: Request, res: Response) => {
    requireAction(res, 'admin');
    const id = req.params.id as string;
    const before = found(remoteAes, id);
    const after = remoteAes.update(id, bodyOf(req));
    audit(req, res, `DICOM remote AE changed: ${describe(after)}: ${changes(before, after).join(', ') || 'no change'}`);
    res.json(after);
  });

  // "Test": a C-ECHO in our AE title; 200 with the outcome and a sentence whatever the AE does.
  router.post('/dimse/remote-aes/:id/echo', async (req: Request, res: Response) => {
    requireAction(res, 'admin');
    res.json(await echoRemoteAe(found(remoteAes, req.params.id as string), deps.status().aeTitle));
  });

  router.delete('/dimse/remote-aes/:id', (req: Request, res: Response) => {
    requireAction(res, 'admin');
    const id = req.params.id as string;
    const removed = found(remoteAes, id);
    remoteAes.remove(id);
    audit(req, res, `DICOM remote AE removed: ${describe(removed)}`);
    res.status(204).end();
  });

  return router;
}

function found(remoteAes: RemoteAeStore, id: string): RemoteAe {
  const remoteAe = remoteAes.get(id);
  if (!remoteAe) throw new AppError('NOT_FOUND', 'No such remote AE.');
  return remoteAe;
}

/** The AE as the audit trail names it, e.g. `"CT_PHILIPS" 10.0.5.21:104 (store, query)`. */
function describe(ae: RemoteAe): string {
  return `"${ae.aeTitle}" ${ae.host.includes(':') ? `[${ae.host}]` : ae.host}${ae.port === null ? '' : `:${ae.port}`} (${rights(ae)})`;
}

function rights(ae: RemoteAe): string {
  const granted = [ae.mayStore && 'store', ae.mayQuery && 'query', ae.mayRetrieve && 'retrieve'].filter(Boolean);
  return granted.length > 0 ? granted.join(', ') : 'echo only';
}

/** What a PATCH changed, for the audit trail. */
function changes(before: RemoteAe, after: RemoteAe): string[] {
  const out: string[] = [];
  if (before.aeTitle !== after.aeTitle) out.push(`AE title was "${before.aeTitle}"`);
  if (before.host !== after.host) out.push(`host was ${before.host}`);
  if (before.port !== after.port) out.push(`port was ${before.port ?? 'none'}`);
  if (rights(before) !== rights(after)) out.push(`rights were ${rights(before)}`);
  if (before.description !== after.description) out.push('description');
  return out;
}
