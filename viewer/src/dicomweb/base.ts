/**
 * Where the app finds the archive, and the one fetch wrapper every DICOMweb call goes through, so
 * that an unreachable archive or an error answer becomes an `ArchiveError` with a message a user
 * can read (the server's JSON errors carry one), never a silent blank screen.
 */
import { isErrorCode, type ErrorCode } from '../../../shared/errors';

export const DICOMWEB_ROOT = '/dicom-web';

export class ArchiveError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when the archive could not be reached at all. */
    readonly status: number,
    /** With a 429: the seconds the archive asks to wait (its Retry-After header). */
    readonly retryAfterSeconds?: number,
    /** The archive's error code (shared/errors.ts), when its answer named one: the viewer translates by it. */
    readonly code?: ErrorCode,
  ) {
    super(message);
    this.name = 'ArchiveError';
  }
}

export async function fetchOk(url: string, init?: RequestInit): Promise<Response> {
  const res = await fetchArchive(url, init);
  if (res.ok) return res;
  throw await archiveErrorOf(res);
}

/** `fetch`, with an unreachable archive turned into an `ArchiveError` (status 0). */
export async function fetchArchive(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw archiveUnreachable(error instanceof Error ? error.message : String(error));
  }
}

/** The error for a request that never got an answer (status 0). */
export function archiveUnreachable(detail: string): ArchiveError {
  return new ArchiveError(`The archive cannot be reached (${detail}).`, 0);
}

let unauthorizedListener: (() => void) | undefined;

/**
 * Registers what happens when the archive answers 401 to any call (session expired or ended,
 * account disabled): the router sends the user to the sign-in page. Every error answer passes
 * through `archiveErrorOfText`, the fetch and the XMLHttpRequest (STOW) paths alike.
 */
export function onUnauthorized(listener: () => void): void {
  unauthorizedListener = listener;
}

/** The error an answer stands for: the server's JSON `message` when it has one, else the status line. */
export async function archiveErrorOf(res: Response): Promise<ArchiveError> {
  return archiveErrorOfText(res.status, res.statusText, await res.text().catch(() => ''), res.headers.get('Retry-After'));
}

/** `archiveErrorOf` for an answer read as text (XMLHttpRequest has no `Response`). */
export function archiveErrorOfText(status: number, statusText: string, body: string, retryAfter?: string | null): ArchiveError {
  let message = `${status} ${statusText}`;
  let code: ErrorCode | undefined;
  try {
    const json = JSON.parse(body) as { message?: unknown; code?: unknown } | null;
    if (typeof json?.message === 'string') message = json.message;
    if (isErrorCode(json?.code)) code = json.code;
  } catch {
    // not a JSON error body: keep the status line
  }
  if (status === 401) unauthorizedListener?.();
  const seconds = retryAfter && /^\d{1,9}$/.test(retryAfter.trim()) ? Number(retryAfter.trim()) : undefined;
  return new ArchiveError(message, status, seconds, code);
}
