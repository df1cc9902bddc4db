import { csrfHeaders } from '../app/session';
import { archiveErrorOf, fetchArchive } from '../dicomweb/base';

export type ApiMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One call to the archive's own JSON API (`/api/...`) with the session cookie. State-changing
 * methods carry the session's CSRF token (X-CSRF-Token), and a body is sent as JSON.
 *
 * Resolves to the parsed JSON answer (`undefined` for 204 No Content); any other answer throws an
 * `ArchiveError` with the server's message and status (status 0: the archive is unreachable;
 * `retryAfterSeconds` on a 429). A 401 also sends the user to the sign-in page (see
 * `onUnauthorized` in dicomweb/base.ts), except on the sign-in and share pages themselves.
 *
 *     const share = await apiJson<ShareCreated>('POST', '/api/shares', { studyInstanceUID });
 *     await apiJson<void>('DELETE', `/api/shares/${encodeURIComponent(id)}`);
 */
export async function apiJson<T>(method: ApiMethod, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') Object.assign(headers, csrfHeaders());
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetchArchive(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (!res.ok) throw await archiveErrorOf(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** `path` with the defined, non-empty `params` as its query string (`/api/audit?user=…`). */
export function apiPath(path: string, params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(name, String(value));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
