import { describe, expect, it } from 'vitest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { bestMatch, firstStack, hangCurrentAndPrior, seriesTraits, type SeriesTraits } from '../../viewer/src/viewer/hanging-rule';
import { imageIdOf } from '../../viewer/src/imaging/image-ids';
import type { SeriesModel } from '../../viewer/src/viewer/study-model';

const AXIAL = [1, 0, 0, 0, 1, 0];
const CORONAL = [1, 0, 0, 0, 0, -1];

/** A series as study-model.ts builds it: `images` image ids, every one of the same instance attributes. */
function series(
  studyUid: string,
  seriesUid: string,
  modality: string,
  description: string,
  images: number,
  attributes: { bodyPart?: string; orientation?: number[]; thickness?: number; zStep?: number } = {},
): SeriesModel {
  const instance = (i: number): DicomJson => ({
    [Tag.Modality]: { vr: 'CS', Value: [modality] },
    [Tag.Rows]: { vr: 'US', Value: [512] },
    [Tag.Columns]: { vr: 'US', Value: [512] },
    [Tag.PixelSpacing]: { vr: 'DS', Value: [0.7, 0.7] },
    [Tag.ImagePositionPatient]: { vr: 'DS', Value: [-180, -180, 100 + i * (attributes.zStep ?? 0)] },
    ...(attributes.orientation ? { [Tag.ImageOrientationPatient]: { vr: 'DS', Value: attributes.orientation } } : {}),
    ...(attributes.bodyPart ? { [Tag.BodyPartExamined]: { vr: 'CS', Value: [attributes.bodyPart] } } : {}),
    ...(attributes.thickness ? { [Tag.SliceThickness]: { vr: 'DS', Value: [attributes.thickness] } } : {}),
  });
  return {
    studyUid,
    studyDate: '20240101',
    studyDescription: '',
    seriesUid,
    description,
    modality,
    instanceCount: images,
    // The image ids name UIDs; the rule reads only their frame numbers.
    imageIds: Array.from({ length: images }, (_, i) =>
      imageIdOf({ studyUid: '1.2', seriesUid: '1.2.3', sopUid: `1.2.3.${i + 1}`, frame: 1 }),
    ),
    instances: Array.from({ length: images }, (_, i) => instance(i)),
    displayable: images > 0,
  };
}

const traits = (overrides: Partial<SeriesTraits>): SeriesTraits => ({
  modality: 'CT',
  description: '',
  bodyPart: '',
  imageCount: 40,
  ...overrides,
});

describe('default hanging rule for a current study and a prior', () => {
  it('reads modality, description, body part, orientation and slice thickness of a series', () => {
    const t = seriesTraits(series('1', 'a', 'CT', ' Abdomen 3mm ', 40, { bodyPart: 'abdomen', orientation: AXIAL, thickness: 3 }));
    expect(t).toEqual({
      modality: 'CT',
      description: 'ABDOMEN 3MM',
      bodyPart: 'ABDOMEN',
      normal: [0, 0, 1],
      sliceThickness: 3,
      imageCount: 40,
    });
    expect(seriesTraits(series('1', 'b', 'CR', '', 1)).normal).toBeUndefined();
  });

  it('puts the first stack of the current study on the left, past a one-image scout', () => {
    expect(firstStack([undefined, traits({ imageCount: 1 }), traits({ imageCount: 40 })])).toBe(2);
    expect(firstStack([undefined, traits({ imageCount: 1 })])).toBe(1);
    expect(firstStack([undefined])).toBeUndefined();
  });

  it('matches only the same modality, then prefers description, body part, orientation, closest slice thickness, series order', () => {
    const current = traits({ description: 'AXIAL 3MM', bodyPart: 'ABDOMEN', normal: [0, 0, 1], sliceThickness: 3 });
    expect(bestMatch(current, [traits({ modality: 'MR', description: 'AXIAL 3MM' })])).toBeUndefined();
    // Description beats body part, orientation and thickness.
    expect(
      bestMatch(current, [
        traits({ description: 'OTHER', bodyPart: 'ABDOMEN', normal: [0, 0, 1], sliceThickness: 3 }),
        traits({ description: 'AXIAL 3MM', bodyPart: 'CHEST', normal: [0, 1, 0], sliceThickness: 1 }),
      ]),
    ).toBe(1);
    // Body part beats orientation.
    expect(bestMatch(current, [traits({ normal: [0, 0, 1] }), traits({ bodyPart: 'ABDOMEN', normal: [0, 1, 0] })])).toBe(1);
    // Orientation beats thickness; a feet-first stack (normal reversed) is the same orientation.
    expect(bestMatch(current, [traits({ normal: [0, 1, 0], sliceThickness: 3 }), traits({ normal: [0, 0, -1], sliceThickness: 5 })])).toBe(
      1,
    );
    // Closest thickness; then the earlier series.
    expect(bestMatch(current, [traits({ sliceThickness: 1 }), traits({ sliceThickness: 2.5 }), traits({ sliceThickness: 3.5 })])).toBe(1);
    expect(bestMatch(current, [traits({}), traits({})])).toBe(0);
    // An empty description matches nothing (two series without one are not "the same").
    expect(bestMatch(traits({}), [traits({ bodyPart: 'X' }), traits({ description: '' })])).toBe(0);
  });

  it('hangs the current stack left and the prior series that matches it right', () => {
    const current = [
      series('cur', 'c-scout', 'CT', 'Scout', 1, { orientation: CORONAL }),
      series('cur', 'c-axial', 'CT', 'Abdomen 3mm', 120, { bodyPart: 'ABDOMEN', orientation: AXIAL, thickness: 3 }),
      series('cur', 'c-sr', 'SR', 'Dose report', 0),
    ];
    const prior = [
      series('pri', 'p-scout', 'CT', 'Scout', 1, { orientation: CORONAL }),
      series('pri', 'p-coronal', 'CT', 'Coronal MPR', 60, { bodyPart: 'ABDOMEN', orientation: CORONAL, thickness: 3 }),
      series('pri', 'p-thin', 'CT', 'Abdomen 1mm', 300, { bodyPart: 'ABDOMEN', orientation: AXIAL, thickness: 1 }),
      series('pri', 'p-axial', 'CT', 'Abdomen 3mm', 110, { bodyPart: 'ABDOMEN', orientation: AXIAL, thickness: 3 }),
    ];
    const hung = hangCurrentAndPrior(current, prior);
    expect([hung?.left.seriesUid, hung?.right.seriesUid]).toEqual(['c-axial', 'p-axial']);
    // Without the same description: the axial of the closest thickness, not the coronal.
    expect(hangCurrentAndPrior(current, prior.slice(0, 3))?.right.seriesUid).toBe('p-thin');
    // A prior of another modality still hangs, its own first stack.
    expect(hangCurrentAndPrior(current, [series('pri', 'mr', 'MR', 'T2', 24)])?.right.seriesUid).toBe('mr');
    expect(hangCurrentAndPrior(current, [series('pri', 'sr', 'SR', 'Report', 0)])).toBeUndefined();
  });

  it('starts the prior at the same end of its stack as the current: its last slice when written the other way round', () => {
    const headFirst = series('cur', 'c', 'CT', 'Abdomen', 30, { orientation: AXIAL, zStep: -3 });
    const sameWay = series('pri', 'p1', 'CT', 'Abdomen', 20, { orientation: AXIAL, zStep: -5 });
    const otherWay = series('pri', 'p2', 'CT', 'Abdomen', 20, { orientation: AXIAL, zStep: 5 });
    expect(hangCurrentAndPrior([headFirst], [sameWay])?.rightStart).toBe(0);
    expect(hangCurrentAndPrior([headFirst], [otherWay])?.rightStart).toBe(19);
    // Without geometry: its first slice.
    expect(hangCurrentAndPrior([series('cur', 'c', 'CR', '', 1)], [series('pri', 'p', 'CR', '', 2)])?.rightStart).toBe(0);
  });
});
