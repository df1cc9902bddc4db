/** Diagnostic reports as /api/reports speaks of them (server/reports, viewer/src/report). */

/** The report's sections, in the order they are written and printed. */
export const REPORT_SECTIONS = ['clinicalInformation', 'technique', 'findings', 'impression', 'recommendations'] as const;
export type ReportSection = (typeof REPORT_SECTIONS)[number];
export type ReportSections = Partial<Record<ReportSection, string>>;

/** The per-modality templates the viewer offers (their text is the viewer's, in the UI language). */
export const REPORT_TEMPLATES = ['CT', 'MR', 'CR', 'US', 'other'] as const;
export type ReportTemplate = (typeof REPORT_TEMPLATES)[number];

export const REPORT_LANGUAGES = ['en', 'vi'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

/**
 * `draft`: saved, editable, only in the archive's database. `final`: signed and stored in the
 * study as a Basic Text SR. `superseded`: a final version an amendment replaced.
 */
export type ReportStatus = 'draft' | 'final' | 'superseded';

/** Longest section, in characters (the whole report must also fit the SR's 64 KiB text limit per item). */
export const MAX_SECTION_CHARS = 20_000;

export interface ReportVersion {
  id: string;
  studyInstanceUID: string;
  /** 1 for the first report of the study; an amendment is the next number. */
  version: number;
  status: ReportStatus;
  template: ReportTemplate;
  language: ReportLanguage;
  sections: ReportSections;
  /** Who last saved it (display name, else account name). */
  author: string;
  createdAt: string;
  updatedAt: string;
  finalizedAt: string | null;
  /** The Verifying Observer and Organization written in the SR. */
  signedBy: string | null;
  organization: string | null;
  sopInstanceUID: string | null;
  seriesInstanceUID: string | null;
  /** The SR this version amends (its Predecessor Documents Sequence). */
  predecessorSopInstanceUID: string | null;
}

/** GET /api/studies/{study}/report: every version, newest first (a draft, when there is one, comes first). */
export interface StudyReport {
  studyInstanceUID: string;
  versions: ReportVersion[];
}

/** PUT /api/studies/{study}/report/draft */
export interface ReportDraft {
  template: ReportTemplate;
  language: ReportLanguage;
  sections: ReportSections;
  /**
   * The `updatedAt` of the draft as the writer opened it, or `null` for a new draft: when the
   * study's draft is no longer that one (another radiologist saved, discarded or signed it
   * meanwhile), the save is a 409 instead of overwriting their text. Absent: no check.
   */
  baseUpdatedAt?: string | null;
}

/** POST /api/studies/{study}/report/final: the organization signing (default: the study's Institution Name). */
export interface ReportFinalization {
  organization?: string;
}
