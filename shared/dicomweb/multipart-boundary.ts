/**
 * Which multipart boundaries we accept from others (RFC 2046 5.1.1 `boundary`).
 *
 * RFC 2046 allows 1 to 70 `bchars`, the last one not a space. Real peers write longer ones:
 * Orthanc 1.10.1's DICOMweb client (STOW-RS requests, WADO-RS answers) joins two UUIDs into a
 * 73-character boundary. A long boundary costs a reader nothing in safety (the delimiter is
 * still searched for as bytes, the characters are still RFC 2046's), so we accept up to 200:
 * room for three UUIDs, yet short enough that a delimiter held back between two chunks stays
 * a few hundred bytes. What we write keeps to 70 (`newBoundary` in multipart.ts).
 */
export const MAX_ACCEPTED_BOUNDARY_LENGTH = 200;

/** RFC 2046 5.1.1's longest boundary, which every boundary we write keeps to. */
export const MAX_RFC2046_BOUNDARY_LENGTH = 70;

const BOUNDARY = new RegExp(`^[0-9A-Za-z'()+_,\\-./:=? ]{0,${MAX_ACCEPTED_BOUNDARY_LENGTH - 1}}[0-9A-Za-z'()+_,\\-./:=?]$`);

/** True for 1 to 200 RFC 2046 `bchars` whose last one is not a space. */
export function isAcceptedBoundary(boundary: string): boolean {
  return BOUNDARY.test(boundary);
}

/** How a refused boundary is described in errors. */
export const ACCEPTED_BOUNDARY_RULE = `1 to ${MAX_ACCEPTED_BOUNDARY_LENGTH} characters: letters, digits, '()+_,-./:=? and inner spaces (RFC 2046 5.1.1, which says 70 at most; longer ones, as some peers write, are accepted)`;
