/**
 * A frame as the archive renders it (PS3.18 10.4.1.1.3, PNG so nothing is lost), as RGBA. Used
 * for colour models the viewer does not convert itself (PALETTE COLOR, YBR_FULL and YBR_FULL_422,
 * YBR_PARTIAL): the archive knows whether its decoder already turned YCbCr into RGB, the series
 * metadata does not say which transfer syntax an instance has.
 */
import { fetchOk } from '../dicomweb/base';
import { renderedFrameUrl } from '../dicomweb/resource-urls';
import type { FrameRef } from './image-ids';

export async function retrieveRenderedFrame(ref: FrameRef): Promise<{ rgba: Uint8Array; rows: number; columns: number }> {
  const res = await fetchOk(renderedFrameUrl(ref.studyUid, ref.seriesUid, ref.sopUid, ref.frame), { headers: { accept: 'image/png' } });
  const bitmap = await createImageBitmap(await res.blob(), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas context');
    context.drawImage(bitmap, 0, 0);
    const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
    return { rgba: new Uint8Array(data.buffer, data.byteOffset, data.length), rows: bitmap.height, columns: bitmap.width };
  } finally {
    bitmap.close();
  }
}

/** Colour models whose frames are shown through the archive's rendering. */
export function needsRendering(photometricInterpretation: string): boolean {
  return photometricInterpretation === 'PALETTE COLOR' || /^YBR_(FULL|FULL_422|PARTIAL_420|PARTIAL_422)$/.test(photometricInterpretation);
}
