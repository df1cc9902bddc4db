import express, { type Request, type Response, type Router } from 'express';
import { isValidUid } from '../../shared/dicom/uid';
import { AppError } from '../../shared/errors';
import { bodyOf, stringField } from '../api/json-body';
import type { AuditLog } from '../audit/audit-log';
import { recordAction } from '../audit/record-action';
import { requireAction, type Principal } from '../auth/principal';
import type { ArchiveIndex } from '../index/archive-index';
import { shareViewOf } from '../sharing/share-view';
import { authorKeyOf, type Annotation, type AnnotationAuthor, type AnnotationStore } from './annotation-store';
import type { ConsultationStore } from './consultation-store';

const MAX_DATA_BYTES = 32 * 1024;

/**
 * Annotations of a study, shared between host and consultant: GET / POST
 * /api/studies/{study}/annotations, PUT / DELETE /api/studies/{study}/annotations/{id}. Reading
 * needs `read`, writing `annotate` (radiologists, admins, a consultation's specialist); only the
 * author changes or deletes an annotation (an admin may delete any). A share link sees and writes
 * the annotations of its own study only, by the UIDs it was shown.
 */
export function annotationRoutes(deps: {
  index: ArchiveIndex;
  annotations: AnnotationStore;
  consultations: ConsultationStore;
  audit: AuditLog;
}): Router {
  const router = express.Router();
  const base = '/studies/:study/annotations';

  router.get(base, (req: Request, res: Response) => {
    requireAction(res, 'read');
    const study = originalStudy(req, res);
    const shared = shareViewOf(res)?.share.seriesUids;
    res.json(
      deps.annotations
        .list(study)
        .filter((a) => !shared || shared.includes(a.seriesInstanceUID))
        .map((a) => present(res, a)),
    );
  });

  router.post(base, (req: Request, res: Response) => {
    const principal = requireAction(res, 'annotate');
    const study = originalStudy(req, res);
    const body = bodyOf(req);
    const view = shareViewOf(res);
    const series = uid(body, 'seriesInstanceUID');
    const sop = uid(body, 'sopInstanceUID');
    const seriesUid = view ? view.original('series', series) : series;
    const sopUid = view ? view.original('instance', sop) : sop;
    if (deps.index.findInstances(study, seriesUid, sopUid).length === 0) throw new AppError('NOT_FOUND', 'No such instance in this study.');
    const frame = body.frame ?? 1;
    if (typeof frame !== 'number' || !Number.isInteger(frame) || frame < 1)
      throw new AppError('BAD_REQUEST', '"frame" must be a frame number from 1.');
    const kind = stringField(body, 'kind', { required: true, max: 32 })!;
    if (!/^[a-z][a-z0-9-]*$/i.test(kind)) throw new AppError('BAD_REQUEST', '"kind" must be a tool name such as length or arrow.');
    const created = deps.annotations.create({
      studyUid: study,
      seriesUid,
      sopUid,
      frame,
      kind,
      data: dataOf(body),
      author: authorOf(principal, deps.consultations),
    });
    record(req, res, study, `annotation ${created.id} added (${kind})`);
    res.status(201).json(present(res, created));
  });

  router.put(`${base}/:id`, (req: Request, res: Response) => {
    const principal = requireAction(res, 'annotate');
    const study = originalStudy(req, res);
    const existing = own(deps.annotations.get(study, req.params.id as string), principal, deps.consultations, false);
    const updated = deps.annotations.update(study, existing.id, dataOf(bodyOf(req)));
    record(req, res, study, `annotation ${existing.id} changed`);
    res.json(present(res, updated));
  });

  router.delete(`${base}/:id`, (req: Request, res: Response) => {
    const principal = requireAction(res, 'annotate');
    const study = originalStudy(req, res);
    const existing = own(deps.annotations.get(study, req.params.id as string), principal, deps.consultations, true);
    deps.annotations.delete(study, existing.id);
    record(req, res, study, `annotation ${existing.id} deleted`);
    res.status(204).end();
  });

  function record(req: Request, res: Response, studyUid: string, detail: string): void {
    recordAction(deps.audit, req, res, { action: 'annotate', studyUid, detail });
  }

  return router;
}

export function originalStudy(req: Request, res: Response): string {
  const presented = req.params.study as string;
  if (!isValidUid(presented)) throw new AppError('INVALID_UID', 'The Study Instance UID in the path is not a valid DICOM UID.');
  return shareViewOf(res)?.original('study', presented) ?? presented;
}

export function uid(body: Record<string, unknown>, name: string): string {
  const value = stringField(body, name, { required: true, max: 64 })!;
  if (!isValidUid(value)) throw new AppError('INVALID_UID', `"${name}" is not a valid DICOM UID.`);
  return value;
}

function dataOf(body: Record<string, unknown>): string {
  if (body.data === undefined) throw new AppError('BAD_REQUEST', '"data" is required.');
  const text = JSON.stringify(body.data);
  if (Buffer.byteLength(text) > MAX_DATA_BYTES)
    throw new AppError('PAYLOAD_TOO_LARGE', `An annotation's data is at most ${MAX_DATA_BYTES / 1024} KiB.`);
  return text;
}

export function authorOf(principal: Principal, consultations: ConsultationStore): AnnotationAuthor {
  if (principal.kind === 'user') return { userId: principal.userId, name: principal.displayName || principal.username };
  const consultation = principal.share.consultationId === undefined ? undefined : consultations.get(principal.share.consultationId);
  return { shareId: principal.share.id, name: consultation?.specialist.name ?? 'Guest' };
}

function own(
  annotation: (Annotation & { authorKey: string }) | undefined,
  principal: Principal,
  consultations: ConsultationStore,
  adminMay: boolean,
): Annotation {
  if (!annotation) throw new AppError('NOT_FOUND', 'There is no such annotation.');
  const mine = annotation.authorKey === authorKeyOf(authorOf(principal, consultations));
  if (!mine && !(adminMay && principal.kind === 'user' && principal.role === 'admin'))
    throw new AppError('FORBIDDEN', 'Only its author can change this annotation.');
  return annotation;
}

/** The annotation as the caller sees it: replacement UIDs for an anonymized share, and whether it is the caller's. */
function present(res: Response, annotation: Annotation & { authorKey: string }): Annotation & { mine: boolean } {
  const { authorKey, ...rest } = annotation;
  const principal = res.locals.principal as Principal;
  const key = principal.kind === 'user' ? `user:${principal.userId}` : `share:${principal.share.id}`;
  const view = shareViewOf(res);
  const uid = (u: string) => view?.presented(u) ?? u;
  return {
    ...rest,
    studyInstanceUID: uid(rest.studyInstanceUID),
    seriesInstanceUID: uid(rest.seriesInstanceUID),
    sopInstanceUID: uid(rest.sopInstanceUID),
    mine: authorKey === key,
  };
}
