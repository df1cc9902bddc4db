import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Readable } from 'node:stream';
import dicomParser from 'dicom-parser';
import sharp from 'sharp';
import { expect } from 'vitest';
import { boundaryFromContentType, readMultipartRelated } from '../../server/http/multipart-reader';
import { corpusFile } from './corpus';
import type { ArchiveClient } from './signed-in-fetch';

/**
 * Reading what Retrieve Rendered and Thumbnail answer (images decoded with sharp, multipart
 * answers split) and what the original files hold (rescaled values read by dicom-parser), for
 * the rendered tests.
 */

export interface Decoded {
  data: Buffer;
  width: number;
  height: number;
  channels: number;
  format: string | undefined;
  pages: number;
}

export async function decode(body: Buffer): Promise<Decoded> {
  const meta = await sharp(body).metadata();
  // sharp's raw output is sRGB unless told to keep a gray image gray.
  const decoder = meta.channels === 1 ? sharp(body).toColourspace('b-w') : sharp(body);
  const { data, info } = await decoder.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels, format: meta.format, pages: meta.pages ?? 1 };
}

export async function get(
  archive: ArchiveClient,
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await archive.fetch(url, { headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

export async function multipartImages(
  archive: ArchiveClient,
  url: string,
  accept?: string,
): Promise<Array<{ headers: Record<string, string>; body: Buffer }>> {
  const res = await archive.fetch(url, { headers: accept ? { accept } : {} });
  expect(res.status).toBe(200);
  const contentType = res.headers.get('content-type') ?? '';
  expect(contentType).toMatch(/^multipart\/related; type="?image\/(jpeg|png)"?; boundary=/);
  const parts: Array<{ headers: Record<string, string>; body: Buffer }> = [];
  const source = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  for await (const part of readMultipartRelated(source, boundaryFromContentType(contentType))) {
    const chunks: Buffer[] = [];
    for await (const chunk of part.body) chunks.push(chunk);
    parts.push({ headers: part.headers, body: Buffer.concat(chunks) });
  }
  return parts;
}

/** The first frame's stored values, rescaled, as dicom-parser reads them from the original file. */
export function modalityValues(path: string): { values: Float64Array; rows: number; columns: number; ds: dicomParser.DataSet } {
  const file = corpusFile(path);
  const ds = dicomParser.parseDicom(new Uint8Array(file));
  const pixel = ds.elements.x7fe00010!;
  const rows = ds.uint16('x00280010')!;
  const columns = ds.uint16('x00280011')!;
  const bits = ds.uint16('x00280100')!;
  const signed = ds.uint16('x00280103') === 1;
  const slope = Number(ds.string('x00281053') ?? 1);
  const intercept = Number(ds.string('x00281052') ?? 0);
  const view = new DataView(file.buffer, file.byteOffset + pixel.dataOffset);
  const values = new Float64Array(rows * columns);
  for (let i = 0; i < values.length; i++) {
    const stored = bits === 8 ? view.getUint8(i) : signed ? view.getInt16(2 * i, true) : view.getUint16(2 * i, true);
    values[i] = stored * slope + intercept;
  }
  return { values, rows, columns, ds };
}

/** PS3.3 C.11.2.1.2.1 LINEAR window to 0..255, written out independently of the server. */
export function linear(x: number, c: number, w: number): number {
  if (x <= c - 0.5 - (w - 1) / 2) return 0;
  if (x > c - 0.5 + (w - 1) / 2) return 255;
  return Math.round(((x - (c - 0.5)) / (w - 1) + 0.5) * 255);
}

export function mean(data: Uint8Array, channels = 1, channel = 0): number {
  let sum = 0;
  for (let i = channel; i < data.length; i += channels) sum += data[i]!;
  return sum / (data.length / channels);
}

export function stats(data: Uint8Array): { min: number; max: number } {
  let min = 255;
  let max = 0;
  for (const v of data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
