/**
 * The series list (QIDO-RS) and the metadata (WADO-RS) of the study a page load opens at
 * `/viewer?StudyInstanceUIDs=…`, asked for by main.ts as the app starts, side by side with the
 * session and the viewer's code instead of after both: over a 4 Mbit/s, 100 ms link the first
 * frame's request went out 0.11–0.15 s sooner in the thin-link benchmark (issue 11). The viewer
 * takes them once; one that failed (a 401 before signing in, a network error) is asked for
 * again, so a later visit, a share link's guest and a sign-in on the way all end in the
 * ordinary requests.
 */
import type { DicomJson } from '../../../shared/dicom/dicom-json';
import { retrieveStudyMetadata } from '../dicomweb/retrieve';
import { searchForSeries } from '../dicomweb/search';

/** What the viewer needs of a study before it can build its series. */
export interface StudyData {
  series: Promise<DicomJson[]>;
  metadata: Promise<DicomJson[]>;
}

/** Study Instance UID → requests made at start, until the viewer takes them. */
const early = new Map<string, StudyData>();

/** Most studies one viewer opens side by side (a current and its priors). */
export const MAX_VIEWED_STUDIES = 4;

/**
 * The studies a viewer URL opens, `StudyInstanceUIDs=uid1,uid2` (OHIF's URL convention): the
 * first is the current study, the others its priors; repeats and empty items are dropped.
 */
export function viewedStudyUids(url: URL): string[] {
  const uids = (url.searchParams.get('StudyInstanceUIDs') ?? '').split(',').map((uid) => uid.trim());
  return [...new Set(uids.filter(Boolean))].slice(0, MAX_VIEWED_STUDIES);
}

/** The current study of a viewer URL: the first of its `StudyInstanceUIDs`. */
export function viewedStudyUid(url: URL): string | undefined {
  return viewedStudyUids(url)[0];
}

/** At start: when the page opens the viewer on studies, asks the archive for their data now. */
export function requestStudyDataEarly(url: URL): void {
  if (url.pathname !== '/viewer') return;
  for (const studyUid of viewedStudyUids(url)) {
    const data: StudyData = { series: searchForSeries(studyUid), metadata: retrieveStudyMetadata(studyUid) };
    // Never taken (the visitor goes elsewhere) or failed: no unhandled rejection.
    data.series.catch(() => undefined);
    data.metadata.catch(() => undefined);
    early.set(studyUid, data);
  }
}

/** The study's data: the requests made at start if there were any (once), else new ones. */
export function studyData(studyUid: string): StudyData {
  const taken = early.get(studyUid);
  early.delete(studyUid);
  return {
    series: orAskAgain(taken?.series, () => searchForSeries(studyUid)),
    metadata: orAskAgain(taken?.metadata, () => retrieveStudyMetadata(studyUid)),
  };
}

async function orAskAgain<T>(started: Promise<T> | undefined, ask: () => Promise<T>): Promise<T> {
  if (started) {
    try {
      return await started;
    } catch {
      // e.g. 401 before signing in: the session may be there now
    }
  }
  return ask();
}
