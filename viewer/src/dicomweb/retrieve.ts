/**
 * WADO-RS and QIDO-RS calls the image viewer makes (PS3.18 10.4 Retrieve, 10.6 Search), and a
 * multipart/related reader for the browser (RFC 2046 5.1.1). Only our DICOMweb API is used, so the
 * viewer works against any conformant archive.
 */
import type { DicomJson } from '../../../shared/dicom/dicom-json';
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
  const body = new Uint8Array(await res.arrayBuffer());
  if (!contentType.toLowerCase().startsWith('multipart/')) return [{ body, transferSyntax: transferSyntaxOf(contentType) }];
  return multipartParts(body, boundaryOf(contentType)).map((part) => ({
    body: part.body,
    transferSyntax: transferSyntaxOf(part.headers['content-type'] ?? ''),
  }));
}

function transferSyntaxOf(contentType: string): string | undefined {
  return /transfer-syntax\s*=\s*"?([0-9.]+)"?/i.exec(contentType)?.[1];
}

export function boundaryOf(contentType: string): string {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new Error(`multipart answer without a boundary: ${contentType}`);
  return boundary;
}

/** The bodies of a multipart/related message (views into `data`, no copies). */
export function multipartBodies(data: Uint8Array, boundary: string): Uint8Array[] {
  return multipartParts(data, boundary).map((part) => part.body);
}

/** The parts of a multipart/related message: headers (lower-case names) and body (a view into `data`). */
export function multipartParts(data: Uint8Array, boundary: string): { headers: Record<string, string>; body: Uint8Array }[] {
  const delimiter = new TextEncoder().encode(`--${boundary}`);
  const parts: { headers: Record<string, string>; body: Uint8Array }[] = [];
  let at = indexOf(data, delimiter, 0);
  while (at >= 0) {
    const afterDelimiter = at + delimiter.length;
    if (data[afterDelimiter] === 0x2d && data[afterDelimiter + 1] === 0x2d) break; // close delimiter
    const headersEnd = indexOf(data, CRLF_CRLF, afterDelimiter);
    if (headersEnd < 0) break;
    const start = headersEnd + CRLF_CRLF.length;
    const next = indexOf(data, delimiter, start);
    if (next < 0) break;
    // The CRLF before a delimiter belongs to the delimiter.
    const end = next >= 2 && data[next - 2] === 0x0d && data[next - 1] === 0x0a ? next - 2 : next;
    parts.push({ headers: headerFields(data.subarray(afterDelimiter, headersEnd)), body: data.subarray(start, end) });
    at = next;
  }
  return parts;
}

function headerFields(block: Uint8Array): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of new TextDecoder('latin1').decode(block).split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return fields;
}

const CRLF_CRLF = new Uint8Array([0x0d, 0x0a, 0x0d, 0x0a]);

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  outer: for (let i = haystack.indexOf(first ?? 0, from); i >= 0 && i <= last; i = haystack.indexOf(first ?? 0, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
