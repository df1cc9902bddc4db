import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import dicomParser from 'dicom-parser';
import { expect } from 'vitest';
import { boundaryFromContentType, readMultipartRelated } from '../../server/http/multipart-reader';
import { CORPUS_DIR, corpusFile } from './corpus';
import { requireTool } from './debian-tools';
import type { RetrievedPart } from './dicomweb-http';
import { gdcmRaw } from './reference-decoders';
import { expectStored } from './dicomweb-http';
import { startTestArchive, type TestArchive } from './start-app';

/**
 * Reading instances retrieved in a re-encoded transfer syntax back with tools that share no code
 * with the archive (dicom-parser, GDCM, DCMTK, dicom3tools), for the retrieve-encoded tests.
 */

/** Accept for instances, and the transfer syntaxes the retrieve-encoded tests name. */
export const DICOM = 'multipart/related; type="application/dicom"';
export const JPEG_LS = '1.2.840.10008.1.2.4.80';
export const HTJ2K = '1.2.840.10008.1.2.4.201';
export const HTJ2K_RPCL = '1.2.840.10008.1.2.4.202';
export const HTJ2K_LOSSY = '1.2.840.10008.1.2.4.203';
export const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';

/** The corpus files both retrieve-encoded test files store. */
export const CT = 'series/ct-abdomen-philips-tcia/1-036.dcm'; // native 16/12 unsigned, implicit VR
export const RGB = 'color/rgb-us-nema-us1.dcm'; // native 8-bit RGB
export const MULTIFRAME = 'multiframe/enhanced-mr-siemens-xa10-6f.dcm'; // native 16/12, 6 frames, Lossy Image Compression 00
export const JPEG_LOSSLESS_CT = 'transfer-syntaxes/ct1-1.2.4.70_jpeg-lossless-sv1.dcm'; // compressed 16-bit signed: decoded, then encoded
export const LOSSY_JPEG = 'color/ybr-full-jpeg-baseline.dcm'; // already lossy: ratio and method get a second value
export const JPEG_LS_CT = 'transfer-syntaxes/ct1-1.2.4.80_jpeg-ls-lossless.dcm';
/** A comprehensive 3D SR and the Parametric Map it describes (Float Pixel Data, never encapsulated: PS3.5 A.4 concerns Pixel Data only). */
export const SR_STUDY = ['non-image/sr-comprehensive-3d.dcm', 'non-image/parametric-map-float.dcm'];
export const RT_STUDY = ['non-image/rtplan.dcm', 'non-image/rtstruct.dcm', 'other-modalities/ct-rt-planning-dicompyler.dcm'];

/** A fresh archive holding those files (JPEG_LS_CT is stored by the test that needs it). */
export async function archiveWithEncodingFixtures(): Promise<TestArchive> {
  const archive = await startTestArchive();
  await expectStored(
    archive,
    [CT, RGB, MULTIFRAME, JPEG_LOSSLESS_CT, LOSSY_JPEG, ...RT_STUDY, ...SR_STUDY].map((f) => corpusFile(f)),
  );
  return archive;
}

export interface Retrieved {
  status: number;
  headers: Headers;
  parts: RetrievedPart[];
  message?: string;
}

/** A retrieve answer with its parts read, or the error message of a non-multipart answer. */
export async function retrieve(
  archive: TestArchive,
  url: string,
  accept: string,
  headers: Record<string, string> = {},
): Promise<Retrieved> {
  const res = await archive.fetch(url, { headers: { accept, ...headers } });
  const contentType = res.headers.get('content-type') ?? '';
  if (!contentType.startsWith('multipart/related')) {
    const text = await res.text();
    return { status: res.status, headers: res.headers, parts: [], message: (JSON.parse(text) as { message?: string }).message };
  }
  const parts: RetrievedPart[] = [];
  const source = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  for await (const part of readMultipartRelated(source, boundaryFromContentType(contentType))) {
    const chunks: Buffer[] = [];
    for await (const chunk of part.body) chunks.push(chunk as Buffer);
    parts.push({ headers: part.headers, body: Buffer.concat(chunks) });
  }
  return { status: res.status, headers: res.headers, parts };
}

export const parse = (bytes: Buffer) => dicomParser.parseDicom(new Uint8Array(bytes));

/** Native pixels of a corpus file: its own Pixel Data when native, GDCM's decoding otherwise. */
export function storedPixels(file: string): Buffer {
  const ds = parse(corpusFile(file));
  const pixel = ds.elements.x7fe00010!;
  if (!pixel.encapsulatedPixelData) return Buffer.from(ds.byteArray.subarray(pixel.dataOffset, pixel.dataOffset + pixel.length));
  return gdcmRaw(path.join(CORPUS_DIR, file)).pixels;
}

/** The fragments of encapsulated Pixel Data, checked to be one per frame after a filled Basic Offset Table. */
export function framesOf(ds: dicomParser.DataSet, frameCount: number): Buffer[] {
  const pixel = ds.elements.x7fe00010!;
  expect(pixel.encapsulatedPixelData).toBe(true);
  expect(pixel.fragments).toHaveLength(frameCount);
  expect(pixel.basicOffsetTable).toEqual(pixel.fragments!.map((f) => f.offset));
  return pixel.fragments!.map((f) => Buffer.from(ds.byteArray.subarray(f.position, f.position + f.length)));
}

/** Every attribute's value bytes outside the File Meta, Pixel Data and the attributes encoding changes (item delimiters are encoding, not values). */
export function values(ds: dicomParser.DataSet, ignore: readonly string[] = [], prefix = ''): Map<string, string> {
  const skip = new Set(['x00280004', 'x00280006', 'x7fe00001', 'x7fe00002', 'x7fe00010', 'xfffcfffc', ...ignore]);
  const out = new Map<string, string>();
  for (const [tag, el] of Object.entries(ds.elements)) {
    if (tag.endsWith('0000') || tag.startsWith('x0002') || tag.startsWith('xfffe') || (prefix === '' && skip.has(tag))) continue;
    if (el.items)
      el.items.forEach((item, i) => item.dataSet && values(item.dataSet, [], `${prefix}${tag}/${i}/`).forEach((v, k) => out.set(k, v)));
    else out.set(prefix + tag, Buffer.from(ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length)).toString('hex'));
  }
  return out;
}

export function withTempFile<T>(bytes: Buffer, run: (file: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retrieve-encoded-'));
  try {
    const file = path.join(dir, 'part.dcm');
    fs.writeFileSync(file, bytes);
    return run(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** DCMTK reads the whole file and names its transfer syntax and Photometric Interpretation. */
export function dcmdump(bytes: Buffer): string {
  requireTool('dcmdump');
  return withTempFile(bytes, (file) => execFileSync('dcmdump', ['-q', '+E', file], { encoding: 'latin1' }));
}

/**
 * What dicom3tools' IOD checker says of a file: its Error and Warning lines (it exits non-zero
 * when it finds an error). The Debian build predates HTJ2K, so it reads JPEG-LS parts only.
 */
export function dciodvfy(bytes: Buffer): string[] {
  requireTool('dciodvfy');
  const out = withTempFile(bytes, (file) => execFileSync('sh', ['-c', 'dciodvfy -new "$0" 2>&1 || true', file], { encoding: 'latin1' }));
  return [...new Set(out.split('\n').filter((line) => /^(Error|Warning)/.test(line)))].sort();
}
