import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN, transferSyntax } from '../../../shared/dicom/transfer-syntaxes';

/**
 * The encapsulated transfer syntaxes the viewer decodes itself (viewer/src/codecs), with the media
 * type the archive sends their frames in (PS3.18 Table 8.7.3-5), and the Accept header that asks
 * for them as stored (PS3.18 8.7.3.5; our archive: CONFORMANCE.md 5.3). JPEG Baseline is 8-bit by
 * definition; Extended (.51) may be 12-bit, which only the archive decodes.
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

/** Their media types come from the one transfer syntax table the archive also uses. */
export const BROWSER_DECODABLE: readonly { transferSyntax: string; mediaType: string }[] = DECODED_HERE.map((uid) => {
  const mediaType = transferSyntax(uid)?.mediaType;
  if (!mediaType) throw new Error(`no media type for transfer syntax ${uid}`);
  return { transferSyntax: uid, mediaType };
});

const DECODABLE = new Set(BROWSER_DECODABLE.map((s) => s.transferSyntax));

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

/**
 * The stored form at q=1 where we can decode it, else native pixels decoded by the archive
 * (native frames are `application/octet-stream` as stored, so they match the second range too).
 */
export const COMPRESSED_FRAMES_ACCEPT = [
  ...BROWSER_DECODABLE.map((s) => `multipart/related; type="${s.mediaType}"; transfer-syntax=${s.transferSyntax}`),
  `${NATIVE_FRAMES_ACCEPT}; q=0.5`,
].join(', ');
