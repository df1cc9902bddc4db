/** Consultations and annotations as /api speaks of them (server/consultation, viewer/src/consultation, viewer/src/annotations). */
export const URGENCIES = ['routine', 'urgent', 'emergency'] as const;
export type Urgency = (typeof URGENCIES)[number];
export type ConsultationStatus = 'requested' | 'viewed' | 'answered' | 'closed';

export interface Specialist {
  name: string;
  institution: string;
  contact: string;
}

export interface Consultation {
  id: string;
  studyInstanceUID: string;
  shareId: string;
  requestedBy: string;
  requesterInstitution: string;
  specialist: Specialist;
  question: string;
  urgency: Urgency;
  status: ConsultationStatus;
  requestedAt: string;
  viewedAt: string | null;
  answeredAt: string | null;
  closedAt: string | null;
  opinion: string | null;
  opinionAuthor: string | null;
  /** The Basic Text SR the opinion was stored as, in the study. */
  opinionSopInstanceUID: string | null;
}

/**
 * A measurement or mark on an image, keyed by Study/Series/SOP Instance UID and frame (never by
 * image-loader URLs, which differ between host and guest). `data` is the viewer's own
 * description of the mark (handles in image pixels, text).
 */
export interface Annotation {
  id: string;
  studyInstanceUID: string;
  seriesInstanceUID: string;
  sopInstanceUID: string;
  frame: number;
  kind: string;
  data: unknown;
  author: { name: string; kind: 'user' | 'share' };
  createdAt: string;
  updatedAt: string;
  /** Made by the caller: only these may be changed or deleted. */
  mine: boolean;
}
