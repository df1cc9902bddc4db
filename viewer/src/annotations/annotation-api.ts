/** The archive's annotation API: /api/studies/{study}/annotations (read needs `read`, changes `annotate`). */
import type { Annotation } from '../../../shared/api/consultations';
import { apiJson } from '../auth/api';

export type { Annotation };

export interface NewAnnotation {
  seriesInstanceUID: string;
  sopInstanceUID: string;
  frame: number;
  kind: string;
  data: unknown;
}

const base = (studyUid: string) => `/api/studies/${encodeURIComponent(studyUid)}/annotations`;

export function listAnnotations(studyUid: string): Promise<Annotation[]> {
  return apiJson<Annotation[]>('GET', base(studyUid));
}

export function createAnnotation(studyUid: string, annotation: NewAnnotation): Promise<Annotation> {
  return apiJson<Annotation>('POST', base(studyUid), annotation);
}

export function updateAnnotation(studyUid: string, id: string, data: unknown): Promise<Annotation> {
  return apiJson<Annotation>('PUT', `${base(studyUid)}/${encodeURIComponent(id)}`, { data });
}

export async function deleteAnnotation(studyUid: string, id: string): Promise<void> {
  await apiJson<void>('DELETE', `${base(studyUid)}/${encodeURIComponent(id)}`);
}
