import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startArchiveOn } from '../helpers/backends';
import { corpusEntry, corpusFile, corpusInstanceUrl } from '../helpers/corpus';
import {
  SEQUENCE_DELIMITER_BYTES,
  firstFragment,
  jpeg2000TwoFramesSplitAtDelimiter,
  jpeg2000WithDelimiterBytes,
} from '../helpers/corpus-variants';
import { expectStored, getMultipart } from '../helpers/dicomweb-http';
import { gdcmRaw } from '../helpers/reference-decoders';
import type { TestArchive } from '../helpers/start-app';

/**
 * Issue 11, item 7: a JPEG 2000 fragment may hold any bytes, including FE FF DD E0 00 00 00 00 (a
 * Sequence Delimitation Item, little endian). Encapsulated Pixel Data is walked by its items'
 * lengths (PS3.5 A.4), so those bytes must neither end the Pixel Data nor split or start a frame.
 * The corpus CT in JPEG 2000 gains them in a COM marker segment (one frame, one fragment), and a
 * two-frame variant splits each frame's codestream into two fragments, the second beginning with
 * them (empty Basic Offset Table). Both are stowed to a real archive and their frames retrieved as
 * stored (byte for byte the codestream) and decoded (GDCM's decode of the codestream).
 */

const AS_STORED = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';
const OCTETS = 'multipart/related; type="application/octet-stream"';
const J2K = '1.2.840.10008.1.2.4.91';
const SOURCE = corpusEntry('transfer-syntaxes/ct1-1.2.4.91_jpeg2000.dcm');

describe.each(BACKENDS)('JPEG 2000 fragments holding the bytes of a Sequence Delimitation Item, on %s storage', (backend) => {
  let archive: TestArchive;
  let dir: string;
  const singleFrame = jpeg2000WithDelimiterBytes(corpusFile(SOURCE.path));
  const twoFrames = jpeg2000TwoFramesSplitAtDelimiter(singleFrame);
  const codestream = firstFragment(singleFrame);
  let decoded: Buffer;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'j2k-delimiter-'));
    const file = path.join(dir, 'single-frame.dcm');
    fs.writeFileSync(file, singleFrame);
    decoded = gdcmRaw(file).pixels;
    archive = await startArchiveOn(backend);
  });
  afterAll(async () => {
    await archive?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const instanceUrl = () => corpusInstanceUrl(archive.dicomWeb, SOURCE);

  it('the variants are what they claim: the codestream holds the delimiter bytes, and GDCM decodes it', () => {
    expect(codestream.includes(SEQUENCE_DELIMITER_BYTES)).toBe(true);
    expect(decoded.length).toBe(512 * 512 * 2);
  });

  it.each([
    ['one frame in one fragment', () => singleFrame, 1],
    ['two frames of two fragments each, the second beginning with the delimiter bytes', () => twoFrames, 2],
  ] as const)("%s: every frame as stored is the codestream, and decoded is GDCM's decode", async (_name, variant, frames) => {
    await expectStored(archive, [variant()]);
    const numbers = Array.from({ length: frames }, (_, k) => k + 1).join(',');

    const stored = await getMultipart(archive, `${instanceUrl()}/frames/${numbers}`, AS_STORED);
    expect(stored.status).toBe(200);
    expect(stored.parts).toHaveLength(frames);
    for (const part of stored.parts) {
      expect(part.headers['content-type']).toMatch(new RegExp(`; transfer-syntax=${J2K.replaceAll('.', '\\.')}$`));
      expect(part.body.equals(codestream)).toBe(true);
    }

    const native = await getMultipart(archive, `${instanceUrl()}/frames/${numbers}`, OCTETS);
    expect(native.status).toBe(200);
    expect(native.parts).toHaveLength(frames);
    for (const part of native.parts) expect(part.body.equals(decoded)).toBe(true);

    const instance = await getMultipart(archive, instanceUrl());
    expect(instance.status).toBe(200);
    expect(instance.parts).toHaveLength(1);

    const deleted = await archive.fetch(`${archive.dicomWeb}/studies/${SOURCE.studyInstanceUID}`, { method: 'DELETE' });
    expect(deleted.status).toBeLessThan(300);
  });
});
