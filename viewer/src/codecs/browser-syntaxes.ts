import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } from '../../../shared/dicom/transfer-syntaxes';

/**
 * The encapsulated transfer syntaxes the viewer decodes itself (viewer/src/codecs), and the Accept
 * headers of its frame requests (PS3.18 8.7.3.5; our archive: CONFORMANCE.md 5.3). JPEG Baseline
 * is 8-bit by definition; Extended (.51) may be 12-bit, which only the archive decodes.
 */
const DECODED_HERE = [
  '1.2.840.10008.1.2.4.80',
  '1.2.840.10008.1.2.4.81',
  '1.2.840.10008.1.2.4.90',
  '1.2.840.10008.1.2.4.91',
  '1.2.840.10008.1.2.4.201',
  '1.2.840.10008.1.2.4.202',
  '1.2.840.10008.1.2.4.203',
  '1.2.840.10008.1.2.4.50',
  '1.2.840.10008.1.2.4.57',
  '1.2.840.10008.1.2.4.70',
  '1.2.840.10008.1.2.5',
];

const DECODABLE: ReadonlySet<string> = new Set(DECODED_HERE);

export function decodableInBrowser(uid: string | undefined): boolean {
  return uid !== undefined && DECODABLE.has(uid);
}

/** Native little-endian frames only: the archive decodes whatever is compressed. */
export const NATIVE_FRAMES_ACCEPT = 'multipart/related; type="application/octet-stream"';

/**
 * Every frame as stored (PS3.18 8.7.3.5, `transfer-syntax=*`, as OHIF asks): nothing is encoded
 * on the archive for a fast link, whose bottleneck is not bytes. A stored syntax the browser cannot
 * decode is then asked for again as NATIVE_FRAMES_ACCEPT.
 */
export const STORED_FRAMES_ACCEPT = `${NATIVE_FRAMES_ACCEPT}; transfer-syntax=*`;

/** Frames in these come as plain little-endian samples. */
export function isNativeLittleEndian(uid: string | undefined): boolean {
  return uid === undefined || uid === EXPLICIT_VR_LITTLE_ENDIAN || uid === IMPLICIT_VR_LITTLE_ENDIAN;
}

export const JPEG_LS_LOSSLESS = '1.2.840.10008.1.2.4.80';
/** JPEG-LS lossless, encoded by the archive if stored otherwise: the first image over a slow link. */
export const JPEG_LS_ACCEPT = `multipart/related; type="image/jls"; transfer-syntax=${JPEG_LS_LOSSLESS}`;
