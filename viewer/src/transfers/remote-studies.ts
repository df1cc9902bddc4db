import type { DicomJson } from '../../../shared/dicom/dicom-json';
import { DICOM_JSON } from '../../../shared/dicomweb/media-types';
import { fetchOk } from '../dicomweb/base';
import { studyQueryParams, toStudySummary, type StudyQuery, type StudyResults } from '../dicomweb/search';

/**
 * Search for Studies on a peer archive, through our archive (GET /api/peers/{id}/studies, a QIDO-RS
 * proxy), so that the browser never holds the peer's credentials. Same query and answer as the
 * local search.
 */
export async function searchPeerStudies(peerId: string, query: StudyQuery, signal?: AbortSignal): Promise<StudyResults> {
  const res = await fetchOk(`/api/peers/${encodeURIComponent(peerId)}/studies?${studyQueryParams(query)}`, {
    headers: { accept: DICOM_JSON },
    credentials: 'same-origin',
    signal,
  });
  const text = await res.text();
  const items = (text ? JSON.parse(text) : []) as DicomJson[];
  // A peer may cap its answers without a Warning header: a full page means there may be more.
  return { studies: items.map(toStudySummary), hasMore: res.headers.has('warning') || items.length >= query.limit };
}
