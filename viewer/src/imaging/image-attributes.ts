/**
 * What the image loader and the overlays need from one frame's DICOM JSON: the Image Pixel module
 * (PS3.3 C.7.6.3), Modality and VOI LUT (C.11.1, C.11.2) and calibration. For enhanced
 * multi-frame objects the value is looked up in the frame's Per-Frame Functional Groups item,
 * then the Shared Functional Groups (PS3.3 C.7.6.16), then the top-level data set.
 */
import { getNumber, getString, type DicomJson } from '../../../shared/dicom/dicom-json';
import { functionalGroups } from '../../../shared/dicom/functional-groups';
import { Tag } from '../../../shared/dicom/tags';

export interface FrameAttributes {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  photometricInterpretation: string;
  planarConfiguration: number;
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  slope: number;
  intercept: number;
  windowCenter?: number;
  windowWidth?: number;
  /** mm per pixel [row spacing, column spacing]; undefined when the image is uncalibrated. */
  pixelSpacing?: [number, number];
  sliceThickness?: number;
  sliceLocation?: number;
  numberOfFrames: number;
}

/** The items of every functional group macro that applies to `frame`, per-frame ones first. */
function frameMacros(instance: DicomJson, frame: number): DicomJson[] {
  return functionalGroups(instance, frame).flatMap((group) =>
    Object.values(group).flatMap((element) =>
      (element.Value ?? []).filter((item): item is DicomJson => typeof item === 'object' && item !== null),
    ),
  );
}

/** The data set holding `tag` for this frame: the instance itself, or a macro item inside a functional group. */
function holderOf(instance: DicomJson, frame: number, tag: string): DicomJson | undefined {
  if (instance[tag]?.Value !== undefined) return instance;
  return frameMacros(instance, frame).find((item) => item[tag]?.Value !== undefined);
}

function frameNumber(instance: DicomJson, frame: number, tag: string): number | undefined {
  // Per-frame values win over the top level for enhanced objects.
  for (const item of frameMacros(instance, frame)) {
    const n = getNumber(item, tag);
    if (n !== undefined) return n;
  }
  return getNumber(holderOf(instance, frame, tag), tag);
}

function spacing(instance: DicomJson, frame: number, tag: string): [number, number] | undefined {
  const values = holderOf(instance, frame, tag)?.[tag]?.Value;
  const row = Number(values?.[0]);
  const column = Number(values?.[1] ?? values?.[0]);
  return row > 0 && column > 0 ? [row, column] : undefined;
}

export function frameAttributes(instance: DicomJson, frame = 1): FrameAttributes {
  const bitsAllocated = getNumber(instance, Tag.BitsAllocated) ?? 16;
  return {
    rows: getNumber(instance, Tag.Rows) ?? 0,
    columns: getNumber(instance, Tag.Columns) ?? 0,
    samplesPerPixel: getNumber(instance, Tag.SamplesPerPixel) ?? 1,
    photometricInterpretation: (getString(instance, Tag.PhotometricInterpretation) ?? 'MONOCHROME2').trim(),
    planarConfiguration: getNumber(instance, Tag.PlanarConfiguration) ?? 0,
    bitsAllocated,
    bitsStored: getNumber(instance, Tag.BitsStored) ?? bitsAllocated,
    signed: getNumber(instance, Tag.PixelRepresentation) === 1,
    slope: frameNumber(instance, frame, Tag.RescaleSlope) ?? 1,
    intercept: frameNumber(instance, frame, Tag.RescaleIntercept) ?? 0,
    windowCenter: frameNumber(instance, frame, Tag.WindowCenter),
    windowWidth: frameNumber(instance, frame, Tag.WindowWidth),
    pixelSpacing: spacing(instance, frame, Tag.PixelSpacing) ?? spacing(instance, frame, Tag.ImagerPixelSpacing),
    sliceThickness: frameNumber(instance, frame, Tag.SliceThickness),
    sliceLocation: frameNumber(instance, frame, Tag.SliceLocation),
    numberOfFrames: Math.max(1, getNumber(instance, Tag.NumberOfFrames) ?? 1),
  };
}

/** SOP classes without a picture to show yet (PS3.4 B.5): SR, PDF/CDA, segmentation, RT objects other than RT Image, KO, PR, waveforms. */
const NON_IMAGE_SOP_CLASS = /^1\.2\.840\.10008\.5\.1\.4\.1\.1\.(88\.|104\.|66\.|481\.(?!1$)|11\.|9\.)/;

/**
 * Pixel Data listed in the metadata with no value at all (no BulkDataURI, InlineBinary or Value)
 * is empty in the object (the corpus has an MR image like that): there is no frame to fetch. An
 * archive that leaves Pixel Data out of its metadata is not read as "empty".
 */
function hasEmptyPixelData(instance: DicomJson): boolean {
  const element = instance[Tag.PixelData];
  return element !== undefined && element.BulkDataURI === undefined && element.InlineBinary === undefined && element.Value === undefined;
}

export function isDisplayable(instance: DicomJson): boolean {
  const sopClass = getString(instance, Tag.SOPClassUID) ?? '';
  if (NON_IMAGE_SOP_CLASS.test(sopClass) || hasEmptyPixelData(instance)) return false;
  const bits = getNumber(instance, Tag.BitsAllocated);
  return (getNumber(instance, Tag.Rows) ?? 0) > 0 && (getNumber(instance, Tag.Columns) ?? 0) > 0 && (bits === 8 || bits === 16);
}
