/**
 * Compressed frame → little-endian, interleaved native samples, the same bytes the archive's
 * decoding would send (server/codecs does the same with the same packages). Runs inside the
 * decode worker; each WASM module is compiled on its first frame only.
 */
import charlsFactory from '@cornerstonejs/codec-charls/decodewasmjs';
import charlsWasm from '@cornerstonejs/codec-charls/decodewasm?url';
import libjpegFactory from '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs';
import libjpegWasm from '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm?url';
import openjpegFactory from '@cornerstonejs/codec-openjpeg/decodewasmjs';
import openjpegWasm from '@cornerstonejs/codec-openjpeg/decodewasm?url';
import openjphFactory from '@cornerstonejs/codec-openjph/wasmjs';
import openjphWasm from '@cornerstonejs/codec-openjph/wasm?url';
import { Decoder as JpegLosslessDecoder } from '@cornerstonejs/jpeg-lossless-decoder-js';
import { LOSSLESS_SOF, jpegFrameHeader } from '../../../shared/codecs/jpeg-frame-header';
import { decodeRleFrame } from '../../../shared/codecs/rle';
import { upscaleSamples } from './upscale';

export interface FrameShape {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
}

/** A preview from a prefix of an HTJ2K RPCL codestream: `level` decompositions below full size. */
export interface PreviewDecode {
  level: number;
  signed: boolean;
}

export async function decodeFrame(
  transferSyntax: string,
  encoded: Uint8Array,
  shape: FrameShape,
  preview?: PreviewDecode,
): Promise<Uint8Array> {
  if (preview && preview.level > 0) return decodeHtj2kPreview(encoded, shape, preview);
  switch (transferSyntax) {
    case '1.2.840.10008.1.2.4.80':
    case '1.2.840.10008.1.2.4.81':
      return run((await charls()).JpegLSDecoder, encoded);
    case '1.2.840.10008.1.2.4.90':
    case '1.2.840.10008.1.2.4.91':
      return run((await openjpeg()).J2KDecoder, encoded);
    case '1.2.840.10008.1.2.4.201':
    case '1.2.840.10008.1.2.4.202':
    case '1.2.840.10008.1.2.4.203':
      return run((await openjph()).HTJ2KDecoder, encoded);
    case '1.2.840.10008.1.2.4.50':
    case '1.2.840.10008.1.2.4.57':
    case '1.2.840.10008.1.2.4.70':
      return decodeJpeg(encoded, shape);
    case '1.2.840.10008.1.2.5':
      return decodeRleFrame(encoded, shape);
    default:
      throw new Error(`no browser decoder for ${transferSyntax}`);
  }
}

/** Loads and compiles the decoder of a syntax before its first frame arrives (those of the staged loading: JPEG-LS, HTJ2K). */
export async function prepareDecoder(transferSyntax: string): Promise<void> {
  if (transferSyntax === '1.2.840.10008.1.2.4.80' || transferSyntax === '1.2.840.10008.1.2.4.81') await charls();
  else if (transferSyntax.startsWith('1.2.840.10008.1.2.4.20')) await openjph();
}

/** By the codestream's own frame header, as the archive does: some senders label DCT frames lossless. */
async function decodeJpeg(encoded: Uint8Array, shape: FrameShape): Promise<Uint8Array> {
  const header = jpegFrameHeader(encoded);
  if (header && LOSSLESS_SOF.has(header.marker)) {
    const samples = new JpegLosslessDecoder().decode(
      encoded.buffer,
      encoded.byteOffset,
      encoded.byteLength,
      shape.bitsAllocated <= 8 ? 1 : 2,
    );
    return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  }
  // 12-bit DCT needs the archive's DCMTK build; the caller falls back to its decoding.
  if (!header || header.precision > 8) throw new Error('JPEG frame of a precision the browser build cannot decode');
  return run((await libjpeg()).JPEGDecoder, encoded);
}

/** The preview at its own size, then upscaled to Rows × Columns. */
async function decodeHtj2kPreview(encoded: Uint8Array, shape: FrameShape, preview: PreviewDecode): Promise<Uint8Array> {
  const decoder = new (await openjph()).HTJ2KDecoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decodeSubResolution!(preview.level, 0);
    const small = new Uint8Array(decoder.getDecodedBuffer());
    const scale = 2 ** preview.level;
    const from = { width: Math.ceil(shape.columns / scale), height: Math.ceil(shape.rows / scale) };
    if (small.length !== from.width * from.height * (shape.bitsAllocated / 8))
      throw new Error(`preview has ${small.length} bytes, ${from.width}×${from.height} expected`);
    return upscaleSamples(small, from, { width: shape.columns, height: shape.rows }, shape.bitsAllocated, preview.signed);
  } finally {
    decoder.delete();
  }
}

/** One decoder instance over `encoded`; a copy of its output (the WASM heap view dies with it). */
function run(Decoder: new () => CornerstoneWasmDecoder, encoded: Uint8Array): Uint8Array {
  const decoder = new Decoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    return new Uint8Array(decoder.getDecodedBuffer());
  } finally {
    decoder.delete();
  }
}

function lazy<T>(factory: EmscriptenFactory<T>, wasmUrl: string): () => Promise<T> {
  let module: Promise<T> | undefined;
  return () => {
    // The builds log progress on every frame; errors are thrown anyway.
    module ??= factory({ locateFile: () => wasmUrl, print: () => {}, printErr: () => {} });
    module.catch(() => (module = undefined));
    return module;
  };
}

const charls = lazy(charlsFactory, charlsWasm);
const openjpeg = lazy(openjpegFactory, openjpegWasm);
const openjph = lazy(openjphFactory, openjphWasm);
const libjpeg = lazy(libjpegFactory, libjpegWasm);
