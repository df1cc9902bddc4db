import express, { type Request, type Response, type Router } from 'express';
import type { TransferStatus } from '../../shared/api/exchange';
import { AppError } from '../../shared/errors';
import { bodyOf } from '../api/json-body';
import { requireAction } from '../auth/principal';
import type { TransferQueue } from './transfer-queue';

const STATUSES: readonly TransferStatus[] = ['queued', 'running', 'done', 'failed', 'cancelled'];

/**
 * /api/transfers: the transfer jobs (issue 13 items 2, 3, 5). POST queues a send or a fetch
 * (201 with the job), GET lists them newest first (`?status=`, `?limit=` up to 500), and a job has
 * its failures, cancel and retry. Every route takes the `transfer` action (admin, radiologist).
 */
export function transferRoutes(deps: { transfers: TransferQueue }): Router {
  const { transfers } = deps;
  const router = express.Router();

  router.post('/transfers', (req: Request, res: Response) => {
    const principal = requireAction(res, 'transfer');
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN');
    const job = transfers.enqueue(bodyOf(req), { name: principal.username, userId: principal.userId });
    res.status(201).json(job);
  });

  router.get('/transfers', (req: Request, res: Response) => {
    requireAction(res, 'transfer');
    const { status, limit } = req.query;
    if (status !== undefined && !(STATUSES as readonly unknown[]).includes(status))
      throw new AppError('BAD_REQUEST', `status must be one of ${STATUSES.join(', ')}.`);
    if (limit !== undefined && (typeof limit !== 'string' || !/^[1-9][0-9]{0,3}$/.test(limit)))
      throw new AppError('BAD_REQUEST', 'limit must be a whole number from 1 to 500.');
    res.json(transfers.list({ status: status as TransferStatus | undefined, ...(limit ? { limit: Number(limit) } : {}) }));
  });

  router.get('/transfers/:id', (req: Request, res: Response) => {
    requireAction(res, 'transfer');
    const job = transfers.get(idOf(req));
    if (!job) throw new AppError('NOT_FOUND', 'No such transfer.');
    res.json(job);
  });

  router.get('/transfers/:id/failures', (req: Request, res: Response) => {
    requireAction(res, 'transfer');
    res.json(transfers.failures(idOf(req)));
  });

  router.post('/transfers/:id/cancel', (req: Request, res: Response) => {
    requireAction(res, 'transfer');
    res.json(transfers.cancel(idOf(req)));
  });

  router.post('/transfers/:id/retry', (req: Request, res: Response) => {
    requireAction(res, 'transfer');
    res.json(transfers.retry(idOf(req)));
  });

  return router;
}

function idOf(req: Request): string {
  const id = req.params.id;
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new AppError('NOT_FOUND', 'No such transfer.');
  return id;
}
