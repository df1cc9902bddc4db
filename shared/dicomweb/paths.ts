/**
 * The DICOMweb resource paths (PS3.18 10.3.2 Table 10.3.2-1, 10.4.1, 10.6.1), relative to the
 * service root: `studies/{study}[/series/{series}[/instances/{instance}]]`, as both the archive
 * (RetrieveURL, Content-Location, BulkDataURI) and the viewer (its requests) write them.
 * https://dicom.nema.org/medical/dicom/current/output/chtml/part18/sect_10.3.2.html
 *
 * Each UID is percent-encoded as a path segment (RFC 3986 3.3). A valid UID (digits and dots,
 * PS3.5 9.1) comes out as it went in, so the archive's paths, built from stored and checked UIDs,
 * read exactly as before; a malformed UID a user typed cannot change the shape of the path.
 */

/** `studies/{study}` */
export function studyPath(study: string): string {
  return `studies/${encodeURIComponent(study)}`;
}

/** `studies/{study}/series/{series}` */
export function seriesPath(study: string, series: string): string {
  return `${studyPath(study)}/series/${encodeURIComponent(series)}`;
}

/** `studies/{study}/series/{series}/instances/{instance}` */
export function instancePath(study: string, series: string, instance: string): string {
  return `${seriesPath(study, series)}/instances/${encodeURIComponent(instance)}`;
}

/** Retrieve Frames (PS3.18 10.4.1.1.5): `{instance path}/frames/{n}[,{n}…]`, frame numbers 1-based. */
export function framesPath(instance: string, frames: readonly number[]): string {
  if (frames.length === 0 || !frames.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new RangeError(`Frame numbers are integers from 1: ${frames.join(',')}`);
  }
  return `${instance}/frames/${frames.join(',')}`;
}

export interface ResourceUids {
  study?: string;
  series?: string;
  instance?: string;
}

const RESOURCE = /(?:^|\/)studies\/([^/?#]+)(?:\/series\/([^/?#]+)(?:\/instances\/([^/?#]+))?)?/;

/**
 * The UIDs a resource URL or path names (`…/studies/{study}[/series/{series}[/instances/{instance}]]…`),
 * decoded: the inverse of the builders above, e.g. for a RetrieveURL. Empty when it names no study.
 */
export function resourceUidsOf(url: string): ResourceUids {
  const match = RESOURCE.exec(url);
  const [study, series, instance] = [match?.[1], match?.[2], match?.[3]].map(decodeSegment);
  return { ...(study && { study }), ...(series && { series }), ...(instance && { instance }) };
}

function decodeSegment(segment: string | undefined): string | undefined {
  try {
    return segment === undefined ? undefined : decodeURIComponent(segment);
  } catch {
    return undefined; // a malformed %-escape names nothing
  }
}
