/** Share links as /api/shares speaks of them (server/sharing, viewer/src/sharing). */
export type SharePermission = 'read' | 'download';

/** A link as its creator sees it in GET /api/shares (never its token, which is shown once). */
export interface ShareSummary {
  id: string;
  studyInstanceUID: string;
  seriesInstanceUIDs?: string[];
  permissions: SharePermission[];
  anonymize: boolean;
  pinRequired: boolean;
  note: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  useCount: number;
  consultationId: string | null;
}

/** POST /api/shares's answer: the summary plus the link and its token, shown once. */
export interface CreatedShare extends ShareSummary {
  url: string;
  token: string;
}
