import { lookUp } from './lookup-table';
import { sampleArray, type FramePixels } from './frame-pixels';
import type { RenderingAttributes } from './rendering-attributes';
import type { WindowSetting } from './render-options';
import { rangeWindow, voiFunction, type Voi } from './voi';

/**
 * The grayscale pipeline of PS3.4 N.2.1 for one frame: stored values → Modality LUT (rescale
 * or LUT) → VOI (the requested window, else the header's window, else its VOI LUT, else the
 * frame's value range) → 8-bit output, inverted for MONOCHROME1 (PS3.3 C.7.6.3.1.2).
 * Integer samples of up to 16 bits go through one table indexed by the stored bit pattern, so
 * a 512×512 CT costs a table build and one lookup per pixel.
 */
export function renderGrayscale(frame: FramePixels, attributes: RenderingAttributes, requested?: WindowSetting): Uint8Array {
  const samples = sampleArray(frame, attributes.floatPixels);
  const count = frame.rows * frame.columns;
  const invert = frame.photometricInterpretation === 'MONOCHROME1';
  const modality = modalityFunction(attributes);
  const fixedVoi: Voi | undefined = requested
    ? { kind: 'window', window: requested }
    : attributes.window
      ? { kind: 'window', window: attributes.window }
      : attributes.voiLut
        ? { kind: 'lut', lut: attributes.voiLut }
        : undefined;
  const out = new Uint8Array(count);
  const integer = !attributes.floatPixels && frame.bitsAllocated <= 32;
  const bitsStored = Math.min(Math.max(frame.bitsStored, 1), frame.bitsAllocated);

  if (integer && bitsStored <= 16) {
    const size = 1 << bitsStored;
    const mask = size - 1;
    const storedValue = (pattern: number) => (frame.pixelRepresentation === 1 && pattern >= size / 2 ? pattern - size : pattern);
    const voi = voiFunction(fixedVoi ?? { kind: 'window', window: rangeOfFrame(samples, count, mask, storedValue, modality) });
    const table = new Uint8Array(size);
    for (let pattern = 0; pattern < size; pattern++) table[pattern] = output(voi(modality(storedValue(pattern))), invert);
    for (let i = 0; i < count; i++) out[i] = table[samples[i]! & mask]!;
    return out;
  }

  // Wide integers and floats: one evaluation per pixel.
  const shift = 32 - bitsStored;
  const value = integer
    ? frame.pixelRepresentation === 1
      ? (i: number) => (samples[i]! << shift) >> shift
      : (i: number) => (samples[i]! << shift) >>> shift
    : (i: number) => samples[i]!;
  let voi = fixedVoi && voiFunction(fixedVoi);
  if (!voi) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < count; i++) {
      const v = modality(value(i));
      if (v < min) min = v;
      if (v > max) max = v;
    }
    voi = voiFunction({ kind: 'window', window: rangeWindow(min, max) });
  }
  for (let i = 0; i < count; i++) out[i] = output(voi(modality(value(i))), invert);
  return out;
}

/** Modality LUT (PS3.3 C.11.1): rescale slope/intercept, a LUT, or identity. */
function modalityFunction(attributes: RenderingAttributes): (x: number) => number {
  const { rescale, modalityLut } = attributes;
  if (rescale) return (x) => x * rescale.slope + rescale.intercept;
  if (modalityLut) return (x) => lookUp(modalityLut, x);
  return (x) => x;
}

/** The window spanning the frame's modality values, from its stored minimum and maximum. */
function rangeOfFrame(
  samples: ArrayLike<number>,
  count: number,
  mask: number,
  storedValue: (pattern: number) => number,
  modality: (x: number) => number,
): WindowSetting {
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = storedValue(samples[i]! & mask);
    if (v < low) low = v;
    if (v > high) high = v;
  }
  if (low > high) return rangeWindow(0, 0);
  // A Modality LUT need not be monotonic: take the extremes of every value in range.
  let min = Infinity;
  let max = -Infinity;
  const step = Math.max(1, Math.floor((high - low) / 65536));
  for (let v = low; v <= high; v += step) {
    const m = modality(v);
    if (m < min) min = m;
    if (m > max) max = m;
  }
  const last = modality(high);
  return rangeWindow(Math.min(min, last), Math.max(max, last));
}

function output(y: number, invert: boolean): number {
  const clamped = y <= 0 ? 0 : y >= 255 ? 255 : Math.round(y);
  return invert ? 255 - clamped : clamped;
}
