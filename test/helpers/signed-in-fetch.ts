/** `Authorization` header value of HTTP Basic (RFC 7617). */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** fetch() to one archive as one principal; a path (`/api/users`) resolves against the archive's URL. */
export type ArchiveFetch = (pathOrUrl: string, init?: RequestInit) => Promise<Response>;

/** What the request helpers need of an archive: where it is and how to speak to it. */
export interface ArchiveClient {
  /** Base URL, e.g. `http://127.0.0.1:41234` */
  url: string;
  /** `${url}/dicom-web` */
  dicomWeb: string;
  fetch: ArchiveFetch;
}

/**
 * fetch() signed in with `authorization` (as a program would sign in, like curl's -u), unless the
 * request brings its own Authorization or Cookie header: then it goes as that principal. Only for
 * URLs of the archive at `baseUrl`, so credentials never leave for another server.
 */
export function signedInFetch(baseUrl: string, authorization: string): ArchiveFetch {
  const origin = new URL(baseUrl).origin;
  return (pathOrUrl, init = {}) => {
    const url = new URL(pathOrUrl, baseUrl);
    if (url.origin !== origin) throw new Error(`${url.href} is not on the archive at ${origin}`);
    const headers = new Headers(init.headers);
    if (!headers.has('authorization') && !headers.has('cookie')) headers.set('authorization', authorization);
    return fetch(url, { ...init, headers });
  };
}
