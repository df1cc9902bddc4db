import express, { type Request, type Response, type Router } from 'express';
import type { RoutingRule } from '../../shared/api/exchange';
import { AppError } from '../../shared/errors';
import { bodyOf } from '../api/json-body';
import type { AuditLog } from '../audit/audit-log';
import { recordAction } from '../audit/record-action';
import { requireAction } from '../auth/principal';
import type { PeerStore } from './peer-store';
import type { RoutingRuleStore } from './routing-rule-store';

export interface RoutingRuleRouteDeps {
  rules: RoutingRuleStore;
  peers: PeerStore;
  audit: AuditLog;
}

/**
 * Routing rules (issue 13 item 4) at /api/routing-rules: admins manage them (POST, PATCH,
 * DELETE /{id}, each a `peer-change` audit event naming the rule and its peer); whoever may
 * transfer sees them, so the Transfers page can say what a rule's job is.
 */
export function routingRuleRoutes(deps: RoutingRuleRouteDeps): Router {
  const router = express.Router();
  const audit = (req: Request, res: Response, what: string, rule: RoutingRule) => {
    const peer = deps.peers.get(rule.peerId);
    const to = peer ? `peer "${peer.name}" (${peer.baseUrl})` : `peer ${rule.peerId}`;
    recordAction(deps.audit, req, res, { action: 'peer-change', detail: `routing rule ${what}: "${rule.name}" to ${to}` });
  };

  router.get('/routing-rules', (_req: Request, res: Response) => {
    requireAction(res, 'transfer');
    res.json(deps.rules.list());
  });

  router.get('/routing-rules/:id', (req: Request, res: Response) => {
    requireAction(res, 'transfer');
    const rule = deps.rules.get(req.params.id as string);
    if (!rule) throw new AppError('NOT_FOUND', 'No such routing rule.');
    res.json(rule);
  });

  router.post('/routing-rules', (req: Request, res: Response) => {
    requireAction(res, 'admin');
    const rule = deps.rules.create(bodyOf(req));
    audit(req, res, 'created', rule);
    res.status(201).json(rule);
  });

  router.patch('/routing-rules/:id', (req: Request, res: Response) => {
    requireAction(res, 'admin');
    const rule = deps.rules.update(req.params.id as string, bodyOf(req));
    audit(req, res, rule.enabled ? 'changed' : 'changed (disabled)', rule);
    res.json(rule);
  });

  router.delete('/routing-rules/:id', (req: Request, res: Response) => {
    requireAction(res, 'admin');
    const rule = deps.rules.remove(req.params.id as string);
    audit(req, res, 'removed', rule);
    res.status(204).end();
  });

  return router;
}
