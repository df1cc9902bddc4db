import { createRequire } from 'node:module';

/**
 * The Cornerstone codec packages are Emscripten builds: a CommonJS factory that compiles the
 * WebAssembly once and resolves to the module. Each is loaded on first use and kept for the
 * life of the process.
 */

const require = createRequire(import.meta.url);
const loaded = new Map<string, Promise<unknown>>();

export function loadWasmModule<T>(specifier: string): Promise<T> {
  let module = loaded.get(specifier);
  if (!module) {
    const factory = require(specifier) as (options: object) => Promise<T>;
    // The builds log progress ("[INFO] Start to read j2k main header") on every frame; errors are thrown anyway.
    module = factory({ print: () => {}, printErr: () => {} });
    // A failed load may be retried by a later request rather than failing forever.
    module.catch(() => loaded.delete(specifier));
    loaded.set(specifier, module);
  }
  return module as Promise<T>;
}

/** A codec wrote where it should not have: its module instance must not be used again. */
export class WasmHeapDamage extends Error {}

/**
 * Runs `use` on the module. When the WebAssembly traps (a WebAssembly.RuntimeError such as an
 * out-of-bounds access) or `use` reports WasmHeapDamage, the instance is dropped, since its heap
 * may be corrupt, and the next call loads a fresh one.
 */
export async function withWasmModule<T, R>(specifier: string, use: (module: T) => R): Promise<R> {
  const module = await loadWasmModule<T>(specifier);
  try {
    return use(module);
  } catch (error) {
    if (error instanceof WasmHeapDamage || (error instanceof Error && error.name === 'RuntimeError')) loaded.delete(specifier);
    throw error;
  }
}

/** What the Cornerstone decoders have in common (libjpeg-turbo, CharLS, OpenJPEG, OpenJPH). */
export interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): ArrayLike<number>;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean };
  delete(): void;
}

/**
 * Runs one decoder instance over `encoded` and returns a copy of its output (the WASM heap view
 * dies with the decoder). `read` may look at the decoder before it is deleted.
 */
export function runDecoder<D extends WasmDecoder, R>(decoder: D, encoded: Uint8Array, read: (decoder: D, pixels: Uint8Array) => R): R {
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    // Some builds hand out a Uint8ClampedArray view: copy into a plain Uint8Array.
    return read(decoder, new Uint8Array(decoder.getDecodedBuffer()));
  } finally {
    decoder.delete();
  }
}

/** What the Cornerstone encoders have in common (CharLS, OpenJPH, libjpeg-turbo). */
export interface WasmEncoder {
  getDecodedBuffer(frameInfo: EncoderFrameInfo): Uint8Array;
  getEncodedBuffer(): ArrayLike<number>;
  encode(): void;
  delete(): void;
}

export interface EncoderFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
  /** OpenJPH only: apply the reversible (RCT) or irreversible (ICT) colour transform. */
  isUsingColorTransform?: boolean;
}

/** Runs one encoder instance over `pixels` and returns a copy of the codestream (the WASM heap view dies with the encoder). */
export function runEncoder<E extends WasmEncoder>(encoder: E, frameInfo: EncoderFrameInfo, pixels: Uint8Array): Uint8Array {
  try {
    encoder.getDecodedBuffer(frameInfo).set(pixels);
    encoder.encode();
    return new Uint8Array(encoder.getEncodedBuffer());
  } finally {
    encoder.delete();
  }
}

/** A readable reason from what a codec threw: Emscripten throws bare numbers (C++ exception pointers) and strings. */
export function codecErrorReason(error: unknown, otherwise: string): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : otherwise;
}
