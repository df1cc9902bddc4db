/**
 * The body of a Store Instances request (PS3.18 10.5.1, 8.7.1): one `application/dicom` part per
 * file, written with shared/dicomweb/multipart.ts.
 */
import { DICOM, MULTIPART_RELATED, formatMediaType } from '../../../shared/dicomweb/media-types';
import { closeDelimiter, newBoundary, partHeader } from '../../../shared/dicomweb/multipart';

/** The request body as a Blob of parts (the file bytes are referenced, never copied into a string). */
export function stowBody(files: readonly ArrayBuffer[]): { body: Blob; contentType: string } {
  const boundary = newBoundary();
  const parts: BlobPart[] = [];
  files.forEach((bytes, n) => parts.push(partHeader(boundary, { 'Content-Type': DICOM }, n === 0), bytes));
  parts.push(closeDelimiter(boundary));
  return {
    body: new Blob(parts),
    contentType: formatMediaType(MULTIPART_RELATED, { type: DICOM, boundary }),
  };
}
