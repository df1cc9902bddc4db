import { createRequire } from 'node:module';
import type { DicomJsonElement } from '../../shared/dicom/dicom-json';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../../shared/dicom/transfer-syntaxes';

/**
 * One DICOM JSON attribute (PS3.18 F.2), sequences included, as Explicit VR Little Endian bytes
 * through dcmjs's writer: sequences and items of undefined length with their delimiters, text in
 * UTF-8 (the caller declares ISO_IR 192 when a value needs it). For the few nested values a
 * DICOMDIR record copies from an instance (PS3.3 F.5: code sequences, content items); dcmjs writes
 * binary values given as InlineBinary or BulkDataURI empty, and those items hold none.
 */

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

/** `tag` as 8 hex digits, as in DICOM JSON. */
export function encodeDicomJsonElement(tag: string, element: DicomJsonElement): Buffer {
  const stream = new dcmjs.data.WriteBufferStream(256, true);
  // dcmjs may normalise the values it writes: it gets its own copy.
  dcmjs.data.DicomMessage.write({ [tag]: structuredClone(element) }, stream, EXPLICIT_VR_LITTLE_ENDIAN, {});
  return Buffer.from(stream.getBuffer(0, stream.size));
}
