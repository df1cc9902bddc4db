import type { DimseStatus, EchoOutcome, EchoResult, RemoteAe, RemoteAeInput } from '../../../shared/api/dimse';
import type {
  ActiveAssociation,
  AssociationCounts,
  DimseAssociations,
  DimseService,
  EndedAssociation,
} from '../../../shared/api/dimse-associations';
import { apiJson } from '../auth/api';

/**
 * The archive's DIMSE API as the admin's DICOM devices page uses it: our settings, the known
 * remote AEs and their C-ECHO test, and the associations served now and lately.
 */
export type {
  ActiveAssociation,
  AssociationCounts,
  DimseAssociations,
  DimseService,
  DimseStatus,
  EchoOutcome,
  EchoResult,
  EndedAssociation,
  RemoteAe,
  RemoteAeInput,
};

const remoteAePath = (id: string) => `/api/dimse/remote-aes/${encodeURIComponent(id)}`;

export const dimseStatus = () => apiJson<DimseStatus>('GET', '/api/dimse/status');
export const listRemoteAes = () => apiJson<RemoteAe[]>('GET', '/api/dimse/remote-aes');
export const createRemoteAe = (input: RemoteAeInput) => apiJson<RemoteAe>('POST', '/api/dimse/remote-aes', input);
export const updateRemoteAe = (id: string, input: Partial<RemoteAeInput>) => apiJson<RemoteAe>('PATCH', remoteAePath(id), input);
export const removeRemoteAe = (id: string) => apiJson<void>('DELETE', remoteAePath(id));
/** A C-ECHO from this archive to the AE (it must have a port). */
export const echoRemoteAe = (id: string) => apiJson<EchoResult>('POST', `${remoteAePath(id)}/echo`);
export const listAssociations = () => apiJson<DimseAssociations>('GET', '/api/dimse/associations');
