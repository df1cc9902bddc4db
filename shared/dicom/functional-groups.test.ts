import { describe, expect, it } from 'vitest';
import type { DicomJson } from './dicom-json';
import { frameMacroItems, functionalGroups } from './functional-groups';
import { Tag } from './tags';

const position = (z: number): DicomJson => ({ [Tag.ImagePositionPatient]: { vr: 'DS', Value: [0, 0, z] } });

const enhanced: DicomJson = {
  [Tag.SharedFunctionalGroupsSequence]: {
    vr: 'SQ',
    Value: [{ [Tag.PixelMeasuresSequence]: { vr: 'SQ', Value: [{ [Tag.PixelSpacing]: { vr: 'DS', Value: [0.5, 0.5] } }] } }],
  },
  [Tag.PerFrameFunctionalGroupsSequence]: {
    vr: 'SQ',
    Value: [1, 2].map((z) => ({ [Tag.PlanePositionSequence]: { vr: 'SQ', Value: [position(z)] } })),
  },
};

describe('functional groups (PS3.3 C.7.6.16)', () => {
  it("gives the frame's per-frame item, then the shared one", () => {
    const [perFrame, shared] = functionalGroups(enhanced, 2);
    expect(perFrame?.[Tag.PlanePositionSequence]?.Value).toEqual([position(2)]);
    expect(shared).toBe(enhanced[Tag.SharedFunctionalGroupsSequence]?.Value?.[0]);
    expect(functionalGroups(enhanced, 3)).toEqual([shared]);
    expect(functionalGroups({}, 1)).toEqual([]);
  });

  it('gives the items of one macro that apply to a frame', () => {
    expect(frameMacroItems(enhanced, 1, Tag.PlanePositionSequence)).toEqual([position(1)]);
    expect(frameMacroItems(enhanced, 1, Tag.PixelMeasuresSequence)).toEqual([{ [Tag.PixelSpacing]: { vr: 'DS', Value: [0.5, 0.5] } }]);
    expect(frameMacroItems(enhanced, 1, Tag.PlaneOrientationSequence)).toEqual([]);
  });
});
