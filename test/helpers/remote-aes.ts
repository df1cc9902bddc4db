import type { RemoteAe, RemoteAeInput } from '../../shared/api/dimse';
import type { DimsePeerInput, PeerSummary } from '../../shared/api/exchange';
import { postJson } from './dicomweb-http';
import type { ArchiveClient } from './signed-in-fetch';

/** POST /api/dimse/remote-aes as the archive's admin: a known remote AE (on 127.0.0.1 unless a host is given); the created AE. */
export const addRemoteAe = (archive: ArchiveClient, input: Omit<RemoteAeInput, 'host'> & { host?: string }) =>
  postJson<RemoteAe>(archive, '/api/dimse/remote-aes', { host: '127.0.0.1', ...input });

/** POST /api/peers of a DIMSE peer (a known remote AE with a port) as the archive's admin; the created peer. */
export const addDimsePeer = (archive: ArchiveClient, input: Omit<DimsePeerInput, 'kind'>) =>
  postJson<PeerSummary>(archive, '/api/peers', { kind: 'dimse', ...input });
