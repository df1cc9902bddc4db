import { lookUp, type LookupTable } from './lookup-table';
import { sampleArray, type FramePixels } from './frame-pixels';

/**
 * Colour frames to interleaved 8-bit RGB (PS3.3 C.7.6.3.1.2): RGB as is (wider samples scaled
 * down), YBR_FULL and YBR_PARTIAL converted, YBR_FULL_422 stored natively (two Y, then Cb and
 * Cr, for each pair of pixels) upsampled first, PALETTE COLOR through its three LUTs.
 * YBR_ICT and YBR_RCT come out of JPEG 2000 decoders already as RGB.
 */
export function renderColor(frame: FramePixels, palette?: { red: LookupTable; green: LookupTable; blue: LookupTable }): Uint8Array {
  const count = frame.rows * frame.columns;
  const photometric = frame.photometricInterpretation;
  if (photometric === 'PALETTE COLOR') {
    if (!palette) throw new RangeError('PALETTE COLOR without usable Palette Color Lookup Tables');
    return applyPalette(frame, count, palette);
  }
  const rgb = to8Bit(frame, count * 3);
  if (photometric.startsWith('YBR_FULL_422') && frame.pixels.length === count * 2 * (frame.bitsAllocated / 8)) {
    return ybrToRgb(upsample422(to8Bit(frame, count * 2), count), false);
  }
  if (photometric.startsWith('YBR_FULL')) return ybrToRgb(rgb, false);
  if (photometric.startsWith('YBR_PARTIAL')) return ybrToRgb(rgb, true);
  return rgb;
}

/** Samples as bytes: 8-bit as they are, wider ones shifted down to their top 8 stored bits. */
function to8Bit(frame: FramePixels, length: number): Uint8Array {
  if (frame.bitsAllocated === 8) return frame.pixels.subarray(0, length);
  const samples = sampleArray(frame, false);
  const shift = Math.max(0, Math.min(frame.bitsStored, frame.bitsAllocated) - 8);
  const mask = 2 ** Math.min(frame.bitsStored, 32) - 1;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = ((samples[i]! & mask) >>> shift) & 0xff;
  return out;
}

function upsample422(ybr: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(count * 3);
  for (let pair = 0, src = 0, dst = 0; pair < count / 2; pair++, src += 4, dst += 6) {
    const cb = ybr[src + 2]!;
    const cr = ybr[src + 3]!;
    out[dst] = ybr[src]!;
    out[dst + 1] = cb;
    out[dst + 2] = cr;
    out[dst + 3] = ybr[src + 1]!;
    out[dst + 4] = cb;
    out[dst + 5] = cr;
  }
  return out;
}

/** YCbCr (full range, or partial range with Y in 16..235) to RGB, per PS3.3 C.7.6.3.1.2. */
function ybrToRgb(ybr: Uint8Array, partial: boolean): Uint8Array {
  const out = new Uint8Array(ybr.length);
  const clamp = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));
  for (let i = 0; i + 2 < ybr.length; i += 3) {
    const y = partial ? 1.1644 * (ybr[i]! - 16) : ybr[i]!;
    const cb = ybr[i + 1]! - 128;
    const cr = ybr[i + 2]! - 128;
    out[i] = clamp(y + (partial ? 1.596 : 1.402) * cr);
    out[i + 1] = clamp(y - (partial ? 0.3918 : 0.344136) * cb - (partial ? 0.813 : 0.714136) * cr);
    out[i + 2] = clamp(y + (partial ? 2.0172 : 1.772) * cb);
  }
  return out;
}

function applyPalette(frame: FramePixels, count: number, palette: { red: LookupTable; green: LookupTable; blue: LookupTable }): Uint8Array {
  const samples = sampleArray(frame, false);
  const size = 2 ** Math.min(Math.max(frame.bitsStored, 1), 16);
  const mask = size - 1;
  // One byte table per channel, indexed by the stored value.
  const [red, green, blue] = [palette.red, palette.green, palette.blue].map((lut) => {
    const entries = to8BitEntries(lut);
    return Uint8Array.from({ length: size }, (_, index) => lookUp(entries, index));
  }) as [Uint8Array, Uint8Array, Uint8Array];
  const out = new Uint8Array(count * 3);
  for (let i = 0; i < count; i++) {
    const index = samples[i]! & mask;
    out[3 * i] = red[index]!;
    out[3 * i + 1] = green[index]!;
    out[3 * i + 2] = blue[index]!;
  }
  return out;
}

/**
 * Palette entries scaled to 0..255. 16-bit entries are divided by 257; tables that declare 16
 * bits but hold only 8-bit values (a common writer mistake) are taken as they are.
 */
function to8BitEntries(lut: LookupTable): LookupTable {
  let max = 0;
  for (const e of lut.entries) if (e > max) max = e;
  const scale = lut.bits > 8 && max > 255 ? 1 / 257 : 1;
  return { ...lut, entries: lut.entries.map((e) => Math.min(255, Math.round(e * scale))) };
}
