/**
 * The archive's consultation API (/api/consultations): a radiologist asks a named specialist a
 * question about a study through a share link; the specialist, as that link's guest, answers.
 */
import { URGENCIES, type Consultation, type ConsultationStatus, type Specialist, type Urgency } from '../../../shared/api/consultations';
import { apiJson } from '../auth/api';

export { URGENCIES, type Consultation, type ConsultationStatus, type Specialist, type Urgency };

export interface NewConsultation {
  studyInstanceUID: string;
  specialist: { name: string; institution?: string; contact?: string };
  question: string;
  urgency: Urgency;
  requesterInstitution?: string;
  expiresInHours: number;
  anonymize: boolean;
  pin?: string;
}

/** POST /api/consultations's answer: the consultation and its link, shown once. */
export interface RequestedConsultation {
  consultation: Consultation;
  share: { id: string; url: string; token: string; expiresAt: string };
}

export interface Opinion {
  opinion: string;
  authorName?: string;
  authorInstitution?: string;
}

const path = (id: string, action = '') => `/api/consultations/${encodeURIComponent(id)}${action}`;

export function requestConsultation(request: NewConsultation): Promise<RequestedConsultation> {
  return apiJson<RequestedConsultation>('POST', '/api/consultations', request);
}

/** The caller's open and answered consultations (closed ones are done with). */
export function listActiveConsultations(): Promise<Consultation[]> {
  return apiJson<Consultation[]>('GET', '/api/consultations?status=requested,viewed,answered');
}

export function getConsultation(id: string): Promise<Consultation> {
  return apiJson<Consultation>('GET', path(id));
}

export function answerConsultation(id: string, opinion: Opinion): Promise<Consultation> {
  return apiJson<Consultation>('POST', path(id, '/opinion'), opinion);
}

/** Closes the consultation; the archive revokes its link too. */
export function closeConsultation(id: string): Promise<Consultation> {
  return apiJson<Consultation>('POST', path(id, '/close'));
}
