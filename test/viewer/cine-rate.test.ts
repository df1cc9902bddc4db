import { describe, expect, it } from 'vitest';
import { Tag } from '../../shared/dicom/tags';
import { recordedFrameRate } from '../../viewer/src/viewer/cine-rate';

const ds = (values: Record<string, [string, number | string]>) =>
  Object.fromEntries(Object.entries(values).map(([tag, [vr, value]]) => [tag, { vr, Value: [value] }]));

describe('the recorded cine frame rate', () => {
  it('prefers Recommended Display Frame Rate, then Frame Time, then Cine Rate', () => {
    expect(
      recordedFrameRate(ds({ [Tag.RecommendedDisplayFrameRate]: ['IS', 25], [Tag.FrameTime]: ['DS', '33'], [Tag.CineRate]: ['IS', 12] })),
    ).toBe(25);
    expect(recordedFrameRate(ds({ [Tag.FrameTime]: ['DS', '33.333'], [Tag.CineRate]: ['IS', 12] }))).toBe(30);
    expect(recordedFrameRate(ds({ [Tag.FrameTime]: ['DS', '76.000000'] }))).toBe(13.2);
    expect(recordedFrameRate(ds({ [Tag.CineRate]: ['IS', 12] }))).toBe(12);
  });

  it('is undefined without a usable value, and kept within 1..60 fps', () => {
    expect(recordedFrameRate({})).toBeUndefined();
    expect(recordedFrameRate(undefined)).toBeUndefined();
    expect(recordedFrameRate(ds({ [Tag.FrameTime]: ['DS', '0'] }))).toBeUndefined();
    expect(recordedFrameRate(ds({ [Tag.FrameTime]: ['DS', '2'] }))).toBe(60);
    expect(recordedFrameRate(ds({ [Tag.CineRate]: ['IS', 0.2] }))).toBe(1);
  });
});
