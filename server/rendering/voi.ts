import { lookUp, type LookupTable } from './lookup-table';
import type { WindowSetting } from './render-options';

/** Output range of the rendered grayscale image. */
const Y_MAX = 255;

/**
 * A VOI transformation (PS3.3 C.11.2.1.2) from modality values to 0..255: a window with its
 * function (LINEAR, LINEAR_EXACT, SIGMOID), a VOI LUT, or, when the header has neither, a
 * linear window over the frame's own value range.
 */
export type Voi = { kind: 'window'; window: WindowSetting } | { kind: 'lut'; lut: LookupTable };

export function voiFunction(voi: Voi): (x: number) => number {
  if (voi.kind === 'lut') {
    const { lut } = voi;
    // Descriptor bits give the output range (C.11.2.1.1.1); a few writers state too few, so never clip real entries.
    let top = 2 ** lut.bits - 1;
    for (const entry of lut.entries) if (entry > top) top = entry;
    return (x) => (lookUp(lut, x) / top) * Y_MAX;
  }
  const { center: c, width: w } = voi.window;
  switch (voi.window.function) {
    case 'LINEAR_EXACT': // C.11.2.1.3.2
      return (x) => (x <= c - w / 2 ? 0 : x > c + w / 2 ? Y_MAX : ((x - c) / w + 0.5) * Y_MAX);
    case 'SIGMOID': // C.11.2.1.3.1
      return (x) => Y_MAX / (1 + Math.exp((-4 * (x - c)) / w));
    case 'LINEAR': {
      // C.11.2.1.2.1
      const low = c - 0.5 - (w - 1) / 2;
      const high = c - 0.5 + (w - 1) / 2;
      const span = Math.max(w - 1, Number.EPSILON);
      return (x) => (x <= low ? 0 : x > high ? Y_MAX : ((x - (c - 0.5)) / span + 0.5) * Y_MAX);
    }
  }
}

/** A LINEAR window that spans [min, max] exactly (for frames without any VOI in their header). */
export function rangeWindow(min: number, max: number): WindowSetting {
  if (max <= min) return { center: min, width: 1, function: 'LINEAR_EXACT' };
  return { center: (min + max) / 2, width: max - min, function: 'LINEAR_EXACT' };
}
