/**
 * WADO-RS Retrieve calls the image viewer makes (PS3.18 10.4); multipart answers are read as they
 * arrive with shared/dicomweb/multipart-decoder. Only our DICOMweb API is used, so the viewer
 * works against any conformant archive.
 * https://dicom.nema.org/medical/dicom/current/output/chtml/part18/sect_10.4.html
 */
import type { DicomJson } from '../../../shared/dicom/dicom-json';
import { DICOM_JSON, parseMediaType } from '../../../shared/dicomweb/media-types';
import { multipartBoundary, multipartParts } from '../../../shared/dicomweb/multipart-decoder';
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
  if (!res.body || !parseMediaType(contentType)?.type.startsWith('multipart/')) {
    return [{ body: new Uint8Array(await res.arrayBuffer()), transferSyntax: transferSyntaxOf(contentType) }];
  }
  const parts: FramePart[] = [];
  for await (const part of multipartParts(chunksOf(res.body), multipartBoundary(contentType))) {
    parts.push({ body: part.body, transferSyntax: transferSyntaxOf(part.headers['content-type'] ?? '') });
  }
  return parts;
}

function transferSyntaxOf(contentType: string): string | undefined {
  return parseMediaType(contentType)?.params['transfer-syntax'];
}

/** The chunks of a fetch body; the stream is cancelled if the reader stops early. */
async function* chunksOf(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      yield next.value;
    }
    done = true;
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
