/**
 * The frame rate a multi-frame instance was recorded to be played at (PS3.3 C.7.6.5 Cine Module):
 * Recommended Display Frame Rate, else 1000 / Frame Time (ms), else Cine Rate. A 30 fps angiogram
 * plays at 30 fps, not at the viewer's default.
 */
import { getNumber, type DicomJson } from '../../../shared/dicom/dicom-json';
import { Tag } from '../../../shared/dicom/tags';

export const DEFAULT_FPS = 15;
export const MAX_FPS = 60;

/** Frames per second, rounded to 0.1, within 1..MAX_FPS; undefined when none is recorded. */
export function recordedFrameRate(instance: DicomJson | undefined): number | undefined {
  const positive = (value: number | undefined) => (value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined);
  const frameTime = positive(getNumber(instance, Tag.FrameTime));
  const fps =
    positive(getNumber(instance, Tag.RecommendedDisplayFrameRate)) ??
    (frameTime !== undefined ? 1000 / frameTime : undefined) ??
    positive(getNumber(instance, Tag.CineRate));
  return fps === undefined ? undefined : Math.min(MAX_FPS, Math.max(1, Math.round(fps * 10) / 10));
}
