import { samplesOf, type EncodedFrame, type FrameGeometry } from './frame-geometry';
import { runEncoder, withWasmModule, type WasmEncoder } from './wasm-module';

/**
 * High-Throughput JPEG 2000 (ISO/IEC 15444-15) with OpenJPH, Cornerstone's WASM build.
 *
 * Lossless (.201, .202) frames are one codestream that meets the RPCL Options of PS3.5 10.18:
 * reversible 5/3 wavelet, RPCL progression, a TLM marker segment in the main header and one
 * tile cut into one tile-part per resolution, with enough decompositions for the smallest
 * resolution to be under 32 pixels. A prefix of it that ends at tile-part k therefore decodes
 * at resolution k, and a client finds the cut from TLM alone. .201 allows any progression, so
 * it gets the same bytes: one codestream, one cache entry.
 *
 * The build reads `bitsPerSample / 8` bytes per sample, so precision is Bits Allocated (8 or
 * 16), not Bits Stored: every bit of the input, including any above Bits Stored, comes back.
 * Its 16-bit path reads one component only, hence no 16-bit colour (encode-registry.ts).
 *
 * Colour always goes through the codestream's colour transform, reversible (RCT, YBR_RCT) when
 * lossless and irreversible (ICT, YBR_ICT) when lossy (PS3.5 8.2.4); decoders turn both back
 * into RGB. Without it the build feeds the three components' lines in the wrong order (its
 * loop ignores the component OpenJPH asks for in planar mode): its own decoder undoes that, but
 * OpenJPH's ojph_expand and OpenJPEG's opj_decompress see scrambled planes.
 */

interface OpenJph {
  HTJ2KEncoder: new () => WasmEncoder & {
    setDecompositions(count: number): void;
    setQuality(lossless: boolean, quantizationStep: number): void;
    setProgressionOrder(order: number): void;
    setTLMMarker(on: boolean): void;
    setTilePartDivisionsAtResolutions(on: boolean): void;
  };
}

const RPCL = 2;

/**
 * Base quantization step of the irreversible (.203) encoding, in grey levels: 1/128 of the
 * frame's own range of sample values, and at least 1. Bits Stored is no guide to that range (a
 * CT with Bits Stored 16 uses about 12 bits of it), and a step that follows the data costs
 * every modality about the same: on the corpus cases the PSNR over that range is 49–53 dB and
 * the size 3 (8-bit grey) to 17 (12-bit CT) times smaller than native, always below lossless
 * (1.2 times on the RGB ultrasound, 5 on the CT). At 1/1024, 8-bit frames came out larger than
 * lossless.
 */
const STEPS_PER_RANGE = 128;

/**
 * Decompositions for the smallest resolution to have fewer than 32 pixels across (5 for
 * 512 × 512), and at least 1: with none (frames under 32 pixels), this OpenJPH build codes some
 * samples of value 0 as 128, as ojph_expand and opj_decompress both show.
 */
export function htj2kDecompositions(geometry: Pick<FrameGeometry, 'rows' | 'columns'>): number {
  let levels = 1;
  while (Math.ceil(Math.max(geometry.rows, geometry.columns) / 2 ** levels) >= 32 && levels < 32) levels++;
  return levels;
}

export async function encodeHtj2kLossless(pixels: Uint8Array, geometry: FrameGeometry): Promise<EncodedFrame> {
  const bytes = await encodeHtj2k(pixels, geometry, undefined);
  return { bytes, photometricInterpretation: colour(geometry) ? 'YBR_RCT' : geometry.photometricInterpretation };
}

export async function encodeHtj2kLossy(pixels: Uint8Array, geometry: FrameGeometry): Promise<EncodedFrame> {
  // OpenJPH takes the step relative to the declared precision (Bits Allocated).
  const step = Math.max(1, sampleRange(pixels, geometry) / STEPS_PER_RANGE) / 2 ** geometry.bitsAllocated;
  const bytes = await encodeHtj2k(pixels, geometry, step);
  return {
    bytes,
    photometricInterpretation: colour(geometry) ? 'YBR_ICT' : geometry.photometricInterpretation,
    lossy: { method: 'ISO_15444_15', ratio: pixels.length / bytes.length },
  };
}

function encodeHtj2k(pixels: Uint8Array, geometry: FrameGeometry, lossyStep: number | undefined): Promise<Uint8Array> {
  return withWasmModule<OpenJph, Uint8Array>('@cornerstonejs/codec-openjph/wasmjs', (codec) => {
    const encoder = new codec.HTJ2KEncoder();
    encoder.setDecompositions(htj2kDecompositions(geometry));
    encoder.setQuality(lossyStep === undefined, lossyStep ?? 0);
    encoder.setProgressionOrder(RPCL);
    encoder.setTLMMarker(true);
    encoder.setTilePartDivisionsAtResolutions(true);
    const frameInfo = {
      width: geometry.columns,
      height: geometry.rows,
      bitsPerSample: geometry.bitsAllocated,
      componentCount: geometry.samplesPerPixel,
      isSigned: geometry.pixelRepresentation === 1,
      isUsingColorTransform: colour(geometry),
    };
    return runEncoder(encoder, frameInfo, pixels);
  });
}

/** RGB: the only three-sample frames encodeProblem lets through to HTJ2K. */
function colour(geometry: FrameGeometry): boolean {
  return geometry.samplesPerPixel === 3;
}

/** Largest minus smallest sample value of the frame. */
function sampleRange(pixels: Uint8Array, geometry: FrameGeometry): number {
  let min = Infinity;
  let max = -Infinity;
  for (const sample of samplesOf(pixels, geometry)) {
    if (sample < min) min = sample;
    if (sample > max) max = sample;
  }
  return max - min;
}
