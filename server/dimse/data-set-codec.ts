import type { DicomJson } from '../../shared/dicom/dicom-json';
import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } from '../../shared/dicom/transfer-syntaxes';
import { encodeDicomJson } from '../codecs/dicom-json-element';
import { fileMetaHeader } from '../codecs/file-meta';
import { Part10Error, Part10StreamParser } from '../ingest/part10-parser';
import { writeDataSet } from './data-set-writer';

/**
 * The small data sets of query/retrieve messages (identifiers and C-FIND matches, PS3.4 C.4)
 * to and from DICOM JSON. Reading goes through the archive's Part 10 parser behind a File Meta
 * Information group of ours, so text is decoded with its Specific Character Set exactly as at
 * ingest; writing in the presentation context's syntax by our writer (data-set-writer.ts, the
 * per-match cost of a C-FIND), or dcmjs's (dicom-json-element.ts) for what ours does not handle.
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

/** `dataSet` in Implicit or Explicit VR Little Endian; text in UTF-8, so it must declare ISO_IR 192 when a value needs it. */
export function encodeDataSet(dataSet: DicomJson, transferSyntaxUid: string): Buffer {
  if (transferSyntaxUid !== IMPLICIT_VR_LITTLE_ENDIAN && transferSyntaxUid !== EXPLICIT_VR_LITTLE_ENDIAN)
    throw new Error(`query/retrieve data sets are written in Implicit or Explicit VR Little Endian, not ${transferSyntaxUid}`);
  return writeDataSet(dataSet, transferSyntaxUid) ?? encodeDicomJson(dataSet, transferSyntaxUid);
}
