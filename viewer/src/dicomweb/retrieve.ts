/**
 * WADO-RS and QIDO-RS calls the image viewer makes (PS3.18 10.4 Retrieve, 10.6 Search); multipart
 * answers are read with shared/dicomweb/multipart-decoder. Only our DICOMweb API is used, so the
 * viewer works against any conformant archive.
 */
import type { DicomJson } from '../../../shared/dicom/dicom-json';
import { parseMediaType } from '../../../shared/dicomweb/media-types';
import { multipartBoundary, multipartParts } from '../../../shared/dicomweb/multipart-decoder';
import { framesPath, instancePath, seriesPath, studyPath } from '../../../shared/dicomweb/paths';
import { DICOMWEB_ROOT, fetchOk } from './base';

export function studyUrl(studyUid: string): string {
  return `${DICOMWEB_ROOT}/${studyPath(studyUid)}`;
}

export function seriesUrl(studyUid: string, seriesUid: string): string {
  return `${DICOMWEB_ROOT}/${seriesPath(studyUid, seriesUid)}`;
}

export function instanceUrl(studyUid: string, seriesUid: string, sopUid: string): string {
  return `${DICOMWEB_ROOT}/${instancePath(studyUid, seriesUid, sopUid)}`;
}

/** PS3.18 10.4.1.1.4: a small rendered image of the series (the archive picks a representative instance). */
export function seriesThumbnailUrl(studyUid: string, seriesUid: string, size = 96): string {
  return `${seriesUrl(studyUid, seriesUid)}/thumbnail?viewport=${size},${size}`;
}

/** PS3.18 10.4.1.1.3: one frame rendered by the archive (used for colour spaces we do not convert). */
export function renderedFrameUrl(studyUid: string, seriesUid: string, sopUid: string, frame: number): string {
  return `${framesPath(instanceUrl(studyUid, seriesUid, sopUid), [frame])}/rendered?accept=image/png`;
}

/** QIDO-RS Search for Series in a study (PS3.18 10.6.1), every series with its default attributes. */
export async function searchForSeries(studyUid: string): Promise<DicomJson[]> {
  const res = await fetchOk(`${studyUrl(studyUid)}/series?includefield=0008103E,00200011,00201209,00080060`, {
    headers: { accept: 'application/dicom+json' },
  });
  const text = await res.text();
  return text ? (JSON.parse(text) as DicomJson[]) : [];
}

/** WADO-RS Retrieve Series Metadata (PS3.18 10.4.1.1.2): one DICOM JSON object per instance. */
export async function retrieveSeriesMetadata(studyUid: string, seriesUid: string): Promise<DicomJson[]> {
  const res = await fetchOk(`${seriesUrl(studyUid, seriesUid)}/metadata`, { headers: { accept: 'application/dicom+json' } });
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
  const res = await fetchOk(framesPath(instanceUrl(studyUid, seriesUid, sopUid), frames), { headers: { accept } });
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
