import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dicomParser from 'dicom-parser';
import { CORPUS_DIR, corpusEntry } from '../helpers/corpus';
import { dcmcjpegRgb, firstFragment, jpegWithJfif } from '../helpers/corpus-variants';
import { expectStored, getMultipart } from '../helpers/dicomweb-http';
import { gdcmCompress, gdcmRaw } from '../helpers/reference-decoders';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * Issue 11, item 7: lossy JPEG frames whose Photometric Interpretation is RGB were decoded with a
 * YCbCr → RGB conversion when the codestream carries neither JFIF nor Adobe marker (GDCM's lossy
 * RGB, components 1, 2, 3): libjpeg guesses YCbCr from those ids. PS3.5 8.2.1 ties the colour
 * transform to the Photometric Interpretation, and GDCM and DCMTK decode such frames without it.
 * Both variants of the corpus's native RGB ultrasound are stowed to a real archive, their frame
 * retrieved decoded (application/octet-stream) and compared with GDCM's decode (`gdcmconv --raw`).
 */

const OCTETS = 'multipart/related; type="application/octet-stream"';
const SOURCE = corpusEntry('color/rgb-us-nema-us1.dcm');

/** The same libjpeg arithmetic on both sides: only the IDCT and upsampling may differ by one. */
const LOSSY_TOLERANCE = 1;

function maxDifference(a: Buffer, b: Buffer): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** The APP14 transform flag of a JPEG codestream, or undefined without an Adobe marker (ISO 10918-1 as amended by Adobe TN 5116). */
function adobeTransform(jpeg: Buffer): number | undefined {
  for (let at = 2; at + 4 <= jpeg.length && jpeg[at] === 0xff && jpeg[at + 1] !== 0xda; at += 2 + jpeg.readUInt16BE(at + 2)) {
    if (jpeg[at + 1] === 0xee && jpeg.subarray(at + 4, at + 9).toString('latin1') === 'Adobe') return jpeg[at + 15];
  }
  return undefined;
}

describe('lossy JPEG with Photometric Interpretation RGB is decoded without colour transform, as GDCM does', () => {
  let archive: TestArchive;
  let dir: string;
  const variants: Record<string, string> = {};
  beforeAll(async () => {
    archive = await startTestArchive();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jpeg-rgb-'));
    const source = path.join(CORPUS_DIR, SOURCE.path);
    variants['DCMTK (Adobe APP14, transform 0)'] = path.join(dir, 'dcmtk.dcm');
    fs.writeFileSync(variants['DCMTK (Adobe APP14, transform 0)'], dcmcjpegRgb(source));
    variants['GDCM (no JFIF, no APP14)'] = path.join(dir, 'gdcm.dcm');
    fs.writeFileSync(variants['GDCM (no JFIF, no APP14)'], gdcmCompress(source, ['--jpeg', '--lossy', '-q', '90']));
    variants['GDCM with a JFIF marker added'] = path.join(dir, 'gdcm-jfif.dcm');
    fs.writeFileSync(variants['GDCM with a JFIF marker added'], jpegWithJfif(fs.readFileSync(variants['GDCM (no JFIF, no APP14)'])));
  });
  afterAll(async () => {
    await archive?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the variants are what they claim: baseline JPEG, RGB, one with Adobe transform 0, one without any colour marker, one with JFIF', () => {
    const dcmtk = firstFragment(fs.readFileSync(variants['DCMTK (Adobe APP14, transform 0)']!));
    const gdcm = firstFragment(fs.readFileSync(variants['GDCM (no JFIF, no APP14)']!));
    expect(adobeTransform(dcmtk)).toBe(0);
    expect(adobeTransform(gdcm)).toBeUndefined();
    expect(gdcm.includes(Buffer.from('JFIF\0', 'latin1'))).toBe(false);
    expect(firstFragment(fs.readFileSync(variants['GDCM with a JFIF marker added']!)).subarray(6, 11).toString('latin1')).toBe('JFIF\0');
  });

  it.each(['DCMTK (Adobe APP14, transform 0)', 'GDCM (no JFIF, no APP14)', 'GDCM with a JFIF marker added'])(
    "%s: the decoded frame is GDCM's",
    async (name) => {
      const file = variants[name]!;
      const bytes = fs.readFileSync(file);
      await expectStored(archive, [bytes]);
      // Lossy compression gives the variants new instance UIDs (PS3.3 C.12.1.1.1); read them from the file.
      const ds = dicomParser.parseDicom(new Uint8Array(bytes));
      const instance = `${archive.dicomWeb}/studies/${ds.string('x0020000d')}/series/${ds.string('x0020000e')}/instances/${ds.string('x00080018')}`;
      const reference = gdcmRaw(file);
      expect([reference.photometricInterpretation, reference.planarConfiguration]).toEqual(['RGB', 0]);
      const { status, parts } = await getMultipart(archive, `${instance}/frames/1`, OCTETS);
      expect(status).toBe(200);
      expect(parts[0]!.headers['content-type']).toBe('application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1');
      expect(parts[0]!.body.length).toBe(reference.pixels.length);
      expect(maxDifference(parts[0]!.body, reference.pixels)).toBeLessThanOrEqual(LOSSY_TOLERANCE);
      // The JFIF variant has the same UIDs as GDCM's.
      expect((await archive.fetch(instance, { method: 'DELETE' })).status).toBeLessThan(300);
    },
  );
});
