import fs from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { imagePlaneOf, pixelToPatient, planeCenter, type ImagePlane } from '../../viewer/src/geometry/image-plane';
import { nearestSlice } from '../../viewer/src/geometry/nearest-slice';
import { edgeLabels, orientationLabel } from '../../viewer/src/geometry/orientation';
import { referenceLine } from '../../viewer/src/geometry/reference-line';
import { CORPUS_DIR } from '../helpers/corpus';

const STUDY = path.join(CORPUS_DIR, 'series/mr-ge-premier-study');

/** The Image Plane attributes of a corpus file as DICOM JSON (what the viewer gets from WADO-RS metadata). */
function planeJson(file: string): DicomJson {
  const ds = dicomParser.parseDicom(new Uint8Array(fs.readFileSync(file)));
  const ds_ = (tag: string) => (ds.string(`x${tag.toLowerCase()}`) ?? '').split('\\').map(Number);
  return {
    '00200032': { vr: 'DS', Value: ds_('00200032') },
    '00200037': { vr: 'DS', Value: ds_('00200037') },
    '00280030': { vr: 'DS', Value: ds_('00280030') },
    '00280010': { vr: 'US', Value: [ds.uint16('x00280010')] },
    '00280011': { vr: 'US', Value: [ds.uint16('x00280011')] },
    '00200052': { vr: 'UI', Value: [ds.string('x00200052')] },
    '00200013': { vr: 'IS', Value: [Number(ds.string('x00200013'))] },
  };
}

function seriesPlanes(folder: string): ImagePlane[] {
  const dir = path.join(STUDY, folder);
  return fs
    .readdirSync(dir)
    .map((f) => planeJson(path.join(dir, f)))
    .sort((a, b) => Number(a['00200013']!.Value![0]) - Number(b['00200013']!.Value![0]))
    .map((json) => imagePlaneOf(json)!);
}

// GE 3-plane localizer: instances 1–7 axial, 8–14 sagittal, 15–21 coronal (256², 0.9375 mm).
const localizer = seriesPlanes('01-3plane-localizer');
// Axial EPI: 64², 3.75 mm, ten slice positions from z = −11.1 to 15.9 mm, repeated over time.
const epi = seriesPlanes('02-ax-fmri-epi');
const axialLocalizer = localizer[3]!; // z = 0
const sagittal = localizer[10]!; // x = 0
const coronal = localizer[17]!; // y = 0

describe('image plane from DICOM JSON', () => {
  it('reads position, cosines, spacing and frame of reference of a real MR slice', () => {
    expect(coronal.origin).toEqual([-119.53125, 0, 119.53125]);
    expect(coronal.rowCosines).toEqual([1, -0, 0]);
    expect(coronal.columnCosines).toEqual([-0, -0, -1]);
    expect(coronal.normal[1]).toBeCloseTo(1); // x × −z = +y
    expect([coronal.rows, coronal.columns, coronal.rowSpacing, coronal.columnSpacing]).toEqual([256, 256, 0.9375, 0.9375]);
    expect(coronal.frameOfReferenceUid).toBe(epi[0]!.frameOfReferenceUid);
    expect(planeCenter(axialLocalizer)[0]).toBeCloseTo(0);
    expect(planeCenter(axialLocalizer)[1]).toBeCloseTo(0);
  });

  it('takes an enhanced multi-frame frame from its functional groups, per-frame before shared', () => {
    const frame = (z: number) => ({
      '00209113': { vr: 'SQ', Value: [{ '00200032': { vr: 'DS', Value: [-100, -100, z] } }] },
    });
    const instance: DicomJson = {
      '00280010': { vr: 'US', Value: [200] },
      '00280011': { vr: 'US', Value: [100] },
      '00200052': { vr: 'UI', Value: ['1.2.3'] },
      '52009229': {
        vr: 'SQ',
        Value: [
          {
            '00209116': { vr: 'SQ', Value: [{ '00200037': { vr: 'DS', Value: [1, 0, 0, 0, 1, 0] } }] },
            '00289110': { vr: 'SQ', Value: [{ '00280030': { vr: 'DS', Value: [0.5, 2] } }] },
          },
        ],
      },
      '52009230': { vr: 'SQ', Value: [frame(-5), frame(0), frame(5)] },
    };
    const third = imagePlaneOf(instance, 3)!;
    expect(third.origin).toEqual([-100, -100, 5]);
    expect(third.rowSpacing).toBe(0.5);
    expect(third.columnSpacing).toBe(2);
    expect(pixelToPatient(third, { x: 10, y: 10 })).toEqual([-80, -95, 5]);
    expect(imagePlaneOf(instance, 1)!.origin[2]).toBe(-5);
  });

  it('has no plane without the geometry (a CR, a secondary capture)', () => {
    expect(imagePlaneOf({ '00280010': { vr: 'US', Value: [10] }, '00280011': { vr: 'US', Value: [10] } })).toBeUndefined();
  });
});

describe('reference line', () => {
  it('puts an axial EPI slice on the coronal localizer as a horizontal line at its height', () => {
    const slice = epi.find((p) => Math.abs(p.origin[2] - 0.9) < 0.01)!;
    const line = referenceLine(slice, coronal)!;
    // Row of z = 0.9 on the coronal image: (119.53125 − 0.9) / 0.9375; the EPI spans x = −120…120 mm.
    expect(line.start.y).toBeCloseTo((119.53125 - 0.9) / 0.9375, 2);
    expect(line.end.y).toBeCloseTo(line.start.y, 6);
    expect(Math.min(line.start.x, line.end.x)).toBeCloseTo(-0.5, 2);
    expect(Math.max(line.start.x, line.end.x)).toBeCloseTo(255.5, 2);
  });

  it('puts the sagittal localizer on the axial EPI as a vertical line through x = 0', () => {
    const line = referenceLine(sagittal, epi[0]!)!;
    // Column of x = 0 on the EPI: 118.125 / 3.75 = 31.5; the sagittal spans y = −120…120, all of the EPI.
    expect(line.start.x).toBeCloseTo(31.5, 4);
    expect(line.end.x).toBeCloseTo(31.5, 4);
    expect(Math.abs(line.end.y - line.start.y)).toBeCloseTo(64, 4);
  });

  it('draws nothing between parallel slices or across frames of reference', () => {
    expect(referenceLine(axialLocalizer, epi[0]!)).toBeUndefined();
    expect(referenceLine({ ...sagittal, frameOfReferenceUid: '1.2.3' }, epi[0]!)).toBeUndefined();
  });

  it('draws nothing when the source slice lies outside the target image', () => {
    const far = { ...epi[0]!, origin: [-118.125, -118.125, 500] as const };
    expect(referenceLine(far, coronal)).toBeUndefined();
  });
});

describe('orientation labels (PS3.3 C.7.6.2.1.1)', () => {
  it('names the edges of axial, sagittal and coronal images', () => {
    const still = { rotation: 0, hflip: false, vflip: false };
    expect(edgeLabels(axialLocalizer, still)).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' });
    expect(edgeLabels(sagittal, still)).toEqual({ left: 'A', right: 'P', top: 'H', bottom: 'F' });
    expect(edgeLabels(coronal, still)).toEqual({ left: 'R', right: 'L', top: 'H', bottom: 'F' });
  });

  it('follows rotation and flips as cornerstone applies them', () => {
    expect(edgeLabels(axialLocalizer, { rotation: 90, hflip: false, vflip: false })).toEqual({
      left: 'P',
      right: 'A',
      top: 'R',
      bottom: 'L',
    });
    expect(edgeLabels(axialLocalizer, { rotation: 0, hflip: true, vflip: false })).toEqual({
      left: 'L',
      right: 'R',
      top: 'A',
      bottom: 'P',
    });
    expect(edgeLabels(axialLocalizer, { rotation: 180, hflip: false, vflip: true })).toEqual({
      left: 'L',
      right: 'R',
      top: 'A',
      bottom: 'P',
    });
    // Flipped first (L on the left), then turned clockwise: the left edge goes to the top.
    expect(edgeLabels(axialLocalizer, { rotation: 90, hflip: true, vflip: false })).toEqual({
      left: 'P',
      right: 'A',
      top: 'L',
      bottom: 'R',
    });
  });

  it('names oblique directions with the strongest letter first', () => {
    expect(orientationLabel([0.8, -0.6, 0])).toBe('LA');
    expect(orientationLabel([0.3, 0.2, -0.93])).toBe('FLP');
    expect(orientationLabel([0.999, 0.001, 0])).toBe('L');
  });
});

describe('nearest slice', () => {
  it('finds the EPI slice nearest to a localizer slice and to a point', () => {
    // Axial localizer at z = 0: the EPI slices at z = 0.9 are nearest (the first one in the list wins).
    const index = nearestSlice(epi, planeCenter(axialLocalizer))!;
    expect(epi[index]!.origin[2]).toBeCloseTo(0.9, 4);
    expect(epi.findIndex((p) => Math.abs(p.origin[2] - 0.9) < 0.01)).toBe(index);
    expect(epi[nearestSlice(epi, [0, 0, 14.8])!]!.origin[2]).toBeCloseTo(15.9, 4);
    expect(epi[nearestSlice(epi, [0, 0, -40])!]!.origin[2]).toBeCloseTo(-11.1, 4);
  });

  it('skips slices without geometry and has no answer for none', () => {
    expect(nearestSlice([undefined, epi[0], undefined], [0, 0, 0])).toBe(1);
    expect(nearestSlice([undefined], [0, 0, 0])).toBeUndefined();
  });
});
