import { createRequire } from 'node:module';
import type { DicomJson, DicomJsonElement } from '../../shared/dicom/dicom-json';
import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } from '../../shared/dicom/transfer-syntaxes';
import { fileMetaHeader } from '../codecs/file-meta';
import { Part10Error, Part10StreamParser } from '../ingest/part10-parser';

/**
 * The small data sets of query/retrieve messages (identifiers and C-FIND matches, PS3.4 C.4)
 * to and from DICOM JSON. Reading goes through the archive's Part 10 parser behind a File Meta
 * Information group of ours, so text is decoded with its Specific Character Set exactly as at
 * ingest; writing goes through dcmjs's writer in the presentation context's syntax.
 */

export class DataSetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataSetError';
  }
}

export function decodeDataSet(bytes: Buffer, transferSyntaxUid: string): DicomJson {
  const parser = new Part10StreamParser({ inlineBinaryMaxBytes: 64 * 1024 });
  try {
    // The SOP UIDs of the meta group are never read back: any valid UID does.
    parser.write(fileMetaHeader({ sopClassUid: '1.2', sopInstanceUid: '1.2', transferSyntaxUid }));
    parser.write(bytes);
    return parser.end().dataset;
  } catch (error) {
    if (error instanceof Part10Error) throw new DataSetError(`the data set cannot be read: ${error.message}`);
    throw error;
  }
}

interface DcmjsWriteStream {
  size: number;
  getBuffer(start: number, end: number): ArrayBuffer;
}
// dcmjs ships no type declarations: only its writer is used here.
const dcmjs = createRequire(import.meta.url)('dcmjs') as {
  data: {
    WriteBufferStream: new (defaultSize: number, littleEndian: boolean) => DcmjsWriteStream;
    DicomMessage: { write(json: Record<string, DicomJsonElement>, stream: DcmjsWriteStream, syntax: string, options: object): number };
  };
};

/** `dataSet` in Implicit or Explicit VR Little Endian; text in UTF-8, so it must declare ISO_IR 192 when a value needs it. */
export function encodeDataSet(dataSet: DicomJson, transferSyntaxUid: string): Buffer {
  if (transferSyntaxUid !== IMPLICIT_VR_LITTLE_ENDIAN && transferSyntaxUid !== EXPLICIT_VR_LITTLE_ENDIAN)
    throw new Error(`query/retrieve data sets are written in Implicit or Explicit VR Little Endian, not ${transferSyntaxUid}`);
  const stream = new dcmjs.data.WriteBufferStream(1024, true);
  dcmjs.data.DicomMessage.write(forDcmjs(dataSet), stream, transferSyntaxUid, {});
  return Buffer.from(stream.getBuffer(0, stream.size));
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
