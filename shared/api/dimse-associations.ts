/**
 * GET /api/dimse/associations (admins): the DICOM associations the archive's listener serves now
 * and the last ones that ended (server/dimse/dimse-listener.ts, viewer/src/admin/associations-*).
 */

/** A DIMSE service an association runs: C-STORE, C-FIND, C-MOVE, C-GET. */
export type DimseService = 'store' | 'find' | 'move' | 'get';

/** What every association shows, live or ended. */
export interface AssociationCounts {
  /** The calling AE title; empty until its A-ASSOCIATE-RQ arrived. */
  callingAeTitle: string;
  /** The remote IP address. */
  address: string;
  /** ISO 8601 when the connection was accepted. */
  startedAt: string;
  /** Instances stored, and refused, by C-STORE so far. */
  stored: number;
  failed: number;
  /** C-FIND, C-MOVE and C-GET requests received so far. */
  requests: Record<Exclude<DimseService, 'store'>, number>;
}

/** An association being served. */
export interface ActiveAssociation extends AssociationCounts {
  /** The services running now (a C-STORE's data set arriving, a C-FIND being answered…), in that order. */
  running: DimseService[];
}

/** An association that ended: released, rejected (with why), aborted (with why) or closed without a release. */
export interface EndedAssociation extends AssociationCounts {
  endedAt: string;
  outcome: 'released' | 'rejected' | 'aborted' | 'closed';
  reason?: string;
}

export interface DimseAssociations {
  /** Oldest first. */
  active: ActiveAssociation[];
  /** The last 50 that ended, newest first. */
  recent: EndedAssociation[];
}
