import { createRequire } from 'node:module';
import type { DecodedFrame, FrameGeometry } from './frame-geometry';

/**
 * JPEG DCT frames of more than 8 bits (12-bit CT and MR in .51, and the retired .53 spectral
 * selection and .55 progressive processes), with the IJG 8/12/16-bit libraries of DCMTK as
 * built to WebAssembly for dcmjs-imaging. The Cornerstone libjpeg-turbo build is 8-bit only, and
 * the 12-bit JavaScript decoder Cornerstone ships disagrees with GDCM and DCMTK by +14 to +16 on
 * every pixel of the corpus CT; this one equals GDCM's `gdcmconv --raw` byte for byte.
 * `NativePixelDecoder.decodeJpeg` is exported by dcmjs-imaging but left out of its typings, hence
 * the local interface.
 */

interface PixelDescription {
  getWidth(): number;
  getHeight(): number;
  getBitsAllocated(): number;
  getBitsStored(): number;
  getSamplesPerPixel(): number;
  getPixelRepresentation(): number;
  getPlanarConfiguration(): number;
  getPhotometricInterpretation(): string;
}

interface DcmjsImaging {
  NativePixelDecoder: {
    initializeAsync(options: { logNativeDecodersMessages: boolean }): Promise<void>;
    decodeJpeg(pixel: PixelDescription, encoded: Uint8Array, parameters: object): ArrayBufferLike | ArrayLike<number>;
  };
  log: { setLevel(level: 'silent'): void };
}

let ready: Promise<DcmjsImaging> | undefined;

function loadDcmtkCodecs(): Promise<DcmjsImaging> {
  ready ??= (async () => {
    const imaging = createRequire(import.meta.url)('dcmjs-imaging') as DcmjsImaging;
    // The codecs report a first 8-bit attempt on a 12-bit stream through this logger: not an error for us.
    imaging.log.setLevel('silent');
    await imaging.NativePixelDecoder.initializeAsync({ logNativeDecodersMessages: false });
    return imaging;
  })();
  ready.catch(() => (ready = undefined));
  return ready;
}

export async function decodeJpegHighPrecision(encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
  const { NativePixelDecoder } = await loadDcmtkCodecs();
  const pixel: PixelDescription = {
    getWidth: () => geometry.columns,
    getHeight: () => geometry.rows,
    getBitsAllocated: () => geometry.bitsAllocated,
    getBitsStored: () => geometry.bitsStored,
    getSamplesPerPixel: () => geometry.samplesPerPixel,
    getPixelRepresentation: () => geometry.pixelRepresentation,
    getPlanarConfiguration: () => 0,
    getPhotometricInterpretation: () => geometry.photometricInterpretation,
  };
  const decoded = NativePixelDecoder.decodeJpeg(pixel, encoded, {});
  const pixels = ArrayBuffer.isView(decoded)
    ? new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength).slice()
    : new Uint8Array(decoded as ArrayBufferLike).slice();
  return { pixels, photometricInterpretation: geometry.photometricInterpretation };
}
