/**
 * Exchange between archives as /api speaks of it (server/exchange, viewer/src/transfers): peers
 * (remote DICOMweb archives), transfer jobs (send = STOW-RS to a peer, fetch = WADO-RS from a
 * peer) and routing rules. Everything a peer is spoken to with is plain DICOMweb (PS3.18).
 */

import type { EchoOutcome } from './dimse';

export type PeerAuthKind = 'none' | 'basic' | 'bearer';

/** A lossless transfer syntax a send may re-encode to, or `as-stored`. */
export const SEND_SYNTAXES = ['as-stored', '1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.201'] as const;
export type SendSyntax = (typeof SEND_SYNTAXES)[number];

/**
 * POST /api/peers and PATCH /api/peers/{id}. `password` (basic) and `token` (bearer) are write
 * only: a PATCH without them keeps the stored secret.
 */
export interface PeerInput {
  name: string;
  /** DICOMweb base URL, e.g. https://pacs.bvtw.vn/dicom-web (no trailing slash needed). */
  baseUrl: string;
  auth: { kind: 'none' } | { kind: 'basic'; username: string; password?: string } | { kind: 'bearer'; token?: string };
  /** Bandwidth cap in kbit/s for this peer, both directions; null = none. */
  bandwidthKbps?: number | null;
  /** PEM certificate(s) of a private CA the peer's HTTPS certificate is checked against; null = the system CAs. */
  caCertificate?: string | null;
  /** Most connections open to this peer at once. */
  maxConnections?: number;
  /** What a send puts on the wire (re-encoded losslessly when the peer accepts it). */
  sendSyntax?: SendSyntax;
}

/** How a peer is spoken to: DICOMweb (PS3.18) at a base URL, or DIMSE (PS3.7) to a known remote AE. */
export type PeerKind = 'dicomweb' | 'dimse';

/**
 * POST /api/peers and PATCH /api/peers/{id} of a DIMSE peer: a known remote AE (GET
 * /api/dimse/remote-aes) with a port. Sends are C-STOREs to it; fetches a C-FIND, then a C-MOVE
 * to this archive's AE title (so the AE must also be allowed to store here); the remote search a
 * C-FIND. PATCH may leave `kind` out.
 */
export interface DimsePeerInput {
  kind: 'dimse';
  name: string;
  remoteAeId: string;
  bandwidthKbps?: number | null;
  maxConnections?: number;
}

/** A peer as GET /api/peers shows it: never its secret. */
export interface PeerSummary {
  id: string;
  kind: PeerKind;
  name: string;
  /** The DICOMweb base URL; for a DIMSE peer `dicom://AE_TITLE@host:port`, for display only. */
  baseUrl: string;
  /** DIMSE peers: the known remote AE, with its title, host and port as they are now. */
  remoteAeId?: string;
  aeTitle?: string;
  host?: string;
  port?: number | null;
  auth: { kind: PeerAuthKind; username?: string; secretSet: boolean };
  bandwidthKbps: number | null;
  /** Subject of the custom CA certificate, or null when the system CAs are used. */
  caSubject: string | null;
  maxConnections: number;
  sendSyntax: SendSyntax;
  /** ISO 8601 when its transfers were paused, or null. */
  pausedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * What a connection test found, for the UI to say in its own language: `ok`, the credentials
 * refused (401/403), not a DICOMweb service (HTML, not JSON, 404, a redirect), unreachable
 * (refused, host unknown, timed out, cut), the HTTPS certificate not trusted, an answer too large,
 * or the peer failing (5xx, another refusal).
 */
export type PeerTestOutcome = 'ok' | 'credentials' | 'not-dicomweb' | 'unreachable' | 'tls' | 'too-large' | 'peer-error';

/** POST /api/peers/{id}/test and POST /api/peers/test: one QIDO-RS to the peer. */
export interface PeerTestResult {
  ok: boolean;
  outcome: PeerTestOutcome;
  /** Round trip of the QIDO request in milliseconds (null when nothing answered). */
  roundTripMs: number | null;
  /** HTTP status the peer answered with, when it answered. */
  status: number | null;
  message: string;
  /**
   * A DIMSE peer's test is a C-ECHO: how it went, as POST /api/dimse/remote-aes/{id}/echo says
   * (`outcome` then maps ok → ok, rejected → credentials, unreachable, timeout and no-port →
   * unreachable, aborted and protocol → peer-error).
   */
  echo?: EchoOutcome;
}

export type TransferDirection = 'send' | 'fetch';
export type TransferStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** POST /api/transfers: send to a peer, or fetch from one; a study, one series or some instances of one series. */
export interface TransferRequest {
  direction: TransferDirection;
  peerId: string;
  studyInstanceUID: string;
  seriesInstanceUID?: string;
  sopInstanceUIDs?: string[];
}

export interface TransferProgress {
  /** Instances of the job; null while a fetch has not yet listed what the peer holds. */
  instancesTotal: number | null;
  instancesDone: number;
  instancesFailed: number;
  bytesDone: number;
  /** Bytes of the whole job when known (a send knows its stored sizes). */
  bytesTotal: number | null;
  /** Bytes per second over the last few seconds of a running job. */
  bytesPerSecond: number | null;
  /** Seconds left at the current rate, when a rate and a total are known. */
  etaSeconds: number | null;
}

/** One job in GET /api/transfers. */
export interface TransferJob {
  id: string;
  direction: TransferDirection;
  peerId: string;
  peerName: string;
  studyInstanceUID: string;
  seriesInstanceUID: string | null;
  sopInstanceUIDs: string[] | null;
  status: TransferStatus;
  /** Who asked for it: an account's username, or `rule:<rule name>`. */
  requestedBy: string;
  ruleId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Attempts made so far; the next one at `nextAttemptAt` after a retryable failure. */
  attempts: number;
  nextAttemptAt: string | null;
  /** The last error of the job as a whole (a peer unreachable, refused credentials…). */
  lastError: string | null;
  progress: TransferProgress;
}

/** GET /api/transfers/{id}/failures: instances the peer (or we) refused, with the reason. */
export interface TransferInstanceFailure {
  sopInstanceUID: string;
  reason: string;
}

/** POST /api/routing-rules and PATCH /api/routing-rules/{id}. Empty criteria match anything. */
export interface RoutingRuleInput {
  name: string;
  peerId: string;
  enabled?: boolean;
  /** Modality in the study (e.g. CT), exact, case-insensitive. */
  modality?: string;
  /** The account (username) that stored the study's instances. */
  source?: string;
  /** Institution Name (0008,0080) pattern: `*` and `?` wildcards, case-insensitive. */
  institution?: string;
  /** Study Description (0008,1030) pattern: `*` and `?` wildcards, case-insensitive. */
  description?: string;
}

export interface RoutingRule extends Required<RoutingRuleInput> {
  id: string;
  peerName: string;
  createdAt: string;
  updatedAt: string;
}
