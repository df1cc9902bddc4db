import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Readable } from 'node:stream';
import { expect } from 'vitest';
import { closeDelimiter, newBoundary, partHeader } from '../../shared/dicomweb/multipart';
import { boundaryFromContentType, readMultipartRelated } from '../../server/http/multipart-reader';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import type { ArchiveClient } from './signed-in-fetch';

/** Builds a STOW-RS body: multipart/related; type="application/dicom". */
export function stowBody(files: Buffer[], boundary = newBoundary()): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  files.forEach((file, n) => {
    chunks.push(Buffer.from(partHeader(boundary, { 'Content-Type': 'application/dicom' }, n === 0)), file);
  });
  chunks.push(Buffer.from(closeDelimiter(boundary)));
  return { body: Buffer.concat(chunks), contentType: `multipart/related; type="application/dicom"; boundary=${boundary}` };
}

export interface StowResult {
  status: number;
  json: DicomJson;
  referenced: DicomJson[];
  failed: DicomJson[];
}

/** POSTs the files to `${dicomWeb}/studies[/{study}]` in one request, as the client's principal. */
export async function stowFiles(archive: ArchiveClient, files: Buffer[], studyUid?: string): Promise<StowResult> {
  const { body, contentType } = stowBody(files);
  const res = await archive.fetch(`${archive.dicomWeb}/studies${studyUid ? `/${studyUid}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': contentType, accept: 'application/dicom+json' },
    body,
  });
  const text = await res.text();
  const json = (text ? JSON.parse(text) : {}) as DicomJson;
  return {
    status: res.status,
    json,
    referenced: (json['00081199']?.Value ?? []) as DicomJson[],
    failed: (json['00081198']?.Value ?? []) as DicomJson[],
  };
}

/** Stores the files with stowFiles and expects the archive to take them all (200). */
export async function expectStored(archive: ArchiveClient, files: Buffer[], studyUid?: string): Promise<StowResult> {
  const result = await stowFiles(archive, files, studyUid);
  expect(result.status).toBe(200);
  return result;
}

export interface RetrievedPart {
  headers: Record<string, string>;
  body: Buffer;
}

/** GETs a WADO-RS multipart response and returns its parts. */
export async function getMultipart(
  archive: ArchiveClient,
  url: string,
  accept = 'multipart/related; type="application/dicom"; transfer-syntax=*',
): Promise<{ status: number; contentType: string; parts: RetrievedPart[] }> {
  const res = await archive.fetch(url, { headers: { accept } });
  const contentType = res.headers.get('content-type') ?? '';
  if (res.status !== 200) {
    await res.arrayBuffer();
    return { status: res.status, contentType, parts: [] };
  }
  const boundary = boundaryFromContentType(contentType);
  const parts: RetrievedPart[] = [];
  const source = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  for await (const part of readMultipartRelated(source, boundary)) {
    const chunks: Buffer[] = [];
    for await (const chunk of part.body) chunks.push(chunk);
    parts.push({ headers: part.headers, body: Buffer.concat(chunks) });
  }
  return { status: res.status, contentType, parts };
}

export async function getJson(
  archive: ArchiveClient,
  url: string,
  accept = 'application/dicom+json',
): Promise<{ status: number; json: unknown; headers: Headers }> {
  const res = await archive.fetch(url, { headers: { accept } });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined, headers: res.headers };
}

/** POST of a JSON body that must answer `expected` (201 by default); the answer's JSON. */
export async function postJson<T>(client: ArchiveClient, url: string, body: unknown, expected = 201): Promise<T> {
  const res = await client.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  expect(res.status, text).toBe(expected);
  return JSON.parse(text) as T;
}

/** What the archive stores: the file with its 128-byte preamble zeroed. */
export function withZeroPreamble(file: Buffer): Buffer {
  const copy = Buffer.from(file);
  copy.fill(0, 0, Math.min(128, copy.length));
  return copy;
}

/** The first value of an attribute in a DICOM JSON object (undefined when absent or empty). */
export function firstValue(ds: DicomJson | undefined, tag: string): unknown {
  return ds?.[tag]?.Value?.[0];
}
