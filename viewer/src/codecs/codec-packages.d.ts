// The Cornerstone codec packages ship no type declarations: the little the browser decoders use.

declare module '*.wasm?url' {
  const url: string;
  export default url;
}
declare module '@cornerstonejs/codec-charls/decodewasm?url' {
  const url: string;
  export default url;
}
declare module '@cornerstonejs/codec-openjpeg/decodewasm?url' {
  const url: string;
  export default url;
}
declare module '@cornerstonejs/codec-openjph/wasm?url' {
  const url: string;
  export default url;
}
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm?url' {
  const url: string;
  export default url;
}

/** An Emscripten module factory: compiles the WebAssembly found through `locateFile`. */
type EmscriptenFactory<T> = (options: {
  locateFile?: (file: string) => string;
  print?: (s: string) => void;
  printErr?: (s: string) => void;
}) => Promise<T>;

interface CornerstoneWasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): ArrayLike<number>;
  decode(): void;
  /** OpenJPH only: decode `level` decompositions below full resolution (a prefix of an RPCL codestream may do). */
  decodeSubResolution?(level: number, layer: number): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean };
  delete(): void;
}

declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: EmscriptenFactory<{ JpegLSDecoder: new () => CornerstoneWasmDecoder }>;
  export default factory;
}
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: EmscriptenFactory<{ J2KDecoder: new () => CornerstoneWasmDecoder }>;
  export default factory;
}
declare module '@cornerstonejs/codec-openjph/wasmjs' {
  const factory: EmscriptenFactory<{ HTJ2KDecoder: new () => CornerstoneWasmDecoder }>;
  export default factory;
}
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  const factory: EmscriptenFactory<{ JPEGDecoder: new () => CornerstoneWasmDecoder }>;
  export default factory;
}
declare module '@cornerstonejs/jpeg-lossless-decoder-js' {
  export class Decoder {
    decode(buffer: ArrayBufferLike, offset: number, length: number, numBytes?: number): Uint8Array | Uint16Array;
  }
}
