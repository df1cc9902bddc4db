import { createRequire } from 'node:module';
import dicomParser from 'dicom-parser';
import { corpusFile } from './corpus';

/**
 * HTJ2K codestreams as the archive writes 1.2.840.10008.1.2.4.202 (reversible, RPCL, TLM, one
 * tile-part per resolution), made with OpenJPH's own encoder for tests that need a codestream
 * without an archive; and OpenJPH's decoder, at full or reduced resolution.
 */

const require = createRequire(import.meta.url);

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
  isUsingColorTransform?: boolean;
}
interface OpenJph {
  HTJ2KEncoder: new () => {
    getDecodedBuffer(info: FrameInfo): Uint8Array;
    getEncodedBuffer(): Uint8Array;
    encode(): void;
    setDecompositions(n: number): void;
    setQuality(reversible: boolean, step: number): void;
    setProgressionOrder(order: number): void;
    setTLMMarker(on: boolean): void;
    setTilePartDivisionsAtResolutions(on: boolean): void;
    delete(): void;
  };
  HTJ2KDecoder: new () => {
    getEncodedBuffer(length: number): Uint8Array;
    getDecodedBuffer(): Uint8Array;
    decode(): void;
    decodeSubResolution(level: number, layer: number): void;
    delete(): void;
  };
}

let codec: Promise<OpenJph> | undefined;
function openJph(): Promise<OpenJph> {
  codec ??= (require('@cornerstonejs/codec-openjph/wasmjs') as (o: object) => Promise<OpenJph>)({ print() {}, printErr() {} });
  return codec;
}

export interface GreyFrame {
  pixels: Uint8Array;
  width: number;
  height: number;
  signed: boolean;
}

/** The native pixels of a one-frame, 16-bit grey corpus file stored uncompressed. */
export function corpusGreyFrame(relative: string): GreyFrame {
  const bytes = new Uint8Array(corpusFile(relative));
  const ds = dicomParser.parseDicom(bytes);
  const pixel = ds.elements.x7fe00010!;
  return {
    pixels: bytes.slice(pixel.dataOffset, pixel.dataOffset + pixel.length),
    width: ds.uint16('x00280011')!,
    height: ds.uint16('x00280010')!,
    signed: ds.uint16('x00280103') === 1,
  };
}

export async function encodeHtj2k(
  frame: GreyFrame,
  options: { decompositions?: number; progressionOrder?: number; tlm?: boolean; tilePartsAtResolutions?: boolean } = {},
): Promise<Uint8Array> {
  const encoder = new (await openJph()).HTJ2KEncoder();
  try {
    encoder.setDecompositions(options.decompositions ?? 5);
    encoder.setQuality(true, 0);
    encoder.setProgressionOrder(options.progressionOrder ?? 2); // RPCL
    encoder.setTLMMarker(options.tlm ?? true);
    encoder.setTilePartDivisionsAtResolutions(options.tilePartsAtResolutions ?? true);
    const info = {
      width: frame.width,
      height: frame.height,
      bitsPerSample: 16,
      componentCount: 1,
      isSigned: frame.signed,
      isUsingColorTransform: false,
    };
    encoder.getDecodedBuffer(info).set(frame.pixels);
    encoder.encode();
    return new Uint8Array(encoder.getEncodedBuffer());
  } finally {
    encoder.delete();
  }
}

/** Decoded little-endian samples; `level` decompositions skipped (0 = full resolution). */
export async function decodeHtj2k(codestream: Uint8Array, level = 0): Promise<Uint8Array> {
  const decoder = new (await openJph()).HTJ2KDecoder();
  try {
    decoder.getEncodedBuffer(codestream.length).set(codestream);
    if (level === 0) decoder.decode();
    else decoder.decodeSubResolution(level, 0);
    return new Uint8Array(decoder.getDecodedBuffer());
  } finally {
    decoder.delete();
  }
}
