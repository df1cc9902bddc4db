import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode } from '../../server/codecs/explicit-little-endian';
import type { StoredBulk } from '../../server/index/stored-bulk';
import { readNativeFrame } from '../../server/stored/native-frame';
import type { WadoDeps } from '../../server/dicomweb/wado-deps';
import { corpusFile } from '../helpers/corpus';
import { getMultipart, expectStored } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * readNativeFrame (server/stored/native-frame.ts) on stored instances: what the HTTP-level
 * transcoding tests cannot reach with the corpus (planar colour, 1-bit frames that straddle bytes,
 * a header that claims a huge frame). The codecs on their own: codec-registry.test.ts.
 */

/** A minimal Explicit VR Little Endian Part 10 file: a Secondary Capture image with these pixel attributes. */
function syntheticImage(uids: { study: string; series: string; sop: string }, image: Record<number, [string, Uint8Array]>): Buffer {
  const text = (s: string) => Buffer.from(s, 'latin1');
  const us = (n: number) => Buffer.from(Uint16Array.of(n).buffer);
  const SC = '1.2.840.10008.5.1.4.1.1.7';
  const meta = [
    encode(0x00020001, 'OB', Uint8Array.of(0, 1)),
    encode(0x00020002, 'UI', text(SC)),
    encode(0x00020003, 'UI', text(uids.sop)),
    encode(0x00020010, 'UI', text('1.2.840.10008.1.2.1')),
  ];
  const metaBytes = Buffer.concat(meta);
  const elements: Record<number, [string, Uint8Array]> = {
    0x00080016: ['UI', text(SC)],
    0x00080018: ['UI', text(uids.sop)],
    0x00080060: ['CS', text('OT')],
    0x00100020: ['LO', text('SYNTHETIC')],
    0x0020000d: ['UI', text(uids.study)],
    0x0020000e: ['UI', text(uids.series)],
    0x00280002: ['US', us(1)],
    0x00280103: ['US', us(0)],
    ...image,
  };
  const body = Object.keys(elements)
    .map(Number)
    .sort((a, b) => a - b)
    .map((tag) => encode(tag, elements[tag]![0], elements[tag]![1]));
  return Buffer.concat([
    Buffer.alloc(128),
    text('DICM'),
    encode(0x00020000, 'UL', Buffer.from(Uint32Array.of(metaBytes.length).buffer)),
    metaBytes,
    ...body,
  ]);
}

describe('readNativeFrame on stored instances', () => {
  let archive: TestArchive;
  let deps: WadoDeps;
  beforeAll(async () => {
    archive = await startTestArchive();
    deps = { index: archive.index, blobStore: archive.blobStore, dicomWebBase: () => archive.dicomWeb, log: () => {} };
  });
  afterAll(async () => {
    await archive?.stop();
  });

  const us = (n: number) => Buffer.from(Uint16Array.of(n).buffer);
  const cs = (s: string) => Buffer.from(s.length % 2 ? `${s} ` : s, 'latin1');

  async function store(file: Buffer, uids: { study: string; series: string; sop: string }) {
    await expectStored(archive, [file]);
    const row = archive.index.instanceBulk(uids.study, uids.series, uids.sop)!;
    return {
      instance: row,
      bulk: JSON.parse(row.bulk) as StoredBulk,
      path: `studies/${uids.study}/series/${uids.series}/instances/${uids.sop}`,
    };
  }

  it('turns planar colour (Planar Configuration 1) into interleaved samples; Retrieve Frames still sends it as stored', async () => {
    const uids = { study: '1.2.826.0.1.3680043.10.1.1', series: '1.2.826.0.1.3680043.10.1.2', sop: '1.2.826.0.1.3680043.10.1.3' };
    // 2×2 RGB: red plane, green plane, blue plane.
    const planar = Buffer.from([1, 2, 3, 4, 11, 12, 13, 14, 21, 22, 23, 24]);
    const file = syntheticImage(uids, {
      0x00280002: ['US', us(3)],
      0x00280004: ['CS', cs('RGB')],
      0x00280006: ['US', us(1)],
      0x00280010: ['US', us(2)],
      0x00280011: ['US', us(2)],
      0x00280100: ['US', us(8)],
      0x00280101: ['US', us(8)],
      0x00280102: ['US', us(7)],
      0x7fe00010: ['OB', planar],
    });
    const located = await store(file, uids);
    const frame = await readNativeFrame(deps, located, 1);
    expect(Array.from(frame.pixels)).toEqual([1, 11, 21, 2, 12, 22, 3, 13, 23, 4, 14, 24]);
    expect(frame).toMatchObject({
      rows: 2,
      columns: 2,
      samplesPerPixel: 3,
      bitsAllocated: 8,
      bitsStored: 8,
      pixelRepresentation: 0,
      photometricInterpretation: 'RGB',
    });
    const { parts } = await getMultipart(
      archive,
      `${archive.dicomWeb}/${located.path}/frames/1`,
      'multipart/related; type="application/octet-stream"',
    );
    expect(parts[0]!.body.equals(planar)).toBe(true);
  });

  it('shifts 1-bit frames that begin inside a byte to bit 0 (PS3.5 8.1.1), for readNativeFrame and Retrieve Frames', async () => {
    const uids = { study: '1.2.826.0.1.3680043.10.2.1', series: '1.2.826.0.1.3680043.10.2.2', sop: '1.2.826.0.1.3680043.10.2.3' };
    // Three 3×3 frames of 9 bits each, packed least significant bit first: 27 bits in 4 bytes.
    const frames = ['101010101', '111000111', '000011110'];
    const bits = frames.join('');
    const packed = Buffer.alloc(4);
    for (let i = 0; i < bits.length; i++) if (bits[i] === '1') packed[i >> 3]! |= 1 << (i & 7);
    const file = syntheticImage(uids, {
      0x00280004: ['CS', cs('MONOCHROME2')],
      0x00280008: ['IS', cs('3')],
      0x00280010: ['US', us(3)],
      0x00280011: ['US', us(3)],
      0x00280100: ['US', us(1)],
      0x00280101: ['US', us(1)],
      0x00280102: ['US', us(0)],
      0x7fe00010: ['OB', packed],
    });
    const located = await store(file, uids);
    const expected = frames.map((f) => {
      const out = Buffer.alloc(2);
      for (let i = 0; i < 9; i++) if (f[i] === '1') out[i >> 3]! |= 1 << (i & 7);
      return out;
    });
    for (const k of [1, 2, 3]) {
      const frame = await readNativeFrame(deps, located, k);
      expect(Buffer.from(frame.pixels).equals(expected[k - 1]!), `frame ${k}`).toBe(true);
    }
    const { status, parts } = await getMultipart(
      archive,
      `${archive.dicomWeb}/${located.path}/frames/3,2`,
      'multipart/related; type="application/octet-stream"',
    );
    expect(status).toBe(200);
    expect(parts.map((p) => p.body.toString('hex'))).toEqual([expected[2]!.toString('hex'), expected[1]!.toString('hex')]);
    await expect(readNativeFrame(deps, located, 4)).rejects.toMatchObject({ status: 404 });
    await expect(readNativeFrame(deps, located, 0)).rejects.toMatchObject({ status: 400 });
  });

  it('refuses to decode what a header claims to be huge: 406 for frames, instance and readNativeFrame, not an out-of-memory crash', async () => {
    const uids = { study: '1.2.826.0.1.3680043.10.3.1', series: '1.2.826.0.1.3680043.10.3.2', sop: '1.2.826.0.1.3680043.10.3.3' };
    const header = Buffer.alloc(64);
    header.writeUInt32LE(1, 0);
    header.writeUInt32LE(64, 4);
    const item = (value: Buffer) =>
      Buffer.concat([Buffer.from([0xfe, 0xff, 0x00, 0xe0]), Buffer.from(Uint32Array.of(value.length).buffer), value]);
    const rleFrame = Buffer.concat([header, Buffer.from([0x81, 0x00])]); // a replicate run, far too short for the claim
    const encapsulated = Buffer.concat([
      Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]),
      item(Buffer.alloc(0)),
      item(rleFrame),
      Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]),
    ]);
    const file = syntheticImage(uids, {
      0x00280004: ['CS', cs('MONOCHROME2')],
      0x00280010: ['US', us(60000)],
      0x00280011: ['US', us(60000)],
      0x00280100: ['US', us(8)],
      0x00280101: ['US', us(8)],
      0x00280102: ['US', us(7)],
    });
    const rle = Buffer.concat([file, encapsulated]);
    rle.write('1.2.840.10008.1.2.5\0', rle.indexOf('1.2.840.10008.1.2.1'), 'latin1'); // same length: 19 + padding
    const located = await store(rle, uids);
    expect(located.instance.transferSyntax).toBe('1.2.840.10008.1.2.5');
    await expect(readNativeFrame(deps, located, 1)).rejects.toMatchObject({ status: 406, message: expect.stringMatching(/larger than/) });
    const frames = await archive.fetch(`${archive.dicomWeb}/${located.path}/frames/1`, {
      headers: { accept: 'multipart/related; type="application/octet-stream"' },
    });
    expect(frames.status).toBe(406);
    const instance = await archive.fetch(`${archive.dicomWeb}/${located.path}`, {
      headers: { accept: 'multipart/related; type="application/dicom"' },
    });
    expect(instance.status).toBe(406);
    const asStored = await getMultipart(
      archive,
      `${archive.dicomWeb}/${located.path}/frames/1`,
      'multipart/related; type="image/dicom-rle"',
    );
    expect(asStored.parts[0]!.body.equals(rleFrame)).toBe(true);
  });

  it('decodes compressed frames and names the photometric interpretation the pixels now have', async () => {
    const file = corpusFile('color/ybr-full-422-jpeg-with-icon.dcm');
    const ds = dicomParser.parseDicom(new Uint8Array(file));
    const uids = { study: ds.string('x0020000d')!, series: ds.string('x0020000e')!, sop: ds.string('x00080018')! };
    const located = await store(file, uids);
    const frame = await readNativeFrame(deps, located, 1);
    expect(frame).toMatchObject({ rows: 600, columns: 600, samplesPerPixel: 3, bitsAllocated: 8, photometricInterpretation: 'RGB' });
    expect(frame.pixels.length).toBe(600 * 600 * 3);
  });
});
