import { Readable } from 'node:stream';
import express, { type Request, type Response, type Router } from 'express';
import {
  MAX_SECTION_CHARS,
  REPORT_LANGUAGES,
  REPORT_SECTIONS,
  REPORT_TEMPLATES,
  type ReportDraft,
  type ReportSections,
  type StudyReport,
} from '../../shared/api/reports';
import { getString, type DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { isValidUid } from '../../shared/dicom/uid';
import { AppError } from '../../shared/errors';
import { bodyOf, stringField } from '../api/json-body';
import type { AuditLog } from '../audit/audit-log';
import { recordAction } from '../audit/record-action';
import { requireAction, type UserPrincipal } from '../auth/principal';
import type { ArchiveIndex } from '../index/archive-index';
import { receiveInstance, type IngestDeps } from '../ingest/store-instance';
import { BASIC_TEXT_SR_SOP_CLASS_UID } from '../sr/sr-document';
import { buildReportSr } from './report-sr';
import type { ReportStore } from './report-store';

export interface ReportDeps {
  index: ArchiveIndex;
  reports: ReportStore;
  audit: AuditLog;
  ingest: IngestDeps;
}

/**
 * A study's diagnostic report (issue 12 item 5): GET /api/studies/{study}/report lists its versions;
 * PUT /api/studies/{study}/report/draft saves the draft (after a final version: its amendment);
 * DELETE …/draft drops it; POST /api/studies/{study}/report/final signs the draft and stores it in the
 * study as a Basic Text SR through the archive's own STOW ingest. Writing takes a user account
 * whose role may annotate (radiologist, admin); a share link's guest never writes or signs.
 */
export function reportRoutes(deps: ReportDeps): Router {
  const { reports } = deps;
  const router = express.Router();
  /** Studies being signed now: a second signature waits for the first to be stored. */
  const signing = new Set<string>();

  router.get('/studies/:study/report', (req: Request, res: Response) => {
    const principal = requireAction(res, 'read');
    const studyUid = studyOf(req);
    // A guest sees the signed report of the study its link shows, by its real UID only.
    if (principal.kind === 'share' && (principal.share.studyUid !== studyUid || principal.share.anonymize))
      throw new AppError('NOT_FOUND', 'There is no report of this study.');
    studyJson(studyUid);
    const versions = reports.versions(studyUid).filter((v) => principal.kind === 'user' || v.status !== 'draft');
    res.json({ studyInstanceUID: studyUid, versions } satisfies StudyReport);
  });

  router.put('/studies/:study/report/draft', (req: Request, res: Response) => {
    const principal = writer(res);
    const studyUid = studyOf(req);
    studyJson(studyUid);
    const { version, created } = reports.saveDraft(studyUid, parseDraft(bodyOf(req)), principal.userId);
    recordAction(deps.audit, req, res, {
      action: 'report-save',
      studyUid,
      detail: `report ${version.id} version ${version.version} draft ${created ? 'created' : 'saved'}`,
    });
    res.status(created ? 201 : 200).json(version);
  });

  router.delete('/studies/:study/report/draft', (req: Request, res: Response) => {
    writer(res);
    const studyUid = studyOf(req);
    if (!reports.discardDraft(studyUid)) throw new AppError('NOT_FOUND', 'This study has no report draft.');
    recordAction(deps.audit, req, res, { action: 'report-save', studyUid, detail: 'report draft discarded' });
    res.status(204).end();
  });

  router.post('/studies/:study/report/final', async (req: Request, res: Response) => {
    const principal = writer(res);
    const studyUid = studyOf(req);
    const study = studyJson(studyUid);
    const draft = reports.draft(studyUid);
    if (!draft) throw new AppError('CONFLICT', 'There is no draft to sign: save the report first.');
    const previous = reports.latestFinal(studyUid);
    // Signed for: the organization given, else the one that signed the version amended, else the study's institution.
    const organization = (
      stringField(bodyOf(req), 'organization', { max: 64 }) ??
      previous?.organization ??
      getString(study, Tag.InstitutionName) ??
      ''
    ).trim();
    if (organization === '') throw new AppError('BAD_REQUEST', '"organization" is required: the study names no institution to sign for.');
    if (signing.has(studyUid)) throw new AppError('CONFLICT', 'This report is being signed by another request.');
    signing.add(studyUid);
    try {
      const signedAt = new Date();
      const signer = { name: principal.displayName || principal.username, organization };
      const sr = buildReportSr({
        study,
        language: draft.language,
        sections: draft.sections,
        signer,
        signedAt,
        ...(previous?.sopInstanceUID && previous.seriesInstanceUID
          ? {
              amends: {
                previous: {
                  seriesInstanceUid: previous.seriesInstanceUID,
                  sopClassUid: BASIC_TEXT_SR_SOP_CLASS_UID,
                  sopInstanceUid: previous.sopInstanceUID,
                },
                seriesInstanceUid: previous.seriesInstanceUID,
                version: draft.version,
              },
            }
          : {}),
      });
      // Through the STOW ingest path, so the report is an instance of the study like any other.
      const outcome = await (await receiveInstance(Readable.from([sr.part10]), studyUid, deps.ingest)).complete();
      if (!outcome.ok) throw new AppError('INTERNAL', `The report could not be stored in the study: ${outcome.message}`);
      recordAction(deps.audit, req, res, { action: 'store', studyUid, detail: `report SR ${sr.sopInstanceUid}` });
      const final = reports.finalize(
        draft.id,
        studyUid,
        { signedBy: signer.name, organization, sopUid: sr.sopInstanceUid, seriesUid: sr.seriesInstanceUid, at: signedAt.getTime() },
        principal.userId,
      );
      recordAction(deps.audit, req, res, {
        action: previous ? 'report-amend' : 'report-final',
        studyUid,
        detail: previous
          ? `report version ${final.version} signed as SR ${sr.sopInstanceUid}, amending SR ${previous.sopInstanceUID}`
          : `report version ${final.version} signed as SR ${sr.sopInstanceUid}`,
      });
      res.json(final);
    } finally {
      signing.delete(studyUid);
    }
  });

  function studyJson(studyUid: string): DicomJson {
    const json = deps.index.studyJson(studyUid);
    if (json === undefined) throw new AppError('NOT_FOUND', 'There is no study with this Study Instance UID in the archive.');
    return JSON.parse(json) as DicomJson;
  }

  return router;
}

/** Who may write and sign: a user account whose role annotates (the guest of a consultation link annotates, but never reports). */
function writer(res: Response): UserPrincipal {
  const principal = requireAction(res, 'annotate');
  if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Only a radiologist signed in with an account writes or signs a report.');
  return principal;
}

function studyOf(req: Request): string {
  const uid = req.params.study as string;
  if (!isValidUid(uid)) throw new AppError('INVALID_UID', 'The Study Instance UID is not a valid DICOM UID.');
  return uid;
}

function parseDraft(body: Record<string, unknown>): ReportDraft {
  const template = body.template ?? 'other';
  if (!REPORT_TEMPLATES.includes(template as never))
    throw new AppError('BAD_REQUEST', `"template" must be one of ${REPORT_TEMPLATES.join(', ')}.`);
  const language = body.language ?? 'en';
  if (!REPORT_LANGUAGES.includes(language as never))
    throw new AppError('BAD_REQUEST', `"language" must be one of ${REPORT_LANGUAGES.join(', ')}.`);
  const given = body.sections;
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    throw new AppError('BAD_REQUEST', '"sections" must be an object of texts.');
  const sections: ReportSections = {};
  for (const name of Object.keys(given)) {
    if (!REPORT_SECTIONS.includes(name as never))
      throw new AppError('BAD_REQUEST', `"sections" has no section "${name.slice(0, 40)}"; they are ${REPORT_SECTIONS.join(', ')}.`);
    const text = stringField(given as Record<string, unknown>, name, { max: MAX_SECTION_CHARS })!;
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text))
      throw new AppError('BAD_REQUEST', `The ${name} section contains a control character DICOM text cannot hold.`);
    if (text.trim() !== '') sections[name as keyof ReportSections] = text.normalize('NFC');
  }
  const base = body.baseUpdatedAt;
  if (base !== undefined && base !== null && (typeof base !== 'string' || Number.isNaN(Date.parse(base))))
    throw new AppError('BAD_REQUEST', '"baseUpdatedAt" must be the draft\'s updatedAt (ISO 8601) or null.');
  return {
    template: template as ReportDraft['template'],
    language: language as ReportDraft['language'],
    sections,
    ...(base !== undefined ? { baseUpdatedAt: base as string | null } : {}),
  };
}
