import type { PeerSummary, TransferInstanceFailure, TransferJob, TransferRequest, TransferStatus } from '../../../shared/api/exchange';
import { apiJson, apiPath } from '../auth/api';

/**
 * The archive's exchange API as the viewer uses it: peers to pick from (GET /api/peers), transfer
 * jobs (GET/POST /api/transfers, cancel, retry, failures) and pausing a peer (admins).
 */
export type { PeerSummary, TransferInstanceFailure, TransferJob, TransferRequest, TransferStatus };

export const listPeers = () => apiJson<PeerSummary[]>('GET', '/api/peers');
export const pausePeer = (id: string, paused: boolean) =>
  apiJson<PeerSummary>('POST', `/api/peers/${encodeURIComponent(id)}/${paused ? 'pause' : 'resume'}`);

export const listTransfers = (status?: TransferStatus) => apiJson<TransferJob[]>('GET', apiPath('/api/transfers', { status }));
export const requestTransfer = (request: TransferRequest) => apiJson<TransferJob>('POST', '/api/transfers', request);
export const cancelTransfer = (id: string) => apiJson<TransferJob>('POST', `/api/transfers/${encodeURIComponent(id)}/cancel`);
export const retryTransfer = (id: string) => apiJson<TransferJob>('POST', `/api/transfers/${encodeURIComponent(id)}/retry`);
export const transferFailures = (id: string) =>
  apiJson<TransferInstanceFailure[]>('GET', `/api/transfers/${encodeURIComponent(id)}/failures`);
