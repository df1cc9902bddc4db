import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { decodeMultipart, multipartBoundary } from '../../shared/dicomweb/multipart-decoder';
import { STORED_FRAMES_ACCEPT } from '../../viewer/src/codecs/browser-syntaxes';
import { evenlyPlaced } from '../../viewer/src/dicomweb/retrieve';
import { imageFromNative } from '../../viewer/src/imaging/grey-image';
import { frameAttributes } from '../../viewer/src/imaging/image-attributes';
import { decodePixels } from '../../viewer/src/imaging/pixel-decode';
import { corpusEntry, corpusFile, corpusInstanceUrl } from '../helpers/corpus';
import { stowFiles } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * A frame as the viewer reads it on a fast link (issue 11): the archive's multipart answer decoded
 * in place, the part's body placed at an even offset, the 16-bit pixels viewed where they lie.
 * Checked against the original file's pixels as dicom-parser reads them.
 */

const CT = 'series/ct-abdomen-philips-tcia/1-036.dcm';

describe('a native CT frame read in place from the archive answer', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await startTestArchive();
    expect((await stowFiles(archive, [corpusFile(CT)])).status).toBe(200);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('gives the file pixels without copying them, whichever offset the part body has', async () => {
    const file = corpusFile(CT);
    const ds = dicomParser.parseDicom(new Uint8Array(file));
    const pixel = ds.elements.x7fe00010!;
    const expected = Buffer.from(file.subarray(pixel.dataOffset, pixel.dataOffset + pixel.length));
    const instance = corpusInstanceUrl(archive.dicomWeb, corpusEntry(CT));
    const [metadata] = (await (await archive.fetch(`${instance}/metadata`)).json()) as DicomJson[];
    const attributes = frameAttributes(metadata!);
    const res = await archive.fetch(`${instance}/frames/1`, { headers: { accept: STORED_FRAMES_ACCEPT } });
    const answer = Buffer.from(await res.arrayBuffer());
    const boundary = multipartBoundary(res.headers.get('content-type')!);

    const offsets: number[] = [];
    // A 3-byte preamble ("x" CRLF) flips the parity of the part's offset: both cases are read.
    for (const preamble of ['', 'x\r\n']) {
      const body = new Uint8Array(preamble.length + answer.length);
      body.set(Buffer.from(preamble, 'latin1'));
      body.set(answer, preamble.length);
      const [part] = decodeMultipart(body, boundary);
      offsets.push(part!.body.byteOffset % 2);
      const placed = evenlyPlaced(part!.body);
      expect([placed.buffer === body.buffer, placed.byteOffset % 2, placed.length]).toEqual([true, 0, expected.length]);
      expect(Buffer.from(placed.buffer, placed.byteOffset, placed.length).equals(expected)).toBe(true);
      const decoded = decodePixels(placed, attributes);
      expect(decoded.pixels.buffer).toBe(body.buffer);
      const samples = new Int16Array(expected.buffer.slice(expected.byteOffset, expected.byteOffset + expected.length));
      expect([decoded.min, decoded.max]).toEqual([samples.reduce((a, b) => Math.min(a, b)), samples.reduce((a, b) => Math.max(a, b))]);
      expect(Buffer.from(decoded.pixels.buffer, decoded.pixels.byteOffset, decoded.pixels.byteLength).equals(expected)).toBe(true);

      // The cornerstone image: its range is read from the pixels when first asked for, and can be replaced (image-quality.ts).
      const image = imageFromNative('dicomweb:test', placed, attributes);
      expect(image.sizeInBytes).toBe(expected.length);
      expect([image.minPixelValue, image.maxPixelValue]).toEqual([decoded.min, decoded.max]);
      expect([image.windowCenter, image.windowWidth]).toEqual([attributes.windowCenter, attributes.windowWidth]);
      expect(image.getPixelData().buffer).toBe(body.buffer);
      image.minPixelValue = -5;
      expect({ ...image }).toMatchObject({ minPixelValue: -5, maxPixelValue: decoded.max });
    }
    expect(offsets.sort()).toEqual([0, 1]);
  });
});
