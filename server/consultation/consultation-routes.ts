import { Readable } from 'node:stream';
import express, { type Request, type Response, type Router } from 'express';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { AppError } from '../../shared/errors';
import { bodyOf, stringField } from '../api/json-body';
import { recordAction } from '../audit/record-action';
import type { AccessContext } from '../auth/access-context';
import { requireAction, requirePrincipal, type Principal, type SharePrincipal } from '../auth/principal';
import type { ArchiveIndex } from '../index/archive-index';
import { receiveInstance, type IngestDeps } from '../ingest/store-instance';
import { parseNewShare, shareUrl } from '../sharing/share-routes';
import { shareViewOf } from '../sharing/share-view';
import { URGENCIES, type Consultation, type ConsultationStatus, type ConsultationStore, type Urgency } from './consultation-store';
import { buildOpinionSr } from './opinion-sr';

export interface ConsultationDeps {
  ctx: AccessContext;
  index: ArchiveIndex;
  consultations: ConsultationStore;
  ingest: IngestDeps;
}

const OPEN: readonly ConsultationStatus[] = ['requested', 'viewed'];

/**
 * Remote consultation (issue 5): POST /api/consultations asks a named specialist a question
 * about a study and makes the share link they open; the specialist (the guest of that link)
 * reads GET /api/consultations/{id} and answers with POST /api/consultations/{id}/opinion, which
 * also stores the opinion in the study as a Basic Text SR through the archive's own STOW ingest;
 * the requester follows GET /api/consultations and closes with POST /api/consultations/{id}/close.
 */
export function consultationRoutes(deps: ConsultationDeps): Router {
  const { ctx, consultations } = deps;
  const router = express.Router();
  const audit = (
    req: Request,
    res: Response,
    action: 'consultation-request' | 'consultation-view' | 'consultation-answer' | 'consultation-close' | 'store',
    studyUid: string,
    detail: string,
  ) => recordAction(ctx.audit, req, res, { action, studyUid, detail });

  router.post('/consultations', async (req: Request, res: Response) => {
    const principal = requireAction(res, 'share');
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN');
    const body = bodyOf(req);
    const specialist = body.specialist;
    if (specialist === null || typeof specialist !== 'object' || Array.isArray(specialist))
      throw new AppError('BAD_REQUEST', '"specialist" must be an object with a name.');
    const person = specialist as Record<string, unknown>;
    const name = text(person, 'name', 64, true);
    const question = text(body, 'question', 8000, true);
    const urgency = (body.urgency ?? 'routine') as Urgency;
    if (!URGENCIES.includes(urgency)) throw new AppError('BAD_REQUEST', `"urgency" must be one of ${URGENCIES.join(', ')}.`);
    const input = await parseNewShare(body, principal.userId, deps);
    // The share and its consultation are made together or not at all.
    let made: { consultation: Consultation; token: string; shareId: string; expiresAt: string } | undefined;
    const requesterInstitution = text(body, 'requesterInstitution', 64, false);
    const details = { name, institution: text(person, 'institution', 64, false), contact: text(person, 'contact', 128, false) };
    consultations.transaction(() => {
      const { token, share } = ctx.shares.create(input);
      const consultation = consultations.create({
        studyUid: input.studyUid,
        shareId: share.id,
        requestedBy: principal.userId,
        requesterInstitution,
        specialist: details,
        question,
        urgency,
      });
      made = { consultation, token, shareId: share.id, expiresAt: share.expiresAt };
    });
    const { consultation, token, shareId, expiresAt } = made!;
    audit(req, res, 'consultation-request', input.studyUid, `consultation ${consultation.id} (${urgency}) through share ${shareId}`);
    recordAction(ctx.audit, req, res, {
      action: 'share-create',
      studyUid: input.studyUid,
      detail: `share ${shareId} for consultation ${consultation.id}`,
    });
    res.status(201).json({ consultation, share: { id: shareId, url: shareUrl(ctx.publicUrl(), token), token, expiresAt } });
  });

  router.get('/consultations', (req: Request, res: Response) => {
    const principal = requirePrincipal(res);
    const status = String(req.query.status ?? 'all');
    const statuses =
      status === 'open'
        ? OPEN
        : status === 'all'
          ? undefined
          : status.split(',').filter((s): s is ConsultationStatus => ['requested', 'viewed', 'answered', 'closed'].includes(s));
    if (principal.kind === 'share') {
      const own = principal.share.consultationId === undefined ? undefined : consultations.get(principal.share.consultationId);
      return void res.json(own ? [present(res, own)] : []);
    }
    requireAction(res, 'search');
    const all = req.query.all === 'true' && principal.role === 'admin';
    const study = typeof req.query.study === 'string' ? req.query.study : undefined;
    res.json(consultations.list({ requestedBy: all ? undefined : principal.userId, studyUid: study, statuses }));
  });

  router.get('/consultations/:id', (req: Request, res: Response) => {
    const principal = requirePrincipal(res);
    const consultation = visible(principal, req.params.id as string);
    if (principal.kind === 'share' && consultations.markViewed(consultation.id))
      audit(req, res, 'consultation-view', consultation.studyInstanceUID, `consultation ${consultation.id} viewed`);
    res.json(present(res, consultations.get(consultation.id)!));
  });

  router.post('/consultations/:id/opinion', async (req: Request, res: Response) => {
    const principal = requireAction(res, 'answer');
    const consultation = visible(principal, req.params.id as string);
    if (principal.kind !== 'share')
      throw new AppError('FORBIDDEN', 'Only the consulted specialist answers, through the consultation link.');
    if (consultation.status === 'closed') throw new AppError('CONFLICT', 'This consultation is closed.');
    const body = bodyOf(req);
    const opinion = stringField(body, 'opinion', { required: true, max: 64 * 1024 })!;
    if (opinion.trim() === '') throw new AppError('BAD_REQUEST', '"opinion" must not be empty.');
    const author = text(body, 'authorName', 64, false) || consultation.specialist.name;
    const institution = text(body, 'authorInstitution', 64, false) || consultation.specialist.institution;
    const studyJson = deps.index.studyJson(consultation.studyInstanceUID);
    if (studyJson === undefined) throw new AppError('CONFLICT', 'The study is no longer in the archive.');
    const sr = buildOpinionSr({
      study: JSON.parse(studyJson) as DicomJson,
      consultationId: consultation.id,
      question: consultation.question,
      opinion,
      author: {
        name: author,
        ...(institution ? { institution } : {}),
        ...(consultation.specialist.contact ? { contact: consultation.specialist.contact } : {}),
      },
      requester: {
        name: consultation.requestedBy,
        ...(consultation.requesterInstitution ? { institution: consultation.requesterInstitution } : {}),
      },
      urgency: consultation.urgency,
      completedAt: new Date(),
    });
    // Through the STOW ingest path, so the opinion is an instance of the study like any other.
    const outcome = await (await receiveInstance(Readable.from([sr.part10]), consultation.studyInstanceUID, deps.ingest)).complete();
    if (!outcome.ok) throw new AppError('INTERNAL', `The opinion could not be stored in the study: ${outcome.message}`);
    audit(req, res, 'store', consultation.studyInstanceUID, `opinion SR ${sr.sopInstanceUid} of consultation ${consultation.id}`);
    const answered = consultations.answer(consultation.id, opinion, author, sr.sopInstanceUid);
    audit(req, res, 'consultation-answer', consultation.studyInstanceUID, `consultation ${consultation.id} answered`);
    res.json(present(res, answered));
  });

  router.post('/consultations/:id/close', (req: Request, res: Response) => {
    const principal = requireAction(res, 'share');
    const consultation = visible(principal, req.params.id as string);
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN');
    // Closing ends the specialist's access too.
    ctx.shares.revoke(consultation.shareId, undefined);
    const closed = consultations.close(consultation.id);
    audit(
      req,
      res,
      'consultation-close',
      consultation.studyInstanceUID,
      `consultation ${consultation.id} closed; share ${consultation.shareId} revoked`,
    );
    res.json(closed);
  });

  /** The consultation if this principal may see it: its requester, an admin, or its specialist. Otherwise 404. */
  function visible(principal: Principal, id: string): Consultation {
    const consultation = consultations.get(id);
    const allowed =
      consultation !== undefined &&
      (principal.kind === 'share'
        ? principal.share.consultationId === id
        : principal.role === 'admin' || (consultations.requesterOf(id) === principal.userId && !principal.mustChangePassword));
    if (!allowed) throw new AppError('NOT_FOUND', 'There is no such consultation.');
    return consultation;
  }

  return router;
}

/** A guest of an anonymized share sees the study by its replacement UID, and not the requester's account name. */
function present(res: Response, consultation: Consultation): Consultation {
  const view = shareViewOf(res);
  if (!view) return consultation;
  return {
    ...consultation,
    studyInstanceUID: view.presented(consultation.studyInstanceUID),
    requestedBy: '',
    opinionSopInstanceUID: consultation.opinionSopInstanceUID && view.presented(consultation.opinionSopInstanceUID),
  };
}

/** When a guest opens a consultation's link, the consultation has been viewed. */
export function consultationViewed(deps: Pick<ConsultationDeps, 'ctx' | 'consultations'>) {
  return (principal: SharePrincipal, req: Request, res: Response): void => {
    const id = principal.share.consultationId;
    if (id === undefined || !deps.consultations.markViewed(id)) return;
    recordAction(
      deps.ctx.audit,
      req,
      res,
      { action: 'consultation-view', studyUid: principal.share.studyUid, detail: `consultation ${id} viewed` },
      principal,
    );
  };
}

function text(body: Record<string, unknown>, name: string, max: number, required: boolean): string {
  const value = stringField(body, name, { required, max });
  if (value !== undefined && /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(value))
    throw new AppError('BAD_REQUEST', `"${name}" must not contain control characters.`);
  const trimmed = (value ?? '').trim();
  if (required && trimmed === '') throw new AppError('BAD_REQUEST', `"${name}" must not be empty.`);
  return trimmed;
}
