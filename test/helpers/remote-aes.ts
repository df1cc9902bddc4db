import { expect } from 'vitest';
import type { RemoteAe, RemoteAeInput } from '../../shared/api/dimse';
import type { DimsePeerInput, PeerSummary } from '../../shared/api/exchange';
import type { ArchiveClient } from './signed-in-fetch';

async function created<T>(archive: ArchiveClient, path: string, body: unknown): Promise<T> {
  const res = await archive.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text) as T;
}

/** POST /api/dimse/remote-aes as the archive's admin: a known remote AE (on 127.0.0.1 unless a host is given); the created AE. */
export const addRemoteAe = (archive: ArchiveClient, input: Omit<RemoteAeInput, 'host'> & { host?: string }) =>
  created<RemoteAe>(archive, '/api/dimse/remote-aes', { host: '127.0.0.1', ...input });

/** POST /api/peers of a DIMSE peer (a known remote AE with a port) as the archive's admin; the created peer. */
export const addDimsePeer = (archive: ArchiveClient, input: Omit<DimsePeerInput, 'kind'>) =>
  created<PeerSummary>(archive, '/api/peers', { kind: 'dimse', ...input });
