import fs from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { Tag } from '../../shared/dicom/tags';
import { imagePlaneOf, planeFrom, type ImagePlane } from '../../viewer/src/geometry/image-plane';
import { nearestAlong, positionAlong, relativeSlice, sameEndSlice, sliceAnchor } from '../../viewer/src/geometry/slice-position';
import { add, scale, type Vec3 } from '../../viewer/src/geometry/vector';
import { CORPUS_DIR } from '../helpers/corpus';

const CT = path.join(CORPUS_DIR, 'series/ct-abdomen-philips-tcia');

/** The planes of the 40-slice CT in Instance Number order, from its files' Image Plane attributes. */
const planes: ImagePlane[] = fs
  .readdirSync(CT)
  .map((file) => dicomParser.parseDicom(new Uint8Array(fs.readFileSync(path.join(CT, file)))))
  .sort((a, b) => Number(a.string('x00200013')) - Number(b.string('x00200013')))
  .map((ds) => {
    const numbers = (tag: string) => (ds.string(`x${tag.toLowerCase()}`) ?? '').split('\\').map(Number);
    return imagePlaneOf({
      [Tag.ImagePositionPatient]: { vr: 'DS', Value: numbers(Tag.ImagePositionPatient) },
      [Tag.ImageOrientationPatient]: { vr: 'DS', Value: numbers(Tag.ImageOrientationPatient) },
      [Tag.PixelSpacing]: { vr: 'DS', Value: numbers(Tag.PixelSpacing) },
      [Tag.Rows]: { vr: 'US', Value: [ds.uint16('x00280010')] },
      [Tag.Columns]: { vr: 'US', Value: [ds.uint16('x00280011')] },
    })!;
  });

describe('slice positions along a normal (synchronized scrolling across frames of reference)', () => {
  it('the real CT: 40 axial slices 3 mm apart, head to feet, positions along the normal are their z', () => {
    expect(planes).toHaveLength(40);
    const normal = planes[0]!.normal;
    expect(normal.map((v) => Math.round(v * 1000) / 1000)).toEqual([0, 0, 1]);
    const positions = planes.map((p) => positionAlong(p, normal));
    expect(positions[0]).toBeCloseTo(379.91, 2);
    for (let i = 1; i < 40; i++) expect(positions[i - 1]! - positions[i]!).toBeCloseTo(3, 3);
  });

  it('finds the slice nearest to a position, and the same slice along the reversed normal at the negated position', () => {
    const normal = planes[0]!.normal;
    // 9 mm (three slices) feet-ward of slice 10, then between slices.
    const p10 = positionAlong(planes[10]!, normal);
    expect(nearestAlong(planes, normal, p10 - 9)).toBe(13);
    expect(nearestAlong(planes, normal, p10 - 4)).toBe(11);
    expect(nearestAlong(planes, normal, p10 - 5)).toBe(12);
    expect(nearestAlong(planes, scale(normal, -1), -(p10 - 9))).toBe(13);
    // Past either end: the end slice; unknown planes are skipped; none known: undefined.
    expect(nearestAlong(planes, normal, 10_000)).toBe(0);
    expect(nearestAlong(planes, normal, -10_000)).toBe(39);
    expect(nearestAlong([undefined, planes[5], undefined], normal, p10)).toBe(1);
    expect(nearestAlong([undefined], normal, 0)).toBeUndefined();
  });

  it('links a prior in another frame of reference by the distance scrolled from where both were linked', () => {
    // The prior: the same stack 100 mm higher in its own coordinates.
    const prior = planes.map((p) => ({ ...p, origin: add(p.origin, [0, 0, 100]) }));
    // Linked with the current at slice 10 and the prior at slice 4 (the anatomy the user aligned).
    const from = sliceAnchor(planes[10]!);
    const to = sliceAnchor(prior[4]!);
    expect(relativeSlice(prior, to, from, planes[10]!)).toBe(4);
    expect(relativeSlice(prior, to, from, planes[13]!)).toBe(7); // 9 mm feet-ward on both
    expect(relativeSlice(prior, to, from, planes[2]!)).toBe(0); // past the prior's head end: its first slice
    expect(relativeSlice(prior, to, from, planes[39]!)).toBe(33);
  });

  it('moves a feet-first prior (normal reversed) the same way in the patient, and never a stack that is not parallel', () => {
    // Written feet first: the same slices, last to first, with the row direction (and so the normal) reversed.
    const feetFirst = [...planes].reverse().map((p) =>
      planeFrom({
        ...p,
        rowCosines: scale(p.rowCosines, -1) as Vec3,
        origin: add(p.origin, scale(p.rowCosines, (p.columns - 1) * p.columnSpacing)),
      })!,
    );
    expect(feetFirst[0]!.normal[2]).toBeCloseTo(-1, 6);
    const from = sliceAnchor(planes[10]!);
    const to = sliceAnchor(feetFirst[29]!); // the same slice (39 − 10)
    // 9 mm feet-ward on the current is slice 13; on the reversed prior, 39 − 13 = 26.
    expect(relativeSlice(feetFirst, to, from, planes[13]!)).toBe(26);
    // Linked first at the same end of both stacks: the head end, the feet-first stack's last slice.
    expect(sameEndSlice(planes, feetFirst)).toBe(39);
    expect(sameEndSlice(feetFirst, planes)).toBe(39);
    expect(sameEndSlice(planes, planes)).toBe(0);
    const coronal = planes.map((p) => planeFrom({ ...p, columnCosines: [0, 0, -1] })!);
    expect(relativeSlice(coronal, sliceAnchor(coronal[0]!), from, planes[13]!)).toBeUndefined();
    expect(sameEndSlice(planes, coronal)).toBeUndefined();
  });
});
