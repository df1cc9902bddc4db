/**
 * The encapsulated transfer syntaxes the viewer decodes itself (viewer/src/codecs), with the media
 * type the archive sends their frames in (PS3.18 Table 8.7.3-5), and the Accept header that asks
 * for them as stored (PS3.18 8.7.3.5; our archive: CONFORMANCE.md 5.3).
 */
export const BROWSER_DECODABLE: readonly { transferSyntax: string; mediaType: string }[] = [
  { transferSyntax: '1.2.840.10008.1.2.4.80', mediaType: 'image/jls' },
  { transferSyntax: '1.2.840.10008.1.2.4.81', mediaType: 'image/jls' },
  { transferSyntax: '1.2.840.10008.1.2.4.90', mediaType: 'image/jp2' },
  { transferSyntax: '1.2.840.10008.1.2.4.91', mediaType: 'image/jp2' },
  { transferSyntax: '1.2.840.10008.1.2.4.201', mediaType: 'image/jphc' },
  { transferSyntax: '1.2.840.10008.1.2.4.202', mediaType: 'image/jphc' },
  { transferSyntax: '1.2.840.10008.1.2.4.203', mediaType: 'image/jphc' },
  // Baseline is 8-bit by definition; Extended (.51) may be 12-bit, which only the archive decodes.
  { transferSyntax: '1.2.840.10008.1.2.4.50', mediaType: 'image/jpeg' },
  { transferSyntax: '1.2.840.10008.1.2.4.57', mediaType: 'image/jpeg' },
  { transferSyntax: '1.2.840.10008.1.2.4.70', mediaType: 'image/jpeg' },
  { transferSyntax: '1.2.840.10008.1.2.5', mediaType: 'image/dicom-rle' },
];

const DECODABLE = new Set(BROWSER_DECODABLE.map((s) => s.transferSyntax));

export function decodableInBrowser(transferSyntax: string | undefined): boolean {
  return transferSyntax !== undefined && DECODABLE.has(transferSyntax);
}

/** Native little-endian frames only: the archive decodes whatever is compressed. */
export const NATIVE_FRAMES_ACCEPT = 'multipart/related; type="application/octet-stream"';

/**
 * The stored form at q=1 where we can decode it, else native pixels decoded by the archive
 * (native frames are `application/octet-stream` as stored, so they match the second range too).
 */
export const COMPRESSED_FRAMES_ACCEPT = [
  ...BROWSER_DECODABLE.map((s) => `multipart/related; type="${s.mediaType}"; transfer-syntax=${s.transferSyntax}`),
  `${NATIVE_FRAMES_ACCEPT}; q=0.5`,
].join(', ');
