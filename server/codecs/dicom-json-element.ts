import type { DicomJson, DicomJsonElement } from '../../shared/dicom/dicom-json';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../../shared/dicom/transfer-syntaxes';
import { lazyRequire } from '../lazy-require';

/**
 * DICOM JSON (PS3.18 F.2), sequences included, as data set bytes through dcmjs's writer:
 * sequences and items of undefined length with their delimiters, text in UTF-8 (the caller
 * declares ISO_IR 192 when a value needs it). For small data sets the archive writes itself: the
 * nested values a DICOMDIR record copies from an instance (PS3.3 F.5), and query/retrieve
 * identifiers and matches (DIMSE). dcmjs writes binary values given as InlineBinary or
 * BulkDataURI empty, and those data sets hold none.
 */

interface DcmjsWriteStream {
  size: number;
  getBuffer(start: number, end: number): ArrayBuffer;
}
// dcmjs ships no type declarations: only its writer is used here.
const dcmjs = lazyRequire<{
  data: {
    WriteBufferStream: new (defaultSize: number, littleEndian: boolean) => DcmjsWriteStream;
    DicomMessage: { write(json: Record<string, DicomJsonElement>, stream: DcmjsWriteStream, syntax: string, options: object): number };
  };
}>('dcmjs');

/** `dataSet` in Implicit or Explicit VR Little Endian (`syntax`). */
export function encodeDicomJson(dataSet: DicomJson, syntax: string): Buffer {
  const stream = new (dcmjs().data.WriteBufferStream)(1024, true);
  dcmjs().data.DicomMessage.write(forDcmjs(dataSet), stream, syntax, {});
  return Buffer.from(stream.getBuffer(0, stream.size));
}

/** One attribute, `tag` as 8 hex digits, in Explicit VR Little Endian. */
export function encodeDicomJsonElement(tag: string, element: DicomJsonElement): Buffer {
  return encodeDicomJson({ [tag]: element }, EXPLICIT_VR_LITTLE_ENDIAN);
}

/**
 * A copy for dcmjs, which may normalise what it writes; an empty attribute gets `Value: []`,
 * since dcmjs writes an absent number value as the text "undefined".
 */
function forDcmjs(dataSet: DicomJson): Record<string, DicomJsonElement> {
  const copy: Record<string, DicomJsonElement> = {};
  for (const [tag, element] of Object.entries(dataSet)) {
    if (element.vr === 'SQ') copy[tag] = { vr: 'SQ', Value: ((element.Value ?? []) as DicomJson[]).map(forDcmjs) };
    else if (element.Value === undefined && element.InlineBinary === undefined && element.BulkDataURI === undefined)
      copy[tag] = { vr: element.vr, Value: [] };
    else copy[tag] = structuredClone(element);
  }
  return copy;
}
