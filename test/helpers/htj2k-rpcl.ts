import dicomParser from 'dicom-parser';
import { loadWasmModule, runDecoder, runEncoder, type WasmDecoder, type WasmEncoder } from '../../server/codecs/wasm-module';
import { corpusFile } from './corpus';

/**
 * HTJ2K codestreams made with OpenJPH's own encoder, as the archive writes 1.2.840.10008.1.2.4.202
 * (reversible, RPCL, TLM, one tile-part per resolution) or in the variants it does not write, for
 * tests of the codestream reader; and OpenJPH's decoder, at full or reduced resolution.
 */

interface OpenJph {
  HTJ2KEncoder: new () => WasmEncoder & {
    setDecompositions(n: number): void;
    setQuality(reversible: boolean, step: number): void;
    setProgressionOrder(order: number): void;
    setTLMMarker(on: boolean): void;
    setTilePartDivisionsAtResolutions(on: boolean): void;
  };
  HTJ2KDecoder: new () => WasmDecoder & { decodeSubResolution(level: number, layer: number): void };
}

const openJph = () => loadWasmModule<OpenJph>('@cornerstonejs/codec-openjph/wasmjs');

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
  options: { progressionOrder?: number; tlm?: boolean; tilePartsAtResolutions?: boolean } = {},
): Promise<Uint8Array> {
  const encoder = new (await openJph()).HTJ2KEncoder();
  encoder.setDecompositions(5);
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
  return runEncoder(encoder, info, frame.pixels);
}

/** Decoded little-endian samples; `level` decompositions skipped (0 = full resolution). */
export async function decodeHtj2k(codestream: Uint8Array, level = 0): Promise<Uint8Array> {
  const decoder = new (await openJph()).HTJ2KDecoder();
  // runDecoder calls decode(): a reduced-resolution decode stands in for it.
  if (level > 0) decoder.decode = () => decoder.decodeSubResolution(level, 0);
  return runDecoder(decoder, codestream, (_d, pixels) => pixels);
}
