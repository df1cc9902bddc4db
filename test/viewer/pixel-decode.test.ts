import { describe, expect, it } from 'vitest';
import type { FrameAttributes } from '../../viewer/src/imaging/image-attributes';
import { decodePixels } from '../../viewer/src/imaging/pixel-decode';

/** Native frame bytes → the pixel array cornerstone draws, with Bits Stored honoured (PS3.5 8.1.1). */

const grey = (bitsStored: number, signed: boolean): FrameAttributes => ({
  rows: 1,
  columns: 4,
  samplesPerPixel: 1,
  photometricInterpretation: 'MONOCHROME2',
  planarConfiguration: 0,
  bitsAllocated: 16,
  bitsStored,
  signed,
  slope: 1,
  intercept: 0,
  numberOfFrames: 1,
});

const bytesOf = (values: number[], signed: boolean) => new Uint8Array((signed ? Int16Array.from(values) : Uint16Array.from(values)).buffer);

describe('decodePixels', () => {
  it('keeps 12-bit values that fit as they are, on the bytes received (no copy)', () => {
    const bytes = bytesOf([0, 1, 2048, 4095], false);
    const decoded = decodePixels(bytes, grey(12, false));
    expect([...decoded.pixels]).toEqual([0, 1, 2048, 4095]);
    expect(decoded.pixels.buffer).toBe(bytes.buffer);
    expect([decoded.min, decoded.max]).toEqual([0, 4095]);
  });

  it('masks bits above Bits Stored (an overlay in bit 15) and finds the range of what is left', () => {
    const decoded = decodePixels(bytesOf([0x8000 | 5, 7, 0xf000 | 4095, 100], false), grey(12, false));
    expect([...decoded.pixels]).toEqual([5, 7, 4095, 100]);
    expect([decoded.min, decoded.max]).toEqual([5, 4095]);
  });

  it('sign-extends signed 12-bit values whose high bits are not a sign extension', () => {
    // 0x0800 is -2048 in 12 bits; 0x0fff is -1; properly extended values stay.
    const decoded = decodePixels(bytesOf([0x0800, 0x0fff, -5, 2047], false), grey(12, true));
    expect([...decoded.pixels]).toEqual([-2048, -1, -5, 2047]);
    expect([decoded.min, decoded.max]).toEqual([-2048, 2047]);
  });
});
