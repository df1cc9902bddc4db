import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodableResolution, readHtj2kLayout, resolutionSize } from '../../shared/codecs/htj2k-codestream';
import { isAppError } from '../../shared/errors';
import { requireTool } from '../helpers/debian-tools';
import { corpusGreyFrame, decodeHtj2k, encodeHtj2k, type GreyFrame } from '../helpers/htj2k-rpcl';

/**
 * The HTJ2K main-header reader on real codestreams: a 512² slice of the corpus CT encoded by
 * OpenJPH as the archive writes .202 (RPCL, TLM, a tile-part per resolution). Its offsets are
 * checked against OpenJPEG's opj_dump and against the SOT markers of the whole codestream, and
 * each resolution's prefix is decoded by OpenJPH.
 */

const SLICE = 'series/ct-abdomen-philips-tcia/1-036.dcm';
let frame: GreyFrame;
let codestream: Uint8Array;

beforeAll(async () => {
  frame = corpusGreyFrame(SLICE);
  codestream = await encodeHtj2k(frame);
});

/** Where each tile-part ends, by walking the SOT markers' Psot (T.800 A.4.2) instead of the TLM. */
function tilePartEndsBySot(bytes: Uint8Array, from: number): number[] {
  const ends: number[] = [];
  let at = from;
  while (at + 10 <= bytes.length && bytes[at] === 0xff && bytes[at + 1] === 0x90) {
    const psot = ((bytes[at + 6]! << 24) | (bytes[at + 7]! << 16) | (bytes[at + 8]! << 8) | bytes[at + 9]!) >>> 0;
    at += psot;
    ends.push(at);
  }
  return ends;
}

function opjDump(bytes: Uint8Array): string {
  requireTool('opj_dump');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opj-dump-'));
  try {
    const file = path.join(dir, 'frame.j2k');
    fs.writeFileSync(file, bytes);
    return execFileSync('opj_dump', ['-i', file], { stdio: 'pipe' }).toString();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('readHtj2kLayout', () => {
  it('reads size, decompositions, progression and where each resolution ends', () => {
    const layout = readHtj2kLayout(codestream);
    expect(layout).toMatchObject({ width: 512, height: 512, components: 1, decompositions: 5, progressionOrder: 'RPCL' });
    const dump = opjDump(codestream);
    expect(dump).toContain(`Main header end position=${layout.mainHeaderEnd}`);
    expect(dump).toContain('prg=0x2');
    expect(dump).toContain('numresolutions=6');
    expect(layout.tilePartEnds).toEqual(tilePartEndsBySot(codestream, layout.mainHeaderEnd));
    expect(layout.tilePartEnds.at(-1)).toBe(codestream.length - 2); // then EOC
    expect(layout.resolutionEnds).toEqual(layout.tilePartEnds);
    // Resolutions grow: the smallest is a few hundred bytes, the last holds most of the image.
    expect(layout.tilePartEnds[0]!).toBeLessThan(2000);
    expect(codestream.length - layout.tilePartEnds[4]!).toBeGreaterThan(codestream.length / 2);
  });

  it('reads the layout from a prefix that holds only the main header', () => {
    const whole = readHtj2kLayout(codestream);
    const prefix = codestream.subarray(0, whole.mainHeaderEnd + 2);
    expect(readHtj2kLayout(prefix)).toEqual(whole);
  });

  it('a prefix ending at resolution r decodes to the same pixels as the whole codestream at r', async () => {
    const layout = readHtj2kLayout(codestream);
    for (let r = 0; r <= layout.decompositions; r++) {
      const end = layout.resolutionEnds![r]!;
      expect(decodableResolution(layout, end)).toBe(r);
      expect(decodableResolution(layout, end - 1)).toBe(r === 0 ? undefined : r - 1);
      const level = layout.decompositions - r;
      const fromPrefix = await decodeHtj2k(codestream.subarray(0, end), level);
      const fromWhole = await decodeHtj2k(codestream, level);
      const { width, height } = resolutionSize(layout, r);
      expect(fromPrefix.length).toBe(width * height * 2);
      expect(Buffer.from(fromPrefix).equals(Buffer.from(fromWhole))).toBe(true);
    }
    const full = await decodeHtj2k(codestream.subarray(0, layout.resolutionEnds![5]!));
    expect(Buffer.from(full).equals(Buffer.from(frame.pixels))).toBe(true);
  });

  it('gives no resolution ends when the codestream is not cut by resolution in RPCL order', async () => {
    const lrcp = readHtj2kLayout(await encodeHtj2k(frame, { progressionOrder: 0 }));
    expect(lrcp.progressionOrder).toBe('LRCP');
    expect(lrcp.resolutionEnds).toBeUndefined();
    const noTlm = readHtj2kLayout(await encodeHtj2k(frame, { tlm: false }));
    expect(noTlm.tilePartEnds).toEqual([]);
    expect(noTlm.resolutionEnds).toBeUndefined();
    expect(decodableResolution(noTlm, 1e9)).toBeUndefined();
    const oneTilePart = readHtj2kLayout(await encodeHtj2k(frame, { tilePartsAtResolutions: false }));
    expect(oneTilePart.tilePartEnds).toHaveLength(1);
    expect(oneTilePart.resolutionEnds).toBeUndefined();
  });

  it('rejects malformed input with a message that says what is wrong', () => {
    const message = (bytes: Uint8Array) => {
      try {
        readHtj2kLayout(bytes);
      } catch (error) {
        expect(isAppError(error) && error.status).toBe(400);
        return (error as Error).message;
      }
      throw new Error('no error');
    };
    expect(message(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toMatch(/does not begin with SOC/);
    expect(message(codestream.subarray(0, 60))).toMatch(/ends at byte 60 inside marker/);
    expect(message(codestream.subarray(0, 2))).toMatch(/ends at byte 2 inside the main header/);
    const badTlm = codestream.slice();
    const layout = readHtj2kLayout(codestream);
    const tlmAt = findMarker(badTlm, 0xff55, layout.mainHeaderEnd);
    badTlm[tlmAt + 5] = 0x30; // Stlm with ST = 3
    expect(message(badTlm)).toMatch(/TLM has an invalid Stlm/);
    const notMarker = codestream.slice();
    notMarker[2] = 0x12;
    expect(message(notMarker)).toMatch(/byte 2 is not a marker/);
  });
});

function findMarker(bytes: Uint8Array, marker: number, before: number): number {
  for (let at = 2; at < before; at += 2 + ((bytes[at + 2]! << 8) | bytes[at + 3]!))
    if (((bytes[at]! << 8) | bytes[at + 1]!) === marker) return at;
  throw new Error(`no marker ${marker.toString(16)}`);
}
