import { parse as parseCookies } from 'cookie';
import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'pacs_session';

/** The session token the request's Cookie header carries, if any. */
export function sessionCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  return (header && parseCookies(header)[SESSION_COOKIE]) || undefined;
}

/** HttpOnly (no script reads it), SameSite=Strict (no other site sends it), Secure behind https. */
export function setSessionCookie(res: Response, token: string, expiresAt: number, secure: boolean): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/', expires: new Date(expiresAt) });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
}
