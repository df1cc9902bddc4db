/**
 * WADO-RS Retrieve calls the image viewer makes (PS3.18 10.4); multipart answers are read with
 * shared/dicomweb/multipart-decoder. Only our DICOMweb API is used, so the viewer
 * works against any conformant archive.
 * https://dicom.nema.org/medical/dicom/current/output/chtml/part18/sect_10.4.html
 */
import type { DicomJson } from '../../../shared/dicom/dicom-json';
import { DICOM_JSON, parseMediaType } from '../../../shared/dicomweb/media-types';
import { decodeMultipart, multipartBoundary } from '../../../shared/dicomweb/multipart-decoder';
import { fetchOk } from './base';
import { framesUrl, seriesUrl, studyUrl } from './resource-urls';

/** WADO-RS Retrieve Study Metadata (PS3.18 10.4.1.1.2): one DICOM JSON object per instance of the study. */
export async function retrieveStudyMetadata(studyUid: string): Promise<DicomJson[]> {
  const res = await fetchOk(`${studyUrl(studyUid)}/metadata`, { headers: { accept: DICOM_JSON } });
  return (await res.json()) as DicomJson[];
}

/** WADO-RS Retrieve Series Metadata (PS3.18 10.4.1.1.2): one DICOM JSON object per instance. */
export async function retrieveSeriesMetadata(studyUid: string, seriesUid: string): Promise<DicomJson[]> {
  const res = await fetchOk(`${seriesUrl(studyUid, seriesUid)}/metadata`, { headers: { accept: DICOM_JSON } });
  return (await res.json()) as DicomJson[];
}

/**
 * WADO-RS Retrieve Frames (PS3.18 10.4.1.1.5) as native little-endian bytes: the archive decodes
 * any compressed transfer syntax when `application/octet-stream` is asked for without
 * `transfer-syntax=*`. Returns the body of each part in order.
 */
export async function retrieveFrames(studyUid: string, seriesUid: string, sopUid: string, frames: number[]): Promise<Uint8Array[]> {
  const parts = await retrieveFrameParts(studyUid, seriesUid, sopUid, frames, 'multipart/related; type="application/octet-stream"');
  return parts.map((part) => part.body);
}

export interface FramePart {
  body: Uint8Array;
  /** From the part's Content-Type (`transfer-syntax=`), undefined when the archive named none. */
  transferSyntax: string | undefined;
}

/** Retrieve Frames with the caller's Accept header; each part with the transfer syntax it is in. */
export async function retrieveFrameParts(
  studyUid: string,
  seriesUid: string,
  sopUid: string,
  frames: number[],
  accept: string,
): Promise<FramePart[]> {
  const res = await fetchOk(framesUrl(studyUid, seriesUid, sopUid, frames), { headers: { accept } });
  const contentType = res.headers.get('content-type') ?? '';
  // Read whole, not as a stream: every part is returned at once anyway, and in Chromium reading
  // a stream costs a task, a promise and a copy per chunk (issue 11).
  const body = new Uint8Array(await res.arrayBuffer());
  if (!parseMediaType(contentType)?.type.startsWith('multipart/')) return [{ body, transferSyntax: transferSyntaxOf(contentType) }];
  return decodeMultipart(body, multipartBoundary(contentType)).map((part) => ({
    body: evenlyPlaced(part.body),
    transferSyntax: transferSyntaxOf(part.headers['content-type'] ?? ''),
  }));
}

/**
 * A part's body moved one byte down in the answer's buffer when it starts at an odd offset, so
 * that 16-bit samples can be viewed where they are (an Int16Array needs an even offset) instead of
 * copied. The byte it moves over is the LF that ends the part's headers, already read; the answer's
 * buffer is no one else's.
 */
export function evenlyPlaced(body: Uint8Array): Uint8Array {
  if (body.byteOffset % 2 === 0) return body;
  const withLf = new Uint8Array(body.buffer, body.byteOffset - 1, body.length + 1);
  return withLf.copyWithin(0, 1).subarray(0, body.length);
}

function transferSyntaxOf(contentType: string): string | undefined {
  return parseMediaType(contentType)?.params['transfer-syntax'];
}
