import dicomParser from 'dicom-parser';
import type { FrameGeometry } from '../../server/codecs/frame-geometry';
import { corpusFile } from './corpus';

/** The Image Pixel Module of a corpus file as a FrameGeometry, read by dicom-parser (an independent reader). */
export function corpusGeometry(relative: string): FrameGeometry {
  return frameGeometryOf(dicomParser.parseDicom(new Uint8Array(corpusFile(relative)), { untilTag: 'x7fe00010' }));
}

/** The Image Pixel Module of a parsed data set as a FrameGeometry. */
export function frameGeometryOf(ds: dicomParser.DataSet): FrameGeometry {
  return {
    rows: ds.uint16('x00280010')!,
    columns: ds.uint16('x00280011')!,
    samplesPerPixel: ds.uint16('x00280002') ?? 1,
    bitsAllocated: ds.uint16('x00280100')!,
    bitsStored: ds.uint16('x00280101')!,
    pixelRepresentation: ds.uint16('x00280103') === 1 ? 1 : 0,
    photometricInterpretation: ds.string('x00280004') ?? 'MONOCHROME2',
    planarConfiguration: ds.uint16('x00280006') === 1 ? 1 : 0,
  };
}
