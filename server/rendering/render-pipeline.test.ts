import dicomParser from 'dicom-parser';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { corpusFile } from '../../test/helpers/corpus';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { dicomParserKey } from '../../shared/dicom/tag-forms';
import { Tag } from '../../shared/dicom/tags';
import type { FramePixels } from './frame-pixels';
import { renderImage, rasterize } from './render-image';
import { parseRenderOptions } from './render-options';
import { negotiateRenderedType } from './rendered-media-type';
import { renderingAttributes } from './rendering-attributes';
import { voiFunction } from './voi';

/** The pure rendering pipeline on native corpus files read independently with dicom-parser. */

const noBulk = async (): Promise<Uint8Array> => {
  throw new Error('no bulk data in these tests');
};

function nativeFrame(path: string): { frame: FramePixels; ds: dicomParser.DataSet } {
  const file = corpusFile(path);
  const ds = dicomParser.parseDicom(new Uint8Array(file));
  const uint16 = (tag: string) => ds.uint16(dicomParserKey(tag));
  const pixel = ds.elements[dicomParserKey(Tag.PixelData)]!;
  const rows = uint16(Tag.Rows)!;
  const columns = uint16(Tag.Columns)!;
  const spp = uint16(Tag.SamplesPerPixel) ?? 1;
  const bitsAllocated = uint16(Tag.BitsAllocated)!;
  const length = Math.min(pixel.length, (rows * columns * spp * bitsAllocated) / 8);
  return {
    ds,
    frame: {
      pixels: new Uint8Array(file.buffer, file.byteOffset + pixel.dataOffset, length),
      rows,
      columns,
      samplesPerPixel: spp,
      bitsAllocated,
      bitsStored: uint16(Tag.BitsStored)!,
      pixelRepresentation: uint16(Tag.PixelRepresentation) === 1 ? 1 : 0,
      photometricInterpretation: ds.string(dicomParserKey(Tag.PhotometricInterpretation))!,
    },
  };
}

/** The header attributes the pipeline reads, as DICOM JSON. */
function headerJson(ds: dicomParser.DataSet): DicomJson {
  const json: DicomJson = {};
  // First values only.
  for (const tag of [Tag.WindowCenter, Tag.WindowWidth, Tag.RescaleIntercept, Tag.RescaleSlope]) {
    const v = ds.string(dicomParserKey(tag));
    if (v !== undefined && v !== '') json[tag] = { vr: 'DS', Value: [Number(v.split('\\')[0])] };
  }
  json[Tag.PixelRepresentation] = { vr: 'US', Value: [ds.uint16(dicomParserKey(Tag.PixelRepresentation)) ?? 0] };
  json[Tag.PhotometricInterpretation] = { vr: 'CS', Value: [ds.string(dicomParserKey(Tag.PhotometricInterpretation))] };
  return json;
}

const CT = 'series/ct-abdomen-philips-tcia/1-036.dcm';

describe('rendering query parameters', () => {
  it('reads window, viewport and quality', () => {
    expect(parseRenderOptions({ window: '40,400', viewport: '256,256', quality: '75' }, 'rendered')).toEqual({
      window: { center: 40, width: 400, function: 'LINEAR' },
      viewport: { width: 256, height: 256 },
      quality: 75,
    });
    expect(parseRenderOptions({ window: '-600,1500,SIGMOID' }, 'rendered').window).toEqual({
      center: -600,
      width: 1500,
      function: 'SIGMOID',
    });
    expect(parseRenderOptions({ window: '0.5,1,linear-exact' }, 'rendered').window?.function).toBe('LINEAR_EXACT');
    expect(parseRenderOptions({ viewport: '100,50,10,20,-30,' }, 'rendered').viewport).toEqual({
      width: 100,
      height: 50,
      region: { x: 10, y: 20, width: -30, height: undefined },
    });
  });

  it.each([
    [{ window: '40' }, /center,width/],
    [{ window: '40,abc' }, /center,width/],
    [{ window: '40,0' }, /at least 1/],
    [{ window: '40,0.5,linear' }, /at least 1/],
    [{ window: '40,400,cubic' }, /linear, linear-exact or sigmoid/],
    [{ quality: '0' }, /1 to 100/],
    [{ quality: '101' }, /1 to 100/],
    [{ quality: '9.5' }, /1 to 100/],
    [{ viewport: '0,10' }, /integers from 1/],
    [{ viewport: '10' }, /vw,vh/],
    [{ viewport: '10,10,1,1,0,5' }, /non-zero/],
    [{ viewport: '99999,10' }, /integers from 1/],
    [{ window: ['1,2', '3,4'] }, /more than once/],
  ])('refuses %o with a 400 that says why', (query, message) => {
    expect(() => parseRenderOptions(query, 'rendered')).toThrow(message);
    try {
      parseRenderOptions(query, 'rendered');
    } catch (error) {
      expect((error as { status: number }).status).toBe(400);
    }
  });

  it('allows only vw,vh on thumbnails', () => {
    expect(parseRenderOptions({ viewport: '64,64' }, 'thumbnail')).toEqual({ viewport: { width: 64, height: 64 } });
    expect(() => parseRenderOptions({ viewport: '64,64,0,0,10,10' }, 'thumbnail')).toThrow(/vw,vh here/);
    expect(() => parseRenderOptions({ window: '1,2' }, 'thumbnail')).toThrow(/thumbnails/);
  });
});

describe('rendered media type negotiation', () => {
  it('defaults to JPEG and follows Accept or the accept parameter', () => {
    expect(negotiateRenderedType(undefined, undefined)).toBe('image/jpeg');
    expect(negotiateRenderedType('*/*', undefined)).toBe('image/jpeg');
    expect(negotiateRenderedType('image/png', undefined)).toBe('image/png');
    expect(negotiateRenderedType('image/webp, image/gif;q=0.5', undefined)).toBe('image/gif');
    expect(negotiateRenderedType('multipart/related; type="image/png"', undefined)).toBe('image/png');
    expect(negotiateRenderedType('image/jpeg', 'image/png')).toBe('image/png');
  });
  it('is 406 when nothing acceptable can be made', () => {
    expect(() => negotiateRenderedType('application/dicom', undefined)).toThrow(/image\/jpeg, image\/png, image\/gif/);
    expect(() => negotiateRenderedType(undefined, 'video/mp4')).toThrow(/PS3.18 8.7.4/);
  });
});

describe('VOI functions (PS3.3 C.11.2.1.2)', () => {
  it('LINEAR maps the window edges and centre as the standard says', () => {
    const f = voiFunction({ kind: 'window', window: { center: 40, width: 400, function: 'LINEAR' } });
    expect(f(-160)).toBe(0); // x <= c - 0.5 - (w-1)/2
    expect(f(240)).toBe(255); // x > c - 0.5 + (w-1)/2
    expect(f(39.5)).toBeCloseTo(127.5, 6);
  });
  it('LINEAR_EXACT and SIGMOID', () => {
    const exact = voiFunction({ kind: 'window', window: { center: 0, width: 100, function: 'LINEAR_EXACT' } });
    expect(exact(-50)).toBe(0);
    expect(exact(25)).toBeCloseTo(191.25, 6);
    const sigmoid = voiFunction({ kind: 'window', window: { center: 0, width: 100, function: 'SIGMOID' } });
    expect(sigmoid(0)).toBeCloseTo(127.5, 6);
    expect(sigmoid(50)).toBeCloseTo(255 / (1 + Math.exp(-2)), 6);
  });
});

describe('grayscale pipeline on a real CT slice', () => {
  it('applies rescale and the requested window at known pixels', async () => {
    const { frame, ds } = nativeFrame(CT);
    const attributes = await renderingAttributes(headerJson(ds), 1, noBulk);
    expect(attributes.rescale).toBeDefined();
    const out = rasterize(frame, attributes, { center: 40, width: 400, function: 'LINEAR' });
    const view = new DataView(frame.pixels.buffer, frame.pixels.byteOffset, frame.pixels.byteLength);
    const signed = frame.pixelRepresentation === 1;
    for (const [row, col] of [
      [256, 256],
      [300, 200],
      [10, 10],
      [200, 330],
    ] as const) {
      const i = row * frame.columns + col;
      const stored = signed ? view.getInt16(2 * i, true) : view.getUint16(2 * i, true);
      const hu = stored * attributes.rescale!.slope + attributes.rescale!.intercept;
      const expected = hu <= -160 ? 0 : hu > 239 ? 255 : Math.round(((hu - 39.5) / 399 + 0.5) * 255);
      expect(out[i], `pixel ${row},${col} (HU ${hu})`).toBe(expected);
    }
    // Air outside the body is black, the image is not constant.
    expect(out[0]).toBe(0);
    expect(new Set(out).size).toBeGreaterThan(100);
  });

  it('encodes to a JPEG of Rows×Columns and to a smaller thumbnail', async () => {
    const { frame, ds } = nativeFrame(CT);
    const attributes = await renderingAttributes(headerJson(ds), 1, noBulk);
    const jpeg = await renderImage([{ pixels: frame, attributes }], { type: 'image/jpeg' });
    const meta = await sharp(jpeg).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['jpeg', 512, 512, 1]);
    const thumb = await renderImage([{ pixels: frame, attributes }], { type: 'image/png', fitWithin: 128 });
    const thumbMeta = await sharp(thumb).metadata();
    expect([thumbMeta.format, thumbMeta.width, thumbMeta.height]).toEqual(['png', 128, 128]);
  });

  it('inverts MONOCHROME1', async () => {
    const { frame, ds } = nativeFrame(CT);
    const attributes = await renderingAttributes(headerJson(ds), 1, noBulk);
    const window = { center: 40, width: 400, function: 'LINEAR' as const };
    const mono2 = rasterize(frame, attributes, window);
    const mono1 = rasterize({ ...frame, photometricInterpretation: 'MONOCHROME1' }, attributes, window);
    for (let i = 0; i < mono2.length; i += 997) expect(mono1[i]).toBe(255 - mono2[i]!);
  });
});

describe('colour pipeline', () => {
  it('converts native YBR_FULL_422 to RGB like a reference conversion', async () => {
    const { frame } = nativeFrame('color/ybr-full-422-us-uncompressed.dcm');
    expect(frame.photometricInterpretation).toBe('YBR_FULL_422');
    const rgb = rasterize(frame, { floatPixels: false });
    expect(rgb.length).toBe(frame.rows * frame.columns * 3);
    // Pixel pair 0: Y0 Y1 Cb Cr.
    const [y0, , cb, cr] = frame.pixels;
    expect(rgb[0]).toBe(Math.min(255, Math.max(0, Math.round(y0! + 1.402 * (cr! - 128)))));
    expect(rgb[2]).toBe(Math.min(255, Math.max(0, Math.round(y0! + 1.772 * (cb! - 128)))));
  });
});
