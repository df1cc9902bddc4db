import express, { type Request, type Response, type Router } from 'express';
import type { DimseAssociations } from '../../shared/api/dimse-associations';
import { requireAction } from '../auth/principal';

/**
 * GET /api/dimse/associations, for admins: the associations the DIMSE listener serves now (who
 * calls, from where, since when, what it stored and runs) and the last 50 that ended, with their
 * outcome. Both empty when DIMSE is off.
 */
export function associationRoutes(deps: { associations: () => DimseAssociations }): Router {
  const router = express.Router();
  router.get('/dimse/associations', (_req: Request, res: Response) => {
    requireAction(res, 'admin');
    res.json(deps.associations());
  });
  return router;
}
