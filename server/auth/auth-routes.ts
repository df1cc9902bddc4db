import express, { type Request, type Response, type Router } from 'express';
import { AppError } from '../../shared/errors';
import { bodyOf, stringField } from '../api/json-body';
import { recordAction } from '../audit/record-action';
import type { AccessContext } from './access-context';
import { accountKey, failedLogin, userPrincipal } from './authenticate';
import { clientAddress } from './client-address';
import { principalOf, requirePrincipal } from './principal';
import { USER_SESSION_MS } from './session-store';
import { clearSessionCookie, sessionCookie, setSessionCookie } from './session-cookie';
import { sessionView } from './session-view';

/**
 * Sign-in for people in the browser: POST /api/login with JSON {username, password} starts a
 * server-side session (HttpOnly, SameSite=Strict cookie); POST /api/logout ends it;
 * GET /api/session says who is signed in; POST /api/password replaces one's password.
 */
export function authRoutes(ctx: AccessContext, presentStudyUid: (res: Response, uid: string) => string): Router {
  const router = express.Router();

  router.post('/login', async (req: Request, res: Response) => {
    const body = bodyOf(req);
    const username = stringField(body, 'username', { required: true, max: 256 })!;
    const password = stringField(body, 'password', { required: true, max: 1024 })!;
    const address = clientAddress(req);
    ctx.throttles.address.check(address);
    ctx.throttles.account.check(accountKey(username));
    const user = await ctx.users.authenticate(username, password);
    if (!user) {
      failedLogin(req, res, ctx, username, 'sign-in');
      throw new AppError('UNAUTHORIZED', 'The username or password is wrong, or the account is disabled.');
    }
    ctx.throttles.account.succeed(accountKey(username));
    const old = sessionCookie(req);
    if (old !== undefined) ctx.sessions.delete(old);
    const { token, session } = ctx.sessions.create({ userId: user.id }, Date.now() + USER_SESSION_MS);
    setSessionCookie(res, token, session.expiresAt, ctx.secureCookies);
    const principal = userPrincipal(user, 'session', session.csrfToken);
    recordAction(ctx.audit, req, res, { action: 'login', detail: 'sign-in' }, principal);
    res.status(200).json(sessionView(principal));
  });

  router.post('/logout', (req: Request, res: Response) => {
    const token = sessionCookie(req);
    if (token !== undefined) ctx.sessions.delete(token);
    clearSessionCookie(res, ctx.secureCookies);
    const principal = principalOf(res);
    if (principal) recordAction(ctx.audit, req, res, { action: 'logout' }, principal);
    res.status(204).end();
  });

  router.get('/session', (req: Request, res: Response) => {
    const principal = requirePrincipal(res);
    res.setHeader('Cache-Control', 'no-store');
    res.json(sessionView(principal, (uid) => presentStudyUid(res, uid)));
  });

  router.post('/password', async (req: Request, res: Response) => {
    const principal = requirePrincipal(res);
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'A share link has no password.');
    const body = bodyOf(req);
    const current = stringField(body, 'currentPassword', { required: true, max: 1024 })!;
    const next = stringField(body, 'newPassword', { required: true, max: 1024 })!;
    ctx.throttles.account.check(accountKey(principal.username));
    if (!(await ctx.users.authenticate(principal.username, current))) {
      failedLogin(req, res, ctx, principal.username, 'password change');
      throw new AppError('FORBIDDEN', 'The current password is wrong.');
    }
    if (next === current) throw new AppError('BAD_REQUEST', 'The new password must differ from the current one.');
    const user = await ctx.users.setPassword(principal.username, next);
    // Every other session of this account ends; this browser gets a fresh one.
    ctx.sessions.deleteForUser(user.id);
    recordAction(ctx.audit, req, res, { action: 'user-change', detail: `password changed: ${user.username}` }, principal);
    if (principal.via !== 'session') return void res.status(204).end();
    const { token, session } = ctx.sessions.create({ userId: user.id }, Date.now() + USER_SESSION_MS);
    setSessionCookie(res, token, session.expiresAt, ctx.secureCookies);
    res.json(sessionView({ ...principal, csrfToken: session.csrfToken, mustChangePassword: false }));
  });

  return router;
}
