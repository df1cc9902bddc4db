import type { DicomJson } from '../../shared/dicom/dicom-json';
import { getItem, getNumber, getString } from '../../shared/dicom/dicom-json';
import { frameMacroItems } from '../../shared/dicom/functional-groups';
import { Tag } from '../../shared/dicom/tags';
import { readLookupTable, type BinaryReader, type LookupTable } from './lookup-table';
import type { VoiFunction, WindowSetting } from './render-options';

/**
 * What the grayscale and colour pipelines need from an instance's header for one frame
 * (PS3.4 N.2 Pixel Transformation Sequence): Modality LUT, VOI and palette. Enhanced multi-frame
 * objects keep rescale and window in functional groups (PS3.3 C.7.6.16): the frame's own item
 * first, then the shared item, then the top-level attributes.
 */
export interface RenderingAttributes {
  rescale?: { slope: number; intercept: number };
  modalityLut?: LookupTable;
  /** The header's first window (WindowCenter / WindowWidth / VOILUTFunction). */
  window?: WindowSetting;
  voiLut?: LookupTable;
  palette?: { red: LookupTable; green: LookupTable; blue: LookupTable };
  /** Float Pixel Data (7FE0,0008) or Double Float Pixel Data (7FE0,0009): samples are IEEE floats. */
  floatPixels: boolean;
}

/** Red, green and blue Palette Color Lookup Table Descriptor and Data (PS3.3 C.7.6.3.1.5). */
const PALETTE = [
  [Tag.RedPaletteColorLookupTableDescriptor, Tag.RedPaletteColorLookupTableData],
  [Tag.GreenPaletteColorLookupTableDescriptor, Tag.GreenPaletteColorLookupTableData],
  [Tag.BluePaletteColorLookupTableDescriptor, Tag.BluePaletteColorLookupTableData],
] as const;

export async function renderingAttributes(ds: DicomJson, frameNumber: number, read: BinaryReader): Promise<RenderingAttributes> {
  const signed = getNumber(ds, Tag.PixelRepresentation) === 1;
  const rescaleItem = macroItem(ds, frameNumber, Tag.PixelValueTransformationSequence, Tag.RescaleSlope);
  const voiItem = macroItem(ds, frameNumber, Tag.FrameVOILUTSequence, Tag.WindowCenter);
  const attributes: RenderingAttributes = { floatPixels: Tag.FloatPixelData in ds || Tag.DoubleFloatPixelData in ds };

  const slope = getNumber(rescaleItem, Tag.RescaleSlope);
  const intercept = getNumber(rescaleItem, Tag.RescaleIntercept);
  if (slope !== undefined || intercept !== undefined) attributes.rescale = { slope: slope ?? 1, intercept: intercept ?? 0 };
  else {
    const item = getItem(ds, Tag.ModalityLUTSequence);
    const lut = item && (await readLookupTable(item[Tag.LUTDescriptor], item[Tag.LUTData], read, signed));
    if (lut) attributes.modalityLut = lut;
  }

  const center = getNumber(voiItem, Tag.WindowCenter);
  const width = getNumber(voiItem, Tag.WindowWidth);
  if (center !== undefined && width !== undefined && width > 0) {
    attributes.window = { center, width, function: voiFunction(getString(voiItem, Tag.VOILUTFunction)) };
  } else {
    const item = getItem(ds, Tag.VOILUTSequence);
    // After a Modality LUT or rescale the VOI LUT input is signed when values can be negative.
    const lut =
      item && (await readLookupTable(item[Tag.LUTDescriptor], item[Tag.LUTData], read, signed || attributes.rescale !== undefined));
    if (lut) attributes.voiLut = lut;
  }

  if (getString(ds, Tag.PhotometricInterpretation) === 'PALETTE COLOR') {
    const [red, green, blue] = await Promise.all(
      PALETTE.map(([descriptor, data]) => readLookupTable(ds[descriptor], ds[data], read, signed)),
    );
    if (red && green && blue) attributes.palette = { red, green, blue };
  }
  return attributes;
}

/** The data set holding `probe` for this frame: per-frame item, shared item, or the top level. */
function macroItem(ds: DicomJson, frameNumber: number, macro: string, probe: string): DicomJson {
  return frameMacroItems(ds, frameNumber, macro).find((item) => probe in item) ?? ds;
}

function voiFunction(value: string | undefined): VoiFunction {
  const upper = value?.trim().toUpperCase();
  return upper === 'LINEAR_EXACT' || upper === 'SIGMOID' ? upper : 'LINEAR';
}
