import { basicAuthorization } from './signed-in-fetch';
import { stowBody } from './dicomweb-http';
import type { TestArchive } from './start-app';

/**
 * Speaking to an archive as a chosen principal: every request carries exactly the headers given
 * here (HTTP Basic, a Bearer token, a session cookie) or none, through a plain fetch().
 */

export type HeaderMap = Record<string, string>;

export const basic = (username: string, password: string): HeaderMap => ({ authorization: basicAuthorization(username, password) });
export const bearer = (token: string): HeaderMap => ({ authorization: `Bearer ${token}` });

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

/** One request to `${archive.url}${path}`; a `body` object is sent as JSON. */
export async function call(archive: TestArchive, method: string, path: string, headers: HeaderMap = {}, body?: unknown): Promise<Answer> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as HeaderMap)['content-type'] = 'application/json';
  }
  const res = await fetch(`${archive.url}${path}`, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** The error body every refusal carries. */
export function errorOf(answer: Answer): { code: string; message: string } {
  const body = answer.json as { code?: unknown; message?: unknown } | undefined;
  return { code: String(body?.code), message: String(body?.message) };
}

export function adminHeaders(archive: TestArchive): HeaderMap {
  return { authorization: archive.adminAuthorization };
}

/** Creates an account through the admin API (POST /api/users). */
export async function createUser(
  archive: TestArchive,
  user: { username: string; password: string; role: string; mustChangePassword?: boolean },
): Promise<HeaderMap> {
  const answer = await call(archive, 'POST', '/api/users', adminHeaders(archive), user);
  if (answer.status !== 201) throw new Error(`POST /api/users answered ${answer.status}: ${answer.text}`);
  return basic(user.username, user.password);
}

/** Stores Part 10 files through STOW-RS as the given principal. */
export async function storeAs(archive: TestArchive, headers: HeaderMap, files: Buffer[]): Promise<Answer> {
  const { body, contentType } = stowBody(files);
  const res = await fetch(`${archive.dicomWeb}/studies`, {
    method: 'POST',
    headers: { ...headers, 'content-type': contentType, accept: 'application/dicom+json' },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as unknown) : undefined };
}

export interface CreatedShare {
  id: string;
  token: string;
  url: string;
  studyInstanceUID: string;
  expiresAt: string;
  [key: string]: unknown;
}

/** POST /api/shares as the admin; 201 expected. */
export async function createShare(archive: TestArchive, request: Record<string, unknown>): Promise<CreatedShare> {
  const answer = await call(archive, 'POST', '/api/shares', adminHeaders(archive), request);
  if (answer.status !== 201) throw new Error(`POST /api/shares answered ${answer.status}: ${answer.text}`);
  return answer.json as CreatedShare;
}

/** The `pacs_session` cookie a Set-Cookie header sets, as a Cookie request header. */
export function sessionCookieOf(answer: Answer): HeaderMap {
  const cookie = answer.headers.getSetCookie().find((c) => c.startsWith('pacs_session='));
  if (!cookie) throw new Error('no pacs_session cookie was set');
  return { cookie: cookie.split(';')[0]! };
}
