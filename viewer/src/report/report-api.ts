/**
 * The archive's report API (/api/studies/{study}/report): the study's report versions, the
 * draft saved and edited, and the signature that stores it in the study as a DICOM SR.
 */
import type { ReportDraft, ReportFinalization, ReportVersion, StudyReport } from '../../../shared/api/reports';
import { apiJson } from '../auth/api';

export type { ReportDraft, ReportVersion, StudyReport };

const path = (studyUid: string, action = '') => `/api/studies/${encodeURIComponent(studyUid)}/report${action}`;

export function loadReport(studyUid: string): Promise<StudyReport> {
  return apiJson<StudyReport>('GET', path(studyUid));
}

export function saveDraft(studyUid: string, draft: ReportDraft): Promise<ReportVersion> {
  return apiJson<ReportVersion>('PUT', path(studyUid, '/draft'), draft);
}

export function discardDraft(studyUid: string): Promise<void> {
  return apiJson<void>('DELETE', path(studyUid, '/draft'));
}

export function signReport(studyUid: string, finalization: ReportFinalization): Promise<ReportVersion> {
  return apiJson<ReportVersion>('POST', path(studyUid, '/final'), finalization);
}

/** The version a reader sees: the newest signed one. */
export function latestFinal(report: StudyReport): ReportVersion | undefined {
  return report.versions.find((v) => v.status === 'final');
}
