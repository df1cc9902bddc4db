/**
 * PS3.5 8.2.1: in DICOM the Photometric Interpretation says whether a lossy JPEG frame's
 * components were colour-transformed (YBR_FULL_422, YBR_FULL) or not (RGB), and GDCM and DCMTK
 * decode by it. libjpeg decides from the JPEG markers instead: JFIF means YCbCr, else an Adobe
 * APP14 marker's transform flag, else component ids 1, 2, 3 mean YCbCr. GDCM's own lossy RGB
 * (ids 1, 2, 3, no JFIF, no APP14) would be turned from "YCbCr" to RGB a second time.
 * Cornerstone's libjpeg-turbo build does not let the caller set jpeg_color_space, so the copy of
 * the codestream it decodes says "transform 0" instead: a JFIF APP0 becomes an APP15 libjpeg
 * skips, an APP14 flag is set to 0, or an APP14 with flag 0 is inserted after SOI.
 */

const SOI = 0xd8;
const SOS = 0xda;
const APP0 = 0xe0;
const APP14 = 0xee;
const APP15 = 0xef;

/** Adobe APP14 (Adobe TN 5116): length 14, "Adobe", version 100, flags 0 and 0, transform 0. */
const ADOBE_NO_TRANSFORM = Uint8Array.of(0xff, APP14, 0, 14, 0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100, 0, 0, 0, 0, 0);
const ADOBE_TRANSFORM_OFFSET = 15;

/** A copy of the JPEG codestream whose markers tell libjpeg not to convert YCbCr to RGB; `jpeg` itself if it is not a JPEG. */
export function withoutColourTransform(jpeg: Uint8Array): Uint8Array {
  if (jpeg[0] !== 0xff || jpeg[1] !== SOI) return jpeg;
  const out = jpeg.slice();
  let adobe = false;
  // Marker segments up to SOS all carry a length (ISO 10918-1 B.1.1.4).
  for (let at = 2; at + 4 <= out.length && out[at] === 0xff && out[at + 1] !== SOS;) {
    const marker = out[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === APP0 && hasIdentifier(out, at, 'JFIF\0')) out[at + 1] = APP15;
    if (marker === APP14 && hasIdentifier(out, at, 'Adobe') && at + ADOBE_TRANSFORM_OFFSET < out.length) {
      out[at + ADOBE_TRANSFORM_OFFSET] = 0;
      adobe = true;
    }
    at += 2 + ((out[at + 2]! << 8) | out[at + 3]!);
  }
  if (adobe) return out;
  const inserted = new Uint8Array(out.length + ADOBE_NO_TRANSFORM.length);
  inserted.set(out.subarray(0, 2));
  inserted.set(ADOBE_NO_TRANSFORM, 2);
  inserted.set(out.subarray(2), 2 + ADOBE_NO_TRANSFORM.length);
  return inserted;
}

function hasIdentifier(jpeg: Uint8Array, at: number, identifier: string): boolean {
  for (let i = 0; i < identifier.length; i++) if (jpeg[at + 4 + i] !== identifier.charCodeAt(i)) return false;
  return true;
}
