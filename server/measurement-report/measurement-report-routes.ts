import express, { type Request, type Response, type Router } from 'express';
import {
  REPORTED_TOOLS,
  type ReportedMeasurement,
  type ReportedTool,
  type SavedMeasurementReport,
} from '../../shared/api/measurement-report';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { getNumber } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { AppError } from '../../shared/errors';
import { bodyOf } from '../api/json-body';
import type { AuditLog } from '../audit/audit-log';
import { recordAction } from '../audit/record-action';
import { requireAction } from '../auth/principal';
import { authorOf, originalStudy, uid } from '../consultation/annotation-routes';
import type { ConsultationStore } from '../consultation/consultation-store';
import type { ArchiveIndex } from '../index/archive-index';
import type { IngestDeps } from '../ingest/store-instance';
import { shareViewOf } from '../sharing/share-view';
import { instanceJson, PerStudyQueue, replaceVersions, storedVersions } from '../sr/document-versions';
import {
  buildMeasurementReport,
  COMPREHENSIVE_SR_SOP_CLASS_UID,
  MEASUREMENT_SERIES_DESCRIPTION,
  MEASUREMENT_SERIES_NUMBER,
  type MeasuredImage,
} from './measurement-report-sr';

const MAX_MEASUREMENTS = 500;
const SERIES = {
  sopClassUid: COMPREHENSIVE_SR_SOP_CLASS_UID,
  seriesNumber: MEASUREMENT_SERIES_NUMBER,
  seriesDescription: MEASUREMENT_SERIES_DESCRIPTION,
};

/**
 * POST /api/studies/{study}/measurement-report (`annotate`): the measurements the viewer sends
 * become the study's TID 1500 measurement report, a Comprehensive SR in our "Measurement report"
 * series. One current version per study, like the key object selection: the new one is stored
 * through the STOW ingest, then the one before it is deleted.
 */
export function measurementReportRoutes(deps: {
  index: ArchiveIndex;
  ingest: IngestDeps;
  consultations: ConsultationStore;
  audit: AuditLog;
}): Router {
  const router = express.Router();
  const queue = new PerStudyQueue();

  router.post('/studies/:study/measurement-report', async (req: Request, res: Response) => {
    const principal = requireAction(res, 'annotate');
    const study = originalStudy(req, res);
    const list = bodyOf(req).measurements;
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_MEASUREMENTS)
      throw new AppError('BAD_REQUEST', `"measurements" must list 1 to ${MAX_MEASUREMENTS} measurements.`);
    const view = shareViewOf(res);
    const measurements = list.map((value) => {
      const measurement = measurementOf(value);
      const seriesUid = view ? view.original('series', measurement.seriesInstanceUID) : measurement.seriesInstanceUID;
      const sopUid = view ? view.original('instance', measurement.sopInstanceUID) : measurement.sopInstanceUID;
      const instance = deps.index.findInstances(study, seriesUid, sopUid)[0];
      if (!instance) throw new AppError('NOT_FOUND', 'A measurement is on an instance that is not in this study.');
      const frames = getNumber(instanceJson(deps.index, study, seriesUid, sopUid), Tag.NumberOfFrames) ?? 1;
      if (measurement.frame > frames)
        throw new AppError('BAD_REQUEST', `A measurement is on frame ${measurement.frame} of a ${frames}-frame image.`);
      const image: MeasuredImage = {
        seriesInstanceUid: seriesUid,
        sopInstanceUid: sopUid,
        sopClassUid: instance.sopClassUid,
        frame: measurement.frame,
      };
      return { measurement, image };
    });
    const report = await queue.run(study, async () => {
      const studyJson = deps.index.studyJson(study);
      if (studyJson === undefined) throw new AppError('NOT_FOUND', 'The study is no longer in the archive.');
      const older = storedVersions(deps.index, study, SERIES);
      const newest = older[0];
      const next = buildMeasurementReport({
        study: JSON.parse(studyJson) as DicomJson,
        measurements,
        observer: authorOf(principal, deps.consultations).name,
        createdAt: new Date(),
        ...(newest ? { series: { uid: newest.seriesUid, instanceNumber: (getNumber(newest.ds, Tag.InstanceNumber) ?? 0) + 1 } } : {}),
      });
      await replaceVersions(deps, study, next.part10, older);
      return next;
    });
    recordAction(deps.audit, req, res, {
      action: 'store',
      studyUid: study,
      detail: `measurement report SR ${report.sopInstanceUid} (${measurements.length} measurements)`,
    });
    const saved: SavedMeasurementReport = {
      sopInstanceUID: view?.presented(report.sopInstanceUid) ?? report.sopInstanceUid,
      seriesInstanceUID: view?.presented(report.seriesInstanceUid) ?? report.seriesInstanceUid,
      measurements: measurements.length,
    };
    res.status(201).json(saved);
  });

  return router;
}

function measurementOf(value: unknown): ReportedMeasurement {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new AppError('BAD_REQUEST', 'Each measurement must be an object.');
  const m = value as Record<string, unknown>;
  if (!REPORTED_TOOLS.includes(m.tool as ReportedTool))
    throw new AppError('BAD_REQUEST', `"tool" must be one of ${REPORTED_TOOLS.join(', ')}.`);
  const frame = m.frame ?? 1;
  if (typeof frame !== 'number' || !Number.isInteger(frame) || frame < 1)
    throw new AppError('BAD_REQUEST', '"frame" must be a frame number from 1.');
  if (m.handles === null || typeof m.handles !== 'object' || Array.isArray(m.handles))
    throw new AppError('BAD_REQUEST', '"handles" must map handle names to points.');
  const handles: ReportedMeasurement['handles'] = {};
  for (const [name, point] of Object.entries(m.handles as Record<string, unknown>)) {
    const p = point as { x?: unknown; y?: unknown } | null;
    if (typeof p?.x !== 'number' || typeof p.y !== 'number' || !Number.isFinite(p.x) || !Number.isFinite(p.y))
      throw new AppError('BAD_REQUEST', `Handle "${name.slice(0, 32)}" must have finite x and y.`);
    handles[name.slice(0, 32)] = { x: p.x, y: p.y };
  }
  const number = (name: string, from: Record<string, unknown> = m) => {
    const v = from[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new AppError('BAD_REQUEST', `"${name}" must be a number.`);
    return v;
  };
  const stats = m.cachedStats;
  if (stats !== undefined && (stats === null || typeof stats !== 'object'))
    throw new AppError('BAD_REQUEST', '"cachedStats" must be an object.');
  const s = (stats ?? {}) as Record<string, unknown>;
  const cachedStats = Object.fromEntries(
    ['area', 'perimeter', 'mean', 'stdDev', 'min', 'max'].flatMap((k) => (number(k, s) === undefined ? [] : [[k, number(k, s)!]])),
  );
  // The adapter writes an arrow's text as a Code Meaning (LO): at most 64 characters, no backslash.
  if (m.text !== undefined && (typeof m.text !== 'string' || [...m.text].length > 64 || /[\\\u0000-\u001f]/.test(m.text)))
    throw new AppError('BAD_REQUEST', '"text" must be at most 64 characters, without backslash or control characters.');
  const length = number('length');
  const rAngle = number('rAngle');
  return {
    seriesInstanceUID: uid(m, 'seriesInstanceUID'),
    sopInstanceUID: uid(m, 'sopInstanceUID'),
    frame,
    tool: m.tool as ReportedTool,
    handles,
    ...(length !== undefined ? { length } : {}),
    ...(rAngle !== undefined ? { rAngle } : {}),
    ...(typeof m.text === 'string' ? { text: m.text } : {}),
    ...(Object.keys(cachedStats).length > 0 ? { cachedStats } : {}),
  };
}
