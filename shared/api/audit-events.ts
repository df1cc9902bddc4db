/**
 * The audit vocabulary: our actions, each with its DICOM PS3.15 A.5 audit event (Event ID from
 * CID 400, Event Type from CIDs 401-404 where one applies, Event Action Code C/R/U/D/E).
 * Frames, rendered images and metadata are all "DICOM Instances Accessed" (reading in a viewer);
 * Part 10 retrieval is "DICOM Instances Transferred"; a ZIP is an "Export".
 */
export const AUDIT_ACTIONS = {
  'application-start': { eventId: '110100', eventName: 'Application Activity', eventType: '110120 Application Start', actionCode: 'E' },
  'application-stop': { eventId: '110100', eventName: 'Application Activity', eventType: '110121 Application Stop', actionCode: 'E' },
  login: { eventId: '110114', eventName: 'User Authentication', eventType: '110122 Login', actionCode: 'E' },
  logout: { eventId: '110114', eventName: 'User Authentication', eventType: '110123 Logout', actionCode: 'E' },
  'share-use': { eventId: '110114', eventName: 'User Authentication', eventType: '110122 Login', actionCode: 'E' },
  query: { eventId: '110112', eventName: 'Query', eventType: undefined, actionCode: 'E' },
  view: { eventId: '110103', eventName: 'DICOM Instances Accessed', eventType: undefined, actionCode: 'R' },
  retrieve: { eventId: '110104', eventName: 'DICOM Instances Transferred', eventType: undefined, actionCode: 'R' },
  download: { eventId: '110106', eventName: 'Export', eventType: undefined, actionCode: 'R' },
  store: { eventId: '110104', eventName: 'DICOM Instances Transferred', eventType: undefined, actionCode: 'C' },
  // PACS_STORE_COMPRESSED: an instance's object re-written losslessly compressed by the archive itself.
  'store-compressed': { eventId: '110103', eventName: 'DICOM Instances Accessed', eventType: undefined, actionCode: 'U' },
  'delete-study': { eventId: '110105', eventName: 'DICOM Study Deleted', eventType: undefined, actionCode: 'D' },
  delete: { eventId: '110103', eventName: 'DICOM Instances Accessed', eventType: undefined, actionCode: 'D' },
  'share-create': {
    eventId: '110113',
    eventName: 'Security Alert',
    eventType: '110135 Object Security Attributes Changed',
    actionCode: 'C',
  },
  'share-revoke': {
    eventId: '110113',
    eventName: 'Security Alert',
    eventType: '110135 Object Security Attributes Changed',
    actionCode: 'D',
  },
  'user-change': { eventId: '110113', eventName: 'Security Alert', eventType: '110137 User Security Attributes Changed', actionCode: 'U' },
  'token-change': { eventId: '110113', eventName: 'Security Alert', eventType: '110137 User Security Attributes Changed', actionCode: 'U' },
  'consultation-request': { eventId: '110110', eventName: 'Patient Record', eventType: undefined, actionCode: 'C' },
  'consultation-view': { eventId: '110110', eventName: 'Patient Record', eventType: undefined, actionCode: 'R' },
  'consultation-answer': { eventId: '110110', eventName: 'Patient Record', eventType: undefined, actionCode: 'U' },
  'consultation-close': { eventId: '110110', eventName: 'Patient Record', eventType: undefined, actionCode: 'U' },
  annotate: { eventId: '110110', eventName: 'Patient Record', eventType: undefined, actionCode: 'U' },
  'report-save': { eventId: '110110', eventName: 'Patient Record', eventType: undefined, actionCode: 'U' },
  'report-final': { eventId: '110110', eventName: 'Patient Record', eventType: undefined, actionCode: 'C' },
  'report-amend': { eventId: '110110', eventName: 'Patient Record', eventType: undefined, actionCode: 'U' },
  'audit-read': { eventId: '110101', eventName: 'Audit Log Used', eventType: undefined, actionCode: 'R' },
  // Exchange with peers (server/exchange): a job's start, then each batch the peer acknowledged or we stored.
  'transfer-begin': { eventId: '110102', eventName: 'Begin Transferring DICOM Instances', eventType: undefined, actionCode: 'E' },
  'transfer-send': { eventId: '110104', eventName: 'DICOM Instances Transferred', eventType: undefined, actionCode: 'R' },
  'transfer-fetch': { eventId: '110104', eventName: 'DICOM Instances Transferred', eventType: undefined, actionCode: 'C' },
  'peer-change': { eventId: '110113', eventName: 'Security Alert', eventType: '110128 Network Configuration', actionCode: 'U' },
  // `pacs backup` (every instance copied out of the archive) and `pacs restore` (all of them brought in).
  backup: { eventId: '110106', eventName: 'Export', eventType: undefined, actionCode: 'R' },
  restore: { eventId: '110107', eventName: 'Import', eventType: undefined, actionCode: 'C' },
} as const satisfies Record<
  string,
  { eventId: string; eventName: string; eventType: string | undefined; actionCode: 'C' | 'R' | 'U' | 'D' | 'E' }
>;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(AUDIT_ACTIONS, value);
}

/** One recorded event, as GET /api/audit returns it. */
export interface AuditRecord {
  id: number;
  /** ISO 8601 */
  time: string;
  eventId: string;
  eventName: string;
  eventType: string | null;
  actionCode: string;
  /** PS3.15 Event Outcome Indicator: 0 success, 4 minor failure (refused), 8 serious failure. */
  outcome: 0 | 4 | 8;
  action: AuditAction;
  principalKind: string;
  principalId: string;
  role: string;
  clientAddress: string;
  studyUid: string | null;
  detail: string;
  requestId: string | null;
}
