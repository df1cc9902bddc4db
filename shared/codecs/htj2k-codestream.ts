/**
 * The main header of a JPEG 2000 / HTJ2K codestream (ITU-T T.800 Annex A, T.814), read far enough
 * to know where each resolution ends in a one-tile RPCL codestream cut into one tile-part per
 * resolution (TLM marker in the main header, tile-parts divided at resolutions, as the archive
 * writes 1.2.840.10008.1.2.4.202). The prefix up to the end of tile-part k holds resolutions
 * 0..k, which OpenJPH decodes with `decodeSubResolution(D - k)` to (size >> (D - k)); a prefix
 * that stops inside a tile-part must not be decoded at that resolution (OpenJPH then gives
 * garbage without an error). Works on a prefix as long as it holds the whole main header.
 */
import { AppError } from '../errors';

const SOC = 0xff4f;
const SIZ = 0xff51;
const COD = 0xff52;
const TLM = 0xff55;
const SOT = 0xff90;

/** Progression orders of COD's SGcod (T.800 Table A.16). */
export const PROGRESSION_ORDERS = ['LRCP', 'RLCP', 'RPCL', 'PCRL', 'CPRL'] as const;
export type ProgressionOrder = (typeof PROGRESSION_ORDERS)[number];

export interface Htj2kLayout {
  width: number;
  height: number;
  components: number;
  /** Number of wavelet decompositions D (COD SPcod): resolutions 0 (smallest) to D (full). */
  decompositions: number;
  progressionOrder: ProgressionOrder;
  /** Byte offset of the first SOT: the main header is bytes [0, mainHeaderEnd). */
  mainHeaderEnd: number;
  /** Byte end of each tile-part, from the TLM marker (empty without one). */
  tilePartEnds: number[];
  /**
   * Byte end of resolution r (index r, 0..D) when the codestream has one tile-part per resolution
   * in RPCL order; undefined otherwise (then only the whole codestream decodes).
   */
  resolutionEnds: number[] | undefined;
}

function fail(why: string): never {
  throw new AppError('BAD_REQUEST', `Malformed HTJ2K codestream: ${why}.`);
}

function u16(bytes: Uint8Array, at: number): number {
  if (at + 2 > bytes.length) fail(`ends at byte ${bytes.length} inside the main header`);
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

function u32(bytes: Uint8Array, at: number): number {
  return u16(bytes, at) * 0x10000 + u16(bytes, at + 2);
}

/** Reads the main header of `bytes` (a whole codestream or a prefix holding the main header). */
export function readHtj2kLayout(bytes: Uint8Array): Htj2kLayout {
  if (bytes.length < 2 || u16(bytes, 0) !== SOC) fail('it does not begin with SOC (FF4F)');
  let at = 2;
  let size: { width: number; height: number; components: number } | undefined;
  let cod: { decompositions: number; progressionOrder: ProgressionOrder } | undefined;
  const tilePartLengths: number[] = [];
  for (;;) {
    const marker = u16(bytes, at);
    if (marker === SOT) break;
    if (marker >>> 8 !== 0xff) fail(`byte ${at} is not a marker`);
    const length = u16(bytes, at + 2);
    if (length < 2) fail(`marker ${hex(marker)} at byte ${at} has length ${length}`);
    const body = at + 4;
    const end = at + 2 + length;
    if (end > bytes.length) fail(`ends at byte ${bytes.length} inside marker ${hex(marker)}`);
    if (marker === SIZ) {
      if (length < 41) fail(`SIZ is ${length} bytes long`);
      const xsiz = u32(bytes, body + 2);
      const ysiz = u32(bytes, body + 6);
      const xo = u32(bytes, body + 10);
      const yo = u32(bytes, body + 14);
      const xt = u32(bytes, body + 18);
      const yt = u32(bytes, body + 22);
      const xto = u32(bytes, body + 26);
      const yto = u32(bytes, body + 30);
      if (xsiz <= xo || ysiz <= yo) fail('SIZ gives an empty image');
      // One tile: the tile grid covers the image with a single tile.
      if (xto + xt < xsiz || yto + yt < ysiz) fail('it has more than one tile');
      size = { width: xsiz - xo, height: ysiz - yo, components: u16(bytes, body + 34) };
    } else if (marker === COD) {
      if (length < 12) fail(`COD is ${length} bytes long`);
      const order = PROGRESSION_ORDERS[bytes[body + 1]!];
      if (!order) fail(`COD names progression order ${bytes[body + 1]}`);
      cod = { progressionOrder: order, decompositions: bytes[body + 5]! };
    } else if (marker === TLM) {
      tilePartLengths.push(...tlmLengths(bytes, body, end));
    }
    at = end;
  }
  if (!size) fail('no SIZ marker in the main header');
  if (!cod) fail('no COD marker in the main header');
  const mainHeaderEnd = at;
  let end = mainHeaderEnd;
  const tilePartEnds = tilePartLengths.map((length) => (end += length));
  const byResolution = cod.progressionOrder === 'RPCL' && tilePartEnds.length === cod.decompositions + 1;
  return { ...size, ...cod, mainHeaderEnd, tilePartEnds, resolutionEnds: byResolution ? tilePartEnds : undefined };
}

/** Ptlm of each tile-part in one TLM segment (T.800 A.7.1: Ztlm, Stlm, then Ttlm/Ptlm pairs). */
function tlmLengths(bytes: Uint8Array, body: number, end: number): number[] {
  const stlm = bytes[body + 1]!;
  const st = (stlm >> 4) & 3; // bytes of Ttlm: 0, 1 or 2
  const sp = (stlm >> 6) & 1 ? 4 : 2; // bytes of Ptlm
  if (st === 3) fail('TLM has an invalid Stlm');
  const entry = st + sp;
  if ((end - body - 2) % entry !== 0) fail('TLM length does not match its entries');
  const lengths: number[] = [];
  for (let at = body + 2 + st; at < end; at += entry) {
    const length = sp === 4 ? u32(bytes, at) : u16(bytes, at);
    if (length < 14) fail(`TLM gives a tile-part of ${length} bytes`); // SOT (12) + SOD (2) at least
    lengths.push(length);
  }
  return lengths;
}

/**
 * The highest resolution (0..D) wholly inside the first `received` bytes, or undefined when
 * not even the smallest one is; D means the whole image.
 */
export function decodableResolution(layout: Htj2kLayout, received: number): number | undefined {
  const ends = layout.resolutionEnds;
  if (!ends) return undefined;
  let best: number | undefined;
  ends.forEach((end, r) => {
    if (end <= received) best = r;
  });
  return best;
}

/** Width and height of resolution r: ceil(size / 2^(D - r)) (T.800 B.5, image offset 0). */
export function resolutionSize(layout: Htj2kLayout, r: number): { width: number; height: number } {
  const scale = 2 ** (layout.decompositions - r);
  return { width: Math.ceil(layout.width / scale), height: Math.ceil(layout.height / scale) };
}

function hex(marker: number): string {
  return marker.toString(16).toUpperCase().padStart(4, '0');
}
