/**
 * BulkDataURIs are stored in the index relative to a marker and made absolute when served, so
 * that changing PACS_PUBLIC_URL (or moving behind a proxy) never leaves stale URLs in the index.
 */
export const BULK_BASE_MARKER = 'pacs-base:';

const STORED_PREFIX = `"BulkDataURI":"${BULK_BASE_MARKER}`;

/** Rewrites the stored DICOM JSON text so every BulkDataURI starts with `dicomWebBase`. */
export function resolveBulkDataUris(json: string, dicomWebBase: string): string {
  return json.includes(STORED_PREFIX) ? json.replaceAll(STORED_PREFIX, `"BulkDataURI":"${dicomWebBase}`) : json;
}
