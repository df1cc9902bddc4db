import express, { type Request, type Response, type Router } from 'express';
import { isValidUid } from '../../shared/dicom/uid';
import { AppError } from '../../shared/errors';
import { booleanField, bodyOf, stringField } from '../api/json-body';
import { recordAction } from '../audit/record-action';
import type { AccessContext } from '../auth/access-context';
import { checkPin, refusedShareUse } from '../auth/authenticate';
import { clientAddress } from '../auth/client-address';
import { hashPassword } from '../auth/password-hash';
import { requireAction, type SharePrincipal } from '../auth/principal';
import { sessionCookie, setSessionCookie } from '../auth/session-cookie';
import { USER_SESSION_MS } from '../auth/session-store';
import { sessionView } from '../auth/session-view';
import type { ArchiveIndex } from '../index/archive-index';
import type { NewShare, SharePermission } from './share-store';
import type { ShareViews } from './share-view';

export const DEFAULT_SHARE_HOURS = 7 * 24;

export interface ShareRouteDeps {
  ctx: AccessContext;
  index: ArchiveIndex;
  /** The study UID the guest of a share sees (a replacement UID when anonymized). */
  presentStudyUid: (res: Response, uid: string) => string;
  views: ShareViews;
  /** Told when a guest opens a share (a consultation moves to "viewed"). */
  onShareOpened?: (principal: SharePrincipal, req: Request, res: Response) => void;
}

/**
 * Share links (Kheops-style capabilities): POST /api/shares makes one for a study or some of its
 * series, GET /api/shares lists the caller's, DELETE /api/shares/{id} revokes one at once, and
 * POST /api/shares/open {token, pin?} lets a guest's browser trade the link for a guest session.
 */
export function shareRoutes(deps: ShareRouteDeps): Router {
  const { ctx } = deps;
  const router = express.Router();

  router.post('/shares', async (req: Request, res: Response) => {
    const principal = requireAction(res, 'share');
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'A share link cannot make share links.');
    const input = await parseNewShare(bodyOf(req), principal.userId, deps);
    const { token, share } = ctx.shares.create(input);
    recordAction(ctx.audit, req, res, {
      action: 'share-create',
      studyUid: input.studyUid,
      detail: `share ${share.id}: ${input.permissions.join('+')}${input.anonymize ? ', anonymized' : ''}${input.pinHash ? ', PIN' : ''}, until ${share.expiresAt}`,
    });
    res.status(201).json({ ...share, url: shareUrl(ctx.publicUrl(), token), token });
  });

  router.get('/shares', (req: Request, res: Response) => {
    const principal = requireAction(res, 'share');
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN');
    const all = req.query.all === 'true' && principal.role === 'admin';
    res.setHeader('Cache-Control', 'no-store');
    res.json(ctx.shares.list(all ? undefined : principal.userId));
  });

  router.delete('/shares/:id', (req: Request, res: Response) => {
    const principal = requireAction(res, 'share');
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN');
    const share = ctx.shares.revoke(req.params.id as string, principal.role === 'admin' ? undefined : principal.userId);
    recordAction(ctx.audit, req, res, { action: 'share-revoke', studyUid: share.studyInstanceUID, detail: `share ${share.id} revoked` });
    res.status(204).end();
  });

  router.post('/shares/open', async (req: Request, res: Response) => {
    const body = bodyOf(req);
    const token = stringField(body, 'token', { required: true, max: 200 })!;
    const address = clientAddress(req);
    ctx.throttles.address.check(address);
    const share = ctx.shares.activeByToken(token);
    if (!share) {
      refusedShareUse(res, ctx, address, '', 'link unknown, expired or revoked');
      throw new AppError('UNAUTHORIZED', 'This share link is unknown, has expired or was revoked.');
    }
    if (share.pinHash !== undefined) await checkPin(req, res, ctx, share.id, share.pinHash, body.pin);
    const old = sessionCookie(req);
    if (old !== undefined) ctx.sessions.delete(old);
    const { token: sessionToken, session } = ctx.sessions.create(
      { shareId: share.id },
      Math.min(share.expiresAt, Date.now() + USER_SESSION_MS),
    );
    setSessionCookie(res, sessionToken, session.expiresAt, ctx.secureCookies);
    ctx.shares.noteUse(share.id);
    const principal: SharePrincipal = { kind: 'share', share, via: 'session', csrfToken: session.csrfToken };
    res.locals.principal = principal;
    res.locals.shareView = deps.views.viewOf(share);
    recordAction(ctx.audit, req, res, { action: 'share-use', studyUid: share.studyUid, detail: 'link opened' }, principal);
    deps.onShareOpened?.(principal, req, res);
    res.json(sessionView(principal, (uid) => deps.presentStudyUid(res, uid)));
  });

  return router;
}

/** The link a guest opens: the token travels in the fragment, which browsers never send to a server or put in a Referer. */
export function shareUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/share#${token}`;
}

export async function parseNewShare(
  body: Record<string, unknown>,
  createdBy: number,
  deps: Pick<ShareRouteDeps, 'ctx' | 'index'>,
): Promise<NewShare> {
  const studyUid = stringField(body, 'studyInstanceUID', { required: true, max: 64 })!;
  if (!isValidUid(studyUid)) throw new AppError('INVALID_UID', '"studyInstanceUID" is not a valid DICOM UID.');
  const instances = deps.index.findInstances(studyUid);
  if (instances.length === 0) throw new AppError('NOT_FOUND', 'There is no study with this Study Instance UID in the archive.');
  let seriesUids: string[] | undefined;
  if (body.seriesInstanceUIDs !== undefined && body.seriesInstanceUIDs !== null) {
    const list = body.seriesInstanceUIDs;
    if (!Array.isArray(list) || list.length === 0 || list.length > 1000 || !list.every((u) => typeof u === 'string' && isValidUid(u))) {
      throw new AppError('BAD_REQUEST', '"seriesInstanceUIDs" must be a non-empty list of valid Series Instance UIDs.');
    }
    const inStudy = new Set(instances.map((i) => i.seriesUid));
    const missing = list.find((u) => !inStudy.has(u as string));
    if (missing !== undefined) throw new AppError('NOT_FOUND', `Series ${missing as string} is not part of this study.`);
    seriesUids = [...new Set(list as string[])];
  }
  const hours = body.expiresInHours ?? DEFAULT_SHARE_HOURS;
  const max = deps.ctx.maxShareHours;
  if (typeof hours !== 'number' || !Number.isFinite(hours) || hours <= 0 || hours > max) {
    throw new AppError('BAD_REQUEST', `"expiresInHours" must be a number of hours above 0 and at most ${max}.`);
  }
  const permissions = body.permissions ?? ['read'];
  if (
    !Array.isArray(permissions) ||
    !permissions.includes('read') ||
    !permissions.every((p) => p === 'read' || p === 'download') ||
    permissions.length !== new Set(permissions).size
  ) {
    throw new AppError('BAD_REQUEST', '"permissions" must be ["read"] or ["read", "download"].');
  }
  const pin = stringField(body, 'pin', { max: 32 });
  if (pin !== undefined && pin !== '' && !/^\S{4,32}$/.test(pin))
    throw new AppError('BAD_REQUEST', 'A PIN has 4 to 32 characters and no spaces.');
  const note = (stringField(body, 'note', { max: 500 }) ?? '').trim();
  return {
    createdBy,
    studyUid,
    seriesUids,
    permissions: permissions as SharePermission[],
    anonymize: booleanField(body, 'anonymize') ?? false,
    pinHash: pin ? await hashPassword(pin) : undefined,
    note,
    expiresAt: Date.now() + Math.round(hours * 3600_000),
  };
}
