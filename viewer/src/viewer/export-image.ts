/**
 * The image of a viewport as a PNG or JPEG file: the cornerstone canvas as drawn (measurements,
 * arrows and reference line included), or the same image with the same view rendered alone.
 */
import cornerstone from 'cornerstone-core';
import { getNumber, getString } from '../../../shared/dicom/dicom-json';
import { Tag } from '../../../shared/dicom/tags';
import { instanceOf, parseImageId } from '../imaging/image-ids';

export type ImageFormat = 'png' | 'jpeg';

export interface ExportedImage {
  blob: Blob;
  /** `<PatientID>-S<SeriesNumber>-<slice>.<png|jpg>`, safe as a file name. */
  fileName: string;
}

const MEDIA_TYPES: Record<ImageFormat, string> = { png: 'image/png', jpeg: 'image/jpeg' };
const JPEG_QUALITY = 0.92;

/** Undefined when the element shows no image yet. */
export async function exportImage(
  element: HTMLElement,
  sliceIndex: number,
  format: ImageFormat,
  annotated: boolean,
): Promise<ExportedImage | undefined> {
  const enabled = cornerstone.getEnabledElement(element);
  const image = enabled.image;
  if (!image) return undefined;
  let canvas = enabled.canvas;
  if (!annotated) {
    // A canvas of the same size, rendered at once by cornerstone with the viewport's view (no tool draws on it).
    canvas = document.createElement('canvas');
    canvas.width = enabled.canvas.width;
    canvas.height = enabled.canvas.height;
    cornerstone.renderToCanvas(canvas, image, cornerstone.getViewport(element));
  }
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, MEDIA_TYPES[format], JPEG_QUALITY));
  if (!blob) return undefined;
  return { blob, fileName: fileNameOf(image.imageId, sliceIndex, format) };
}

function fileNameOf(imageId: string, sliceIndex: number, format: ImageFormat): string {
  const instance = instanceOf(parseImageId(imageId).sopUid);
  const seriesNumber = getNumber(instance, Tag.SeriesNumber);
  const parts = [
    getString(instance, Tag.PatientID) || 'image',
    seriesNumber === undefined ? '' : `S${seriesNumber}`,
    String(sliceIndex + 1),
  ];
  const base = parts
    .filter(Boolean)
    .join('-')
    .replace(/[^\p{L}\p{N}._-]+/gu, '_');
  return `${base}.${format === 'png' ? 'png' : 'jpg'}`;
}

/** Saves a blob the way a download link does. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has read the blob by the next task; a minute leaves slow machines room.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
