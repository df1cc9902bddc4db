/** What the report drawer needs of the study open in the viewer, from the series it has loaded. */
import { getString, type DicomJson } from '../../../shared/dicom/dicom-json';
import { Tag } from '../../../shared/dicom/tags';
import type { SessionInfo } from '../app/session';
import type { ReportStudy } from './report-panel';

export function reportStudyOf(
  studyUid: string,
  series: ReadonlyArray<{ studyUid: string; modality: string; instances: readonly DicomJson[] }>,
): ReportStudy {
  const own = series.filter((s) => s.studyUid === studyUid);
  const institution = own
    .map((s) => getString(s.instances[0], Tag.InstitutionName))
    .find((name) => name !== undefined && name.trim() !== '');
  return { studyUid, modalities: [...new Set(own.map((s) => s.modality))], institution: institution?.trim() ?? '' };
}

/** Users read the report (radiologists write it); a share's guest reads it unless the share is anonymized. */
export function mayReadReport(session: SessionInfo | null): boolean {
  return session?.kind === 'user' || (session?.kind === 'share' && session.share?.anonymize === false);
}
