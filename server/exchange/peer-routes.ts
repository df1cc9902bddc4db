import express, { type Request, type Response, type Router } from 'express';
import type { PeerSummary } from '../../shared/api/exchange';
import { AppError } from '../../shared/errors';
import { bodyOf } from '../api/json-body';
import type { AuditLog } from '../audit/audit-log';
import { recordAction } from '../audit/record-action';
import { requireAction } from '../auth/principal';
import type { PeerStore } from './peer-store';
import type { PeerEndpoint } from './peer-connection';
import { testDimsePeer, testPeerConnection } from './peer-test';

/**
 * The peers (remote DICOMweb archives, and known remote AEs spoken to over DIMSE) at /api/peers: anyone who may transfer lists them (to pick
 * one for "Send to…"); admins add, change, pause, resume, remove and test them. Every change is
 * audited as `peer-change` (Security Alert, Network Configuration) naming the peer and what
 * changed, never a secret. A connection test answers 200 whatever the peer did.
 */
export function peerRoutes(deps: { peers: PeerStore; audit: AuditLog; callingAeTitle: string }): Router {
  const router = express.Router();
  const { peers } = deps;
  // A DIMSE peer's test is a C-ECHO to its remote AE.
  const test = (endpoint: PeerEndpoint) =>
    endpoint.dimse ? testDimsePeer(endpoint.dimse, deps.callingAeTitle) : testPeerConnection(endpoint);
  const audit = (req: Request, res: Response, detail: string) => recordAction(deps.audit, req, res, { action: 'peer-change', detail });

  router.get('/peers', (_req: Request, res: Response) => {
    requireAction(res, 'transfer');
    res.json(peers.list());
  });

  router.post('/peers', (req: Request, res: Response) => {
    requireAction(res, 'admin');
    const peer = peers.create(bodyOf(req));
    audit(req, res, `peer added: ${describe(peer)}`);
    res.status(201).json(peer);
  });

  // Before /peers/:id, which would take "test" for an id.
  router.post('/peers/test', async (req: Request, res: Response) => {
    requireAction(res, 'admin');
    res.json(await test(peers.draftEndpoint(bodyOf(req))));
  });

  router.get('/peers/:id', (req: Request, res: Response) => {
    requireAction(res, 'transfer');
    res.json(found(peers, req.params.id as string));
  });

  router.patch('/peers/:id', (req: Request, res: Response) => {
    requireAction(res, 'admin');
    const id = req.params.id as string;
    const before = found(peers, id);
    const body = bodyOf(req);
    const after = peers.update(id, body);
    audit(req, res, `peer changed: ${describe(after)}: ${changes(before, after, body).join(', ') || 'no change'}`);
    res.json(after);
  });

  router.delete('/peers/:id', (req: Request, res: Response) => {
    requireAction(res, 'admin');
    const id = req.params.id as string;
    const peer = found(peers, id);
    peers.remove(id);
    audit(req, res, `peer removed: ${describe(peer)}`);
    res.status(204).end();
  });

  for (const [verb, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const)
    router.post(`/peers/:id/${verb}`, (req: Request, res: Response) => {
      requireAction(res, 'admin');
      const peer = peers.setPaused(req.params.id as string, paused);
      audit(req, res, `peer ${paused ? 'paused' : 'resumed'}: ${describe(peer)}`);
      res.json(peer);
    });

  // A body tests the peer as changed by it (not saved); none tests it as saved.
  router.post('/peers/:id/test', async (req: Request, res: Response) => {
    requireAction(res, 'admin');
    const id = req.params.id as string;
    const body = bodyOf(req);
    const endpoint = Object.keys(body).length === 0 ? peers.endpoint(id) : peers.draftEndpoint(body, id);
    if (!endpoint) throw new AppError('NOT_FOUND', 'No such peer.');
    res.json(await test(endpoint));
  });

  return router;
}

function found(peers: PeerStore, id: string): PeerSummary {
  const peer = peers.get(id);
  if (!peer) throw new AppError('NOT_FOUND', 'No such peer.');
  return peer;
}

/** The peer as the audit trail names it: name and base URL (its secrets never). */
function describe(peer: PeerSummary): string {
  return `"${peer.name}" ${peer.baseUrl}`;
}

/** What a PATCH changed, by field name; a new secret is said to be set, nothing more about it. */
function changes(before: PeerSummary, after: PeerSummary, body: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (before.name !== after.name) out.push(`name was "${before.name}"`);
  if (before.remoteAeId !== after.remoteAeId) out.push(`remote AE was ${before.baseUrl}`);
  else if (before.baseUrl !== after.baseUrl) out.push(`base URL was ${before.baseUrl}`);
  if (before.auth.kind !== after.auth.kind) out.push(`authentication ${before.auth.kind} → ${after.auth.kind}`);
  if (before.auth.username !== after.auth.username && after.auth.kind === 'basic') out.push(`username ${after.auth.username ?? ''}`);
  const auth = body.auth as Record<string, unknown> | undefined;
  if (typeof auth?.password === 'string' && auth.password !== '') out.push('new password');
  if (typeof auth?.token === 'string' && auth.token !== '') out.push('new token');
  if (before.bandwidthKbps !== after.bandwidthKbps) out.push(`bandwidth cap ${after.bandwidthKbps ?? 'none'} kbit/s`);
  if (before.caSubject !== after.caSubject) out.push(`custom CA ${after.caSubject ?? 'none'}`);
  if (before.maxConnections !== after.maxConnections) out.push(`max connections ${after.maxConnections}`);
  if (before.sendSyntax !== after.sendSyntax) out.push(`send syntax ${after.sendSyntax}`);
  return out;
}
