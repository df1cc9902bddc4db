/**
 * The DICOM network services (DIMSE, PS3.7) as /api speaks of them (server/dimse,
 * viewer/src/admin/remote-aes-page.ts): the known remote AEs (modalities, workstations, other
 * archives) an association is accepted from, and the archive's own DIMSE settings.
 */

/**
 * POST /api/dimse/remote-aes and PATCH /api/dimse/remote-aes/{id} (a PATCH keeps what it does
 * not name). A new AE may store and nothing more unless it says so.
 */
export interface RemoteAeInput {
  /** 1 to 16 characters (PS3.5 AE VR), matched exactly against the calling AE title. */
  aeTitle: string;
  /** Host name or IPv4 / IPv6 address an association from this AE must come from. */
  host: string;
  /** Where the AE listens (C-MOVE destination, C-ECHO and C-STORE from us); null = it only calls us. */
  port?: number | null;
  description?: string;
  /** May C-STORE into the archive. Default true. */
  mayStore?: boolean;
  /** May C-FIND. Default false. */
  mayQuery?: boolean;
  /** May C-MOVE and C-GET, and be a C-MOVE destination. Default false. */
  mayRetrieve?: boolean;
}

/** A known remote AE as GET /api/dimse/remote-aes lists it. */
export interface RemoteAe {
  id: string;
  aeTitle: string;
  host: string;
  port: number | null;
  description: string;
  mayStore: boolean;
  mayQuery: boolean;
  mayRetrieve: boolean;
  createdAt: string;
  updatedAt: string;
}

/** GET /api/dimse/status: how modalities reach this archive. */
export interface DimseStatus {
  /** Our AE title (PACS_DIMSE_AE_TITLE): the called AE title to configure on a modality. */
  aeTitle: string;
  /** The listening address (PACS_HOST). */
  host: string;
  /** The DIMSE port (PACS_DIMSE_PORT); null when DIMSE is off. */
  port: number | null;
  /** DICOM TLS on the port (PACS_DIMSE_TLS_CERT / PACS_DIMSE_TLS_KEY). */
  tls: boolean;
  /** Any calling AE is accepted, known or not (PACS_DIMSE_ACCEPT_ANY, loopback only). */
  acceptAny: boolean;
}

/**
 * How a C-ECHO to a remote AE went (POST /api/dimse/remote-aes/{id}/echo, and "Test connection"
 * of a DIMSE peer): answered, nothing listening or reachable, the association rejected (AE
 * titles), aborted, a protocol error, no answer in time, or no port to call.
 */
export type EchoOutcome = 'ok' | 'unreachable' | 'rejected' | 'aborted' | 'protocol' | 'timeout' | 'no-port';

export interface EchoResult {
  outcome: EchoOutcome;
  /** Association, C-ECHO and release, in milliseconds (null when nothing answered). */
  millis: number | null;
  /** In English; the viewer says it by `outcome` in the user's language. */
  message: string;
}
