import type { DicomJson } from '../../shared/dicom/dicom-json';
import { getNumber, getString } from '../../shared/dicom/dicom-json';
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

const T = {
  PixelRepresentation: '00280103',
  WindowCenter: '00281050',
  WindowWidth: '00281051',
  RescaleIntercept: '00281052',
  RescaleSlope: '00281053',
  VOILUTFunction: '00281056',
  ModalityLUTSequence: '00283000',
  LUTDescriptor: '00283002',
  LUTData: '00283006',
  VOILUTSequence: '00283010',
  PaletteDescriptors: ['00281101', '00281102', '00281103'],
  PaletteData: ['00281201', '00281202', '00281203'],
  PixelValueTransformationSequence: '00289145',
  FrameVOILUTSequence: '00289132',
  SharedFunctionalGroupsSequence: '52009229',
  PerFrameFunctionalGroupsSequence: '52009230',
  FloatPixelData: '7FE00008',
  DoubleFloatPixelData: '7FE00009',
} as const;

export async function renderingAttributes(ds: DicomJson, frameNumber: number, read: BinaryReader): Promise<RenderingAttributes> {
  const signed = getNumber(ds, T.PixelRepresentation) === 1;
  const rescaleItem = macroItem(ds, frameNumber, T.PixelValueTransformationSequence, T.RescaleSlope);
  const voiItem = macroItem(ds, frameNumber, T.FrameVOILUTSequence, T.WindowCenter);
  const attributes: RenderingAttributes = { floatPixels: T.FloatPixelData in ds || T.DoubleFloatPixelData in ds };

  const slope = getNumber(rescaleItem, T.RescaleSlope);
  const intercept = getNumber(rescaleItem, T.RescaleIntercept);
  if (slope !== undefined || intercept !== undefined) attributes.rescale = { slope: slope ?? 1, intercept: intercept ?? 0 };
  else {
    const item = firstItem(ds, T.ModalityLUTSequence);
    const lut = item && (await readLookupTable(item[T.LUTDescriptor], item[T.LUTData], read, signed));
    if (lut) attributes.modalityLut = lut;
  }

  const center = getNumber(voiItem, T.WindowCenter);
  const width = getNumber(voiItem, T.WindowWidth);
  if (center !== undefined && width !== undefined && width > 0) {
    attributes.window = { center, width, function: voiFunction(getString(voiItem, T.VOILUTFunction)) };
  } else {
    const item = firstItem(ds, T.VOILUTSequence);
    // After a Modality LUT or rescale the VOI LUT input is signed when values can be negative.
    const lut = item && (await readLookupTable(item[T.LUTDescriptor], item[T.LUTData], read, signed || attributes.rescale !== undefined));
    if (lut) attributes.voiLut = lut;
  }

  if (getString(ds, '00280004') === 'PALETTE COLOR') {
    const [red, green, blue] = await Promise.all(
      T.PaletteDescriptors.map((d, i) => readLookupTable(ds[d], ds[T.PaletteData[i]!], read, signed)),
    );
    if (red && green && blue) attributes.palette = { red, green, blue };
  }
  return attributes;
}

/** The data set holding `probe` for this frame: per-frame item, shared item, or the top level. */
function macroItem(ds: DicomJson, frameNumber: number, macro: string, probe: string): DicomJson {
  const perFrame = firstItem(itemAt(ds, T.PerFrameFunctionalGroupsSequence, frameNumber - 1), macro);
  if (perFrame && probe in perFrame) return perFrame;
  const shared = firstItem(itemAt(ds, T.SharedFunctionalGroupsSequence, 0), macro);
  if (shared && probe in shared) return shared;
  return ds;
}

function itemAt(ds: DicomJson | undefined, tag: string, index: number): DicomJson | undefined {
  const value = ds?.[tag]?.Value?.[index];
  return typeof value === 'object' && value !== null ? (value as DicomJson) : undefined;
}

function firstItem(ds: DicomJson | undefined, tag: string): DicomJson | undefined {
  return itemAt(ds, tag, 0);
}

function voiFunction(value: string | undefined): VoiFunction {
  const upper = value?.trim().toUpperCase();
  return upper === 'LINEAR_EXACT' || upper === 'SIGMOID' ? upper : 'LINEAR';
}
