/**
 * The route family a request is counted under in `pacs_http_request_duration_seconds`. Decided
 * from the method and path with a few string comparisons (no regular expression, no split): it
 * runs on every request. A bounded set, so the label never carries a UID or a path.
 */
export const REQUEST_FAMILIES = [
  'stow',
  'qido',
  'metadata',
  'frames',
  'rendered',
  'retrieve',
  'delete',
  'api',
  'health',
  'metrics',
  'viewer',
  'other',
] as const;
export type RequestFamily = (typeof REQUEST_FAMILIES)[number];

const DICOMWEB = '/dicom-web/';

/** `path` is the request's path at the root of the app (no query string). */
export function requestFamily(method: string, path: string): RequestFamily {
  if (path.startsWith(DICOMWEB)) return dicomWebFamily(method, path);
  if (path === '/wado') return 'retrieve';
  if (path.startsWith('/api/')) return 'api';
  if (path.startsWith('/health/')) return 'health';
  if (path === '/metrics') return 'metrics';
  // What is left is the viewer's pages and static files, or nothing at all (404).
  return method === 'GET' || method === 'HEAD' ? 'viewer' : 'other';
}

function dicomWebFamily(method: string, path: string): RequestFamily {
  if (method === 'POST') return 'stow';
  if (method === 'DELETE') return 'delete';
  if (method !== 'GET' && method !== 'HEAD') return 'other';
  if (path.endsWith('/metadata')) return 'metadata';
  if (path.endsWith('/rendered') || path.endsWith('/thumbnail')) return 'rendered';
  if (path.includes('/frames/')) return 'frames';
  // Instances, series and studies (Part 10 or ZIP), bulk data and WADO-URI.
  if (path.includes('/bulkdata/') || path === '/dicom-web/wado') return 'retrieve';
  if (path.endsWith('/studies') || path.endsWith('/series') || path.endsWith('/instances')) return 'qido';
  return path.startsWith('/dicom-web/studies/') ? 'retrieve' : 'other';
}
