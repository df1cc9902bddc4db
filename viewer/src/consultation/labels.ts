/** Consultation status and urgency in the user's language. */
import { translator } from '../i18n/i18n';
import type { ConsultationStatus, Urgency } from './consultation-api';
import { consultationMessages } from './messages';

const t = translator(consultationMessages);

const STATUS_KEYS = { requested: 'statusRequested', viewed: 'statusViewed', answered: 'statusAnswered', closed: 'statusClosed' } as const;
const URGENCY_KEYS = { routine: 'urgencyRoutine', urgent: 'urgencyUrgent', emergency: 'urgencyEmergency' } as const;

export function statusLabel(status: ConsultationStatus): string {
  return t(STATUS_KEYS[status]);
}

export function urgencyLabel(urgency: Urgency): string {
  return t(URGENCY_KEYS[urgency]);
}
