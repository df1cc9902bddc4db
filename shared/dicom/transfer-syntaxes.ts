/**
 * Transfer syntaxes (PS3.5 10, PS3.6 Table A-1) and the media type of their frames and bulk data
 * in DICOMweb (PS3.18 8.7.3.3, Tables 8.7.3-4 and 8.7.3-5).
 */

export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1.99';
export const EXPLICIT_VR_BIG_ENDIAN = '1.2.840.10008.1.2.2';

export interface TransferSyntax {
  uid: string;
  name: string;
  /** Pixel data in fragments (PS3.5 A.4); server/codecs decodes most of them. */
  encapsulated: boolean;
  /** Media type of one frame (PS3.18 Table 8.7.3-5); `application/octet-stream` for native data. */
  mediaType: string;
  /** Native only: multi-byte values are big endian (retired 1.2.840.10008.1.2.2). */
  bigEndian?: true;
  /** The whole data set after the file meta group is one deflate stream (PS3.5 A.5). */
  deflated?: true;
  /** Pixel data may have lost information in compression (Lossy Image Compression "01", PS3.3 C.7.6.1.1.5). */
  lossy?: true;
}

const OCTETS = 'application/octet-stream';

const TABLE: ReadonlyArray<[string, string, string | undefined]> = [
  // [uid, name, media type of encapsulated frames (undefined: native)]
  [IMPLICIT_VR_LITTLE_ENDIAN, 'Implicit VR Little Endian', undefined],
  [EXPLICIT_VR_LITTLE_ENDIAN, 'Explicit VR Little Endian', undefined],
  [DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, 'Deflated Explicit VR Little Endian', undefined],
  [EXPLICIT_VR_BIG_ENDIAN, 'Explicit VR Big Endian (retired)', undefined],
  ['1.2.840.10008.1.2.1.98', 'Encapsulated Uncompressed Explicit VR Little Endian', OCTETS],
  ['1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)', 'image/jpeg'],
  ['1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4)', 'image/jpeg'],
  ['1.2.840.10008.1.2.4.53', 'JPEG Spectral Selection (Process 6 & 8) (retired)', 'image/jpeg'],
  ['1.2.840.10008.1.2.4.55', 'JPEG Full Progression (Process 10 & 12) (retired)', 'image/jpeg'],
  ['1.2.840.10008.1.2.4.57', 'JPEG Lossless, Non-Hierarchical (Process 14)', 'image/jpeg'],
  ['1.2.840.10008.1.2.4.70', 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])', 'image/jpeg'],
  ['1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless', 'image/jls'],
  ['1.2.840.10008.1.2.4.81', 'JPEG-LS Lossy (Near-Lossless)', 'image/jls'],
  ['1.2.840.10008.1.2.4.90', 'JPEG 2000 (Lossless Only)', 'image/jp2'],
  ['1.2.840.10008.1.2.4.91', 'JPEG 2000', 'image/jp2'],
  ['1.2.840.10008.1.2.4.92', 'JPEG 2000 Part 2 Multi-component (Lossless Only)', 'image/jpx'],
  ['1.2.840.10008.1.2.4.93', 'JPEG 2000 Part 2 Multi-component', 'image/jpx'],
  ['1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000 (Lossless Only)', 'image/jphc'],
  ['1.2.840.10008.1.2.4.202', 'High-Throughput JPEG 2000 with RPCL Options (Lossless Only)', 'image/jphc'],
  ['1.2.840.10008.1.2.4.203', 'High-Throughput JPEG 2000', 'image/jphc'],
  ['1.2.840.10008.1.2.5', 'RLE Lossless', 'image/dicom-rle'],
  // Each frame one raw-deflated fragment (PS3.5 A.4.13); PS3.18 names no image media type for it.
  ['1.2.840.10008.1.2.8.1', 'Deflated Image Frame Compression', OCTETS],
];

/** Syntaxes whose compression may be lossy: JPEG DCT processes, JPEG-LS near-lossless, JPEG 2000 and HTJ2K without "lossless only". */
const LOSSY: ReadonlySet<string> = new Set(['50', '51', '53', '55', '81', '91', '93', '203'].map((n) => `1.2.840.10008.1.2.4.${n}`));

const BY_UID: ReadonlyMap<string, TransferSyntax> = new Map(
  TABLE.map(([uid, name, encapsulatedType]) => {
    const ts: TransferSyntax = { uid, name, encapsulated: encapsulatedType !== undefined, mediaType: encapsulatedType ?? OCTETS };
    if (uid === EXPLICIT_VR_BIG_ENDIAN) ts.bigEndian = true;
    if (uid === DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN) ts.deflated = true;
    if (LOSSY.has(uid)) ts.lossy = true;
    return [uid, ts];
  }),
);

/** The transfer syntax with this UID, or undefined when the archive does not know it. */
export function transferSyntax(uid: string): TransferSyntax | undefined {
  return BY_UID.get(uid);
}
