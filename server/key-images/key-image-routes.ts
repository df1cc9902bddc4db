import express, { type Request, type Response, type Router } from 'express';
import { KEY_IMAGE_TITLES, type KeyImages, type KeyImageTitle, type KeyImageView, type KeyMeasurement } from '../../shared/api/key-images';
import { isValidUid } from '../../shared/dicom/uid';
import { AppError } from '../../shared/errors';
import { bodyOf } from '../api/json-body';
import type { AuditLog } from '../audit/audit-log';
import { recordAction } from '../audit/record-action';
import { requireAction } from '../auth/principal';
import { authorOf, originalStudy, uid } from '../consultation/annotation-routes';
import type { ConsultationStore } from '../consultation/consultation-store';
import { shareViewOf } from '../sharing/share-view';
import type { StudyKeyImages } from './study-key-images';

const MAX_VIEW_BYTES = 32 * 1024;
const MAX_MEASUREMENTS = 50;

/**
 * Key images of a study: GET /api/studies/{study}/key-images (needs `read`); POST (mark a frame,
 * body MarkKeyImage), PUT …/key-images/view (a marked frame's new view), DELETE
 * …/key-images/{sop}/{frame} (unmark) and PUT …/key-images/title need `annotate`, like shared
 * measurements: radiologists, admins, and a share's guest only when the share allows annotating.
 * The set is the study's, not one user's: whoever may annotate may unmark any key image.
 */
export function keyImageRoutes(deps: { keyImages: StudyKeyImages; consultations: ConsultationStore; audit: AuditLog }): Router {
  const router = express.Router();
  const base = '/studies/:study/key-images';

  router.get(base, (req: Request, res: Response) => {
    requireAction(res, 'read');
    res.json(present(res, deps.keyImages.read(originalStudy(req, res))));
  });

  router.post(base, async (req: Request, res: Response) => {
    const principal = requireAction(res, 'annotate');
    const study = originalStudy(req, res);
    const body = bodyOf(req);
    const ref = frameRef(res, body);
    const result = await deps.keyImages.mark(study, ref, viewOf(body.view), authorOf(principal, deps.consultations));
    record(
      req,
      res,
      study,
      `key image ${ref.sopInstanceUid} frame ${ref.frame} marked; key object selection ${result.document?.sopInstanceUID}`,
    );
    res.status(201).json(present(res, result));
  });

  router.put(`${base}/view`, async (req: Request, res: Response) => {
    const principal = requireAction(res, 'annotate');
    const study = originalStudy(req, res);
    const body = bodyOf(req);
    const ref = frameRef(res, body);
    const result = await deps.keyImages.updateView(study, ref, viewOf(body.view), authorOf(principal, deps.consultations));
    res.json(present(res, result));
  });

  router.put(`${base}/title`, async (req: Request, res: Response) => {
    const principal = requireAction(res, 'annotate');
    const study = originalStudy(req, res);
    const title = bodyOf(req).title;
    if (!KEY_IMAGE_TITLES.includes(title as KeyImageTitle))
      throw new AppError('BAD_REQUEST', `"title" must be one of ${KEY_IMAGE_TITLES.join(', ')}.`);
    const result = await deps.keyImages.retitle(study, title as KeyImageTitle, authorOf(principal, deps.consultations));
    record(req, res, study, `key object selection titled ${String(title)}: ${result.document?.sopInstanceUID}`);
    res.json(present(res, result));
  });

  router.delete(`${base}/:sop/:frame`, async (req: Request, res: Response) => {
    const principal = requireAction(res, 'annotate');
    const study = originalStudy(req, res);
    const presented = req.params.sop as string;
    if (!isValidUid(presented)) throw new AppError('INVALID_UID', 'The SOP Instance UID in the path is not a valid DICOM UID.');
    const sopInstanceUid = shareViewOf(res)?.original('instance', presented) ?? presented;
    const frame = frameNumber(Number(req.params.frame));
    const result = await deps.keyImages.unmark(study, { sopInstanceUid, frame }, authorOf(principal, deps.consultations));
    record(
      req,
      res,
      study,
      `key image ${sopInstanceUid} frame ${frame} unmarked; key object selection ${result.document?.sopInstanceUID ?? 'removed'}`,
    );
    res.json(present(res, result));
  });

  function record(req: Request, res: Response, studyUid: string, detail: string): void {
    recordAction(deps.audit, req, res, { action: 'annotate', studyUid, detail });
  }

  return router;
}

function frameRef(res: Response, body: Record<string, unknown>) {
  const view = shareViewOf(res);
  const series = uid(body, 'seriesInstanceUID');
  const sop = uid(body, 'sopInstanceUID');
  return {
    seriesInstanceUid: view ? view.original('series', series) : series,
    sopInstanceUid: view ? view.original('instance', sop) : sop,
    frame: frameNumber(body.frame ?? 1),
  };
}

function frameNumber(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new AppError('BAD_REQUEST', '"frame" must be a frame number from 1.');
  return value;
}

/** The view as the viewer sends it, checked field by field (it is drawn on every user's print sheet). */
function viewOf(value: unknown): KeyImageView {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new AppError('BAD_REQUEST', '"view" must be an object.');
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_VIEW_BYTES)
    throw new AppError('PAYLOAD_TOO_LARGE', `A key image's view is at most ${MAX_VIEW_BYTES / 1024} KiB.`);
  const v = value as Record<string, unknown>;
  const num = (name: string) => {
    if (typeof v[name] !== 'number' || !Number.isFinite(v[name])) throw new AppError('BAD_REQUEST', `"view.${name}" must be a number.`);
    return v[name] as number;
  };
  const bool = (name: string) => {
    if (typeof v[name] !== 'boolean') throw new AppError('BAD_REQUEST', `"view.${name}" must be true or false.`);
    return v[name] as boolean;
  };
  const list = v.measurements ?? [];
  if (!Array.isArray(list) || list.length > MAX_MEASUREMENTS)
    throw new AppError('BAD_REQUEST', `"view.measurements" must be a list of at most ${MAX_MEASUREMENTS} measurements.`);
  return {
    windowWidth: num('windowWidth'),
    windowCenter: num('windowCenter'),
    invert: bool('invert'),
    rotation: num('rotation'),
    hflip: bool('hflip'),
    vflip: bool('vflip'),
    measurements: list.map(measurementOf),
  };
}

function measurementOf(value: unknown): KeyMeasurement {
  const m = (value ?? {}) as Record<string, unknown>;
  const bad = () => new AppError('BAD_REQUEST', 'A measurement of "view.measurements" needs a tool, point handles and text lines.');
  if (typeof m.tool !== 'string' || !/^[A-Za-z][A-Za-z0-9]{0,31}$/.test(m.tool)) throw bad();
  if (m.handles === null || typeof m.handles !== 'object' || Array.isArray(m.handles)) throw bad();
  const handles: KeyMeasurement['handles'] = {};
  for (const [name, point] of Object.entries(m.handles as Record<string, unknown>)) {
    const p = point as { x?: unknown; y?: unknown } | null;
    if (!Number.isFinite(p?.x) || !Number.isFinite(p?.y)) throw bad();
    handles[name.slice(0, 32)] = { x: p!.x as number, y: p!.y as number };
  }
  if (!Array.isArray(m.text) || !m.text.every((line) => typeof line === 'string')) throw bad();
  return { tool: m.tool, handles, text: (m.text as string[]).map((line) => line.slice(0, 200)) };
}

/** Replacement UIDs for a guest of an anonymized share. */
function present(res: Response, keyImages: KeyImages): KeyImages {
  const view = shareViewOf(res);
  if (!view) return keyImages;
  const uid = (u: string) => view.presented(u);
  return {
    document: keyImages.document && {
      ...keyImages.document,
      sopInstanceUID: uid(keyImages.document.sopInstanceUID),
      seriesInstanceUID: uid(keyImages.document.seriesInstanceUID),
    },
    images: keyImages.images
      .filter((k) => !view.share.seriesUids || view.share.seriesUids.includes(k.seriesInstanceUID))
      .map((k) => ({ ...k, seriesInstanceUID: uid(k.seriesInstanceUID), sopInstanceUID: uid(k.sopInstanceUID) })),
  };
}
