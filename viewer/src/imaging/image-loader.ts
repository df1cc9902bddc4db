/**
 * The cornerstone image loader for `dicomweb:` ids: one frame from Retrieve Frames (native bytes,
 * the archive decodes compressed syntaxes), described by the series metadata already fetched.
 */
import type { Image, ImageLoadObject } from 'cornerstone-core';
import { getString, type DicomJson } from '../../../shared/dicom/dicom-json';
import { retrieveFrames } from '../dicomweb/retrieve';
import { frameAttributes } from './image-attributes';
import { instanceOf, parseImageId } from './image-ids';
import { decodePixels } from './pixel-decode';

const AVAILABLE_TRANSFER_SYNTAX = '00083002';
const TRANSFER_SYNTAX = '00020010';
/** JPEG (4.50–4.70) and JPEG 2000 / HTJ2K (4.9x, 4.20x) decoders apply the colour transform. */
const DECODER_MAKES_RGB = /^1\.2\.840\.10008\.1\.2\.4\.(5\d|6\d|70|9\d|20\d)$/;

export function loadDicomwebImage(imageId: string): ImageLoadObject {
  return { promise: loadImage(imageId) };
}

async function loadImage(imageId: string): Promise<Image> {
  const ref = parseImageId(imageId);
  const instance = instanceOf(ref.sopUid);
  if (!instance) throw new Error(`no metadata for ${ref.sopUid}`);
  const [bytes] = await retrieveFrames(ref.studyUid, ref.seriesUid, ref.sopUid, [ref.frame]);
  if (!bytes) throw new Error(`frame ${ref.frame} of ${ref.sopUid} is empty`);
  const a = frameAttributes(instance, ref.frame);
  const decoded = decodePixels(bytes, a, photometricOfBytes(instance, a.photometricInterpretation, a.samplesPerPixel));
  const monochrome1 = a.photometricInterpretation === 'MONOCHROME1';
  const windowWidth = a.windowWidth !== undefined && a.windowWidth > 0 ? a.windowWidth : Math.max(1, (decoded.max - decoded.min) * a.slope);
  const windowCenter = a.windowCenter ?? (decoded.min * a.slope + a.intercept + windowWidth / 2);
  const [rowSpacing, columnSpacing] = a.pixelSpacing ?? [undefined, undefined];
  const pixels = decoded.pixels;
  return {
    imageId,
    minPixelValue: decoded.min,
    maxPixelValue: decoded.max,
    slope: decoded.color ? 1 : a.slope,
    intercept: decoded.color ? 0 : a.intercept,
    windowCenter: decoded.color ? 128 : windowCenter,
    windowWidth: decoded.color ? 256 : windowWidth,
    getPixelData: () => pixels,
    rows: a.rows,
    columns: a.columns,
    height: a.rows,
    width: a.columns,
    color: decoded.color,
    rgba: false,
    invert: monochrome1,
    rowPixelSpacing: rowSpacing,
    columnPixelSpacing: columnSpacing,
    sizeInBytes: pixels.byteLength,
  };
}

/** The colour space of the bytes the archive sends for this instance's frames. */
function photometricOfBytes(instance: DicomJson, photometric: string, samplesPerPixel: number): string {
  if (samplesPerPixel !== 3) return photometric;
  if (photometric === 'YBR_ICT' || photometric === 'YBR_RCT') return 'RGB';
  const syntax = getString(instance, TRANSFER_SYNTAX) ?? getString(instance, AVAILABLE_TRANSFER_SYNTAX) ?? '';
  return DECODER_MAKES_RGB.test(syntax) ? 'RGB' : photometric;
}
