import express, { type Router } from 'express';
import type { AuditLog } from '../audit/audit-log';
import type { ArchiveIndex } from '../index/archive-index';
import type { Exchange } from './exchange';
import { peerRoutes } from './peer-routes';
import { remoteSearchRoutes } from './remote-search-routes';
import { routingRuleRoutes } from './routing-rule-routes';
import { transferRoutes } from './transfer-routes';

export interface ExchangeRouteDeps {
  exchange: Exchange;
  index: ArchiveIndex;
  audit: AuditLog;
}

/** /api routes of the exchange with other archives: peers, transfers, remote search, routing rules. */
export function exchangeRoutes(deps: ExchangeRouteDeps): Router {
  const router = express.Router();
  router.use(peerRoutes({ peers: deps.exchange.peers, audit: deps.audit, callingAeTitle: deps.exchange.callingAeTitle }));
  router.use(remoteSearchRoutes({ exchange: deps.exchange, audit: deps.audit }));
  router.use(routingRuleRoutes({ rules: deps.exchange.routingRules, peers: deps.exchange.peers, audit: deps.audit }));
  router.use(transferRoutes({ transfers: deps.exchange.transfers }));
  return router;
}
