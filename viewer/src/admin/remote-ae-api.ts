import type { DimseStatus, RemoteAe, RemoteAeInput } from '../../../shared/api/dimse';
import { apiJson } from '../auth/api';

/** The archive's DIMSE API as the admin's DICOM devices page uses it: our settings, and the known remote AEs. */
export type { DimseStatus, RemoteAe, RemoteAeInput };

const remoteAePath = (id: string) => `/api/dimse/remote-aes/${encodeURIComponent(id)}`;

export const dimseStatus = () => apiJson<DimseStatus>('GET', '/api/dimse/status');
export const listRemoteAes = () => apiJson<RemoteAe[]>('GET', '/api/dimse/remote-aes');
export const createRemoteAe = (input: RemoteAeInput) => apiJson<RemoteAe>('POST', '/api/dimse/remote-aes', input);
export const updateRemoteAe = (id: string, input: Partial<RemoteAeInput>) => apiJson<RemoteAe>('PATCH', remoteAePath(id), input);
export const removeRemoteAe = (id: string) => apiJson<void>('DELETE', remoteAePath(id));
