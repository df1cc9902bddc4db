import type { DimsePeerInput, PeerInput, PeerSummary, PeerTestOutcome, PeerTestResult, SendSyntax } from '../../../shared/api/exchange';
import { SEND_SYNTAXES } from '../../../shared/api/exchange';
import { apiJson } from '../auth/api';

/**
 * The archive's peer API as the admin's Peers page uses it: list, add, change, remove, pause and
 * resume a peer, and test a connection (saved, or as the form stands before saving).
 */
export { SEND_SYNTAXES, type DimsePeerInput, type PeerInput, type PeerSummary, type PeerTestOutcome, type PeerTestResult, type SendSyntax };

/** What the Peers form sends: a DICOMweb peer (a PATCH names only what changes), or a DIMSE peer (a known remote AE). */
export type AnyPeerInput = (Partial<PeerInput> & { kind?: 'dicomweb' }) | DimsePeerInput;

const peerPath = (id: string) => `/api/peers/${encodeURIComponent(id)}`;

export const listPeers = () => apiJson<PeerSummary[]>('GET', '/api/peers');
export const createPeer = (input: PeerInput | DimsePeerInput) => apiJson<PeerSummary>('POST', '/api/peers', input);
export const updatePeer = (id: string, input: AnyPeerInput) => apiJson<PeerSummary>('PATCH', peerPath(id), input);
export const removePeer = (id: string) => apiJson<void>('DELETE', peerPath(id));
export const setPeerPaused = (id: string, paused: boolean) =>
  apiJson<PeerSummary>('POST', `${peerPath(id)}/${paused ? 'pause' : 'resume'}`);
/** Tests the peer as `input` describes it; with `id`, as that saved peer changed by `input` (its saved secret kept). */
export const testPeer = (input: AnyPeerInput, id?: string) =>
  apiJson<PeerTestResult>('POST', id === undefined ? '/api/peers/test' : `${peerPath(id)}/test`, input);
