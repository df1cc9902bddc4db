import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameGeometryOf } from '../helpers/corpus-geometry';
import { corpusEntry, corpusFile, corpusInstanceUrl } from '../helpers/corpus';
import { stowFiles } from '../helpers/dicomweb-http';
import { dcmtkDecode, opjDecompress } from '../helpers/encoded-frame-references';
import {
  archiveWithEncodingFixtures,
  CT,
  dcmdump,
  DICOM,
  framesOf,
  HTJ2K_LOSSY,
  HTJ2K_RPCL,
  JPEG_BASELINE,
  JPEG_LOSSLESS_CT,
  JPEG_LS,
  JPEG_LS_CT,
  LOSSY_JPEG,
  parse,
  retrieve,
  RGB,
  RT_STUDY,
  SR_STUDY,
  storedPixels,
  values,
} from '../helpers/retrieved-instances';
import { type TestArchive } from '../helpers/start-app';

/**
 * Retrieve Instance / Series / Study in a syntax named in Accept, the cases beside plain lossless
 * re-encoding (retrieve-encoded-instances.test.ts): lossy HTJ2K and JPEG baseline labelled as
 * PS3.3 C.7.6.1.1.5 asks, 406 with reasons, several syntaxes in Accept, studies mixing objects
 * without Pixel Data and frames that cannot be encoded, and a stored frame that does not decode.
 */

describe('Retrieve Instance / Series / Study in a syntax named: lossy, and what cannot be made', () => {
  let archive: TestArchive;
  const url = (file: string) => corpusInstanceUrl(archive.dicomWeb, corpusEntry(file));

  beforeAll(async () => {
    archive = await archiveWithEncodingFixtures();
  });
  afterAll(async () => {
    await archive?.stop();
  });

  describe('lossy, only when named (PS3.3 C.7.6.1.1.5)', () => {
    it('HTJ2K .203 of a lossless CT: labelled lossy, Image Type DERIVED, a new SOP Instance UID (the same on every retrieve), decodes to the right size', async () => {
      const entry = corpusEntry(CT);
      const first = await retrieve(archive, url(CT), `${DICOM}; transfer-syntax=${HTJ2K_LOSSY}`);
      const again = await retrieve(archive, url(CT), `${DICOM}; transfer-syntax=${HTJ2K_LOSSY}`);
      expect(first.status).toBe(200);
      const ds = parse(first.parts[0]!.body);
      expect(ds.string('x00020010')).toBe(HTJ2K_LOSSY);
      expect(ds.string('x00282110')).toBe('01');
      const ratio = Number(ds.string('x00282112'));
      expect(ds.string('x00282112')!.split('\\')).toHaveLength(1);
      expect(ratio).toBeGreaterThan(2);
      expect(ds.string('x00282114')).toBe('ISO_15444_15');
      expect(ds.string('x00080008')).toBe('DERIVED\\PRIMARY\\AXIAL');
      const sop = ds.string('x00080018')!;
      expect(sop).toMatch(/^2\.25\.\d+$/);
      expect(sop).not.toBe(entry.sopInstanceUID);
      expect(ds.string('x00020003')).toBe(sop);
      expect(parse(again.parts[0]!.body).string('x00080018')).toBe(sop);
      // The part still answers for the resource asked for.
      expect(first.parts[0]!.headers['content-location']).toMatch(new RegExp(`/instances/${entry.sopInstanceUID!.replace(/\./g, '\\.')}$`));
      // The stored attributes, but the labels, are unchanged.
      expect(values(ds, ['x00080008', 'x00080018', 'x00282110', 'x00282112', 'x00282114'])).toEqual(
        values(parse(corpusFile(CT)), ['x00080008', 'x00080018']),
      );
      const [codestream] = framesOf(ds, 1);
      const decoded = opjDecompress(codestream!, frameGeometryOf(ds)).pixels;
      expect(decoded.length).toBe(512 * 512 * 2);
      // Close to the original, and the encoded size matches the ratio written.
      const stored = storedPixels(CT);
      let sum = 0;
      for (let i = 0; i < stored.length; i += 2) sum += Math.abs(stored.readUInt16LE(i) - decoded.readUInt16LE(i));
      expect(sum / (stored.length / 2)).toBeLessThan(8);
      expect(Math.abs(stored.length / codestream!.length - ratio)).toBeLessThan(0.05 * ratio);
    });

    it('a stored lossy JPEG re-encoded as .203 appends its ratio and method to the stored ones', async () => {
      const { status, parts } = await retrieve(archive, url(LOSSY_JPEG), `${DICOM}; transfer-syntax=${HTJ2K_LOSSY}`);
      expect(status).toBe(200);
      const ds = parse(parts[0]!.body);
      expect(ds.string('x00282110')).toBe('01');
      const ratios = ds.string('x00282112')!.split('\\');
      expect(ratios).toHaveLength(2);
      expect(ratios[0]).toBe('11.184');
      expect(ds.string('x00282114')).toBe('ISO_10918_1\\ISO_10918_1\\ISO_15444_15');
      expect(ds.string('x00080018')).not.toBe(corpusEntry(LOSSY_JPEG).sopInstanceUID);
    });

    it('lossless syntaxes keep the UID and a stored lossy history: Lossy Image Compression stays 01 with its ratio and method', async () => {
      const { parts } = await retrieve(archive, url(LOSSY_JPEG), `${DICOM}; transfer-syntax=${HTJ2K_RPCL}`);
      const ds = parse(parts[0]!.body);
      expect(ds.string('x00080018')).toBe(corpusEntry(LOSSY_JPEG).sopInstanceUID);
      expect(ds.string('x00282110')).toBe('01');
      expect(ds.string('x00282112')).toBe('11.184');
      expect(ds.string('x00282114')).toBe('ISO_10918_1\\ISO_10918_1');
      // Decoded YBR_FULL JPEG is RGB; HTJ2K codes it through its reversible colour transform.
      expect(ds.string('x00280004')).toMatch(/^(RGB|YBR_RCT)$/);
    });

    it('JPEG baseline .50 of 8-bit RGB: lossy labels, and DCMTK decodes it to 480×640 RGB', async () => {
      const { status, parts } = await retrieve(archive, url(RGB), `${DICOM}; transfer-syntax=${JPEG_BASELINE}`);
      expect(status).toBe(200);
      const ds = parse(parts[0]!.body);
      expect(ds.string('x00020010')).toBe(JPEG_BASELINE);
      expect(ds.string('x00282110')).toBe('01');
      expect(ds.string('x00282114')).toBe('ISO_10918_1');
      expect(ds.string('x00080008')!.startsWith('DERIVED\\')).toBe(true);
      expect(dcmtkDecode(parts[0]!.body, 'dcmdjpeg').length).toBe(480 * 640 * 3);
    });
  });

  describe('what cannot be made', () => {
    it('406 with the reason for JPEG baseline of a 16-bit CT, for a syntax the archive does not make, and for an unknown UID', async () => {
      const cases: Array<[string, RegExp]> = [
        [JPEG_BASELINE, /JPEG Baseline \(Process 1\) is for 8-bit samples; this instance has Bits Allocated 16/],
        [
          '1.2.840.10008.1.2.4.90',
          /1\.2\.840\.10008\.1\.2\.4\.90 was asked for \(JPEG 2000 \(Lossless Only\)\).*High-Throughput JPEG 2000/,
        ],
        ['1.2.3.4', /1\.2\.3\.4 was asked for, a UID the archive does not know as a transfer syntax/],
      ];
      for (const [syntax, reason] of cases) {
        const { status, message } = await retrieve(archive, url(CT), `${DICOM}; transfer-syntax=${syntax}`);
        expect(status, syntax).toBe(406);
        expect(message, syntax).toMatch(reason);
      }
    });

    it('with several syntaxes in Accept, each instance gets the first it can be made in', async () => {
      const accept = `${DICOM}; transfer-syntax=${JPEG_BASELINE}, ${DICOM}; transfer-syntax=${JPEG_LS}; q=0.5`;
      const { status, headers, parts } = await retrieve(archive, url(CT), accept);
      expect(status).toBe(200);
      expect(headers.get('content-type')).not.toContain('transfer-syntax');
      expect(parts[0]!.headers['content-type']).toBe(`application/dicom; transfer-syntax=${JPEG_LS}`);
      const orAsStored = await retrieve(archive, url(CT), `${DICOM}; transfer-syntax=${JPEG_BASELINE}, ${DICOM}; transfer-syntax=*; q=0.1`);
      expect(orAsStored.parts[0]!.headers['content-type']).toBe('application/dicom; transfer-syntax=1.2.840.10008.1.2');
      expect(orAsStored.parts[0]!.body.subarray(128).equals(corpusFile(CT).subarray(128))).toBe(true);
    });
  });

  describe('a study of an RT plan, an RT structure set and a CT', () => {
    const study = () => `${archive.dicomWeb}/studies/${corpusEntry(RT_STUDY[0]!).studyInstanceUID}`;

    it('as .202: every part in .202, the RT objects (no Pixel Data) unchanged but for their encoding, the CT encoded', async () => {
      // Planned from one query that lists the instances in the order of the as-stored answer.
      const uid = corpusEntry(RT_STUDY[0]!).studyInstanceUID!;
      expect(archive.index.instanceBulks(uid).map((row) => row.sopUid)).toEqual(archive.index.findInstances(uid).map((row) => row.sopUid));
      const { status, parts } = await retrieve(archive, study(), `${DICOM}; transfer-syntax=${HTJ2K_RPCL}`);
      expect(status).toBe(200);
      expect(parts).toHaveLength(3);
      for (const part of parts) {
        expect(part.headers['content-type']).toBe(`application/dicom; transfer-syntax=${HTJ2K_RPCL}`);
        const ds = parse(part.body);
        expect(ds.string('x00020010')).toBe(HTJ2K_RPCL);
        const file = RT_STUDY.find((f) => corpusEntry(f).sopInstanceUID === ds.string('x00080018'))!;
        expect(values(ds)).toEqual(values(parse(corpusFile(file))));
        expect(dcmdump(part.body)).toContain(`(0002,0010) UI [${HTJ2K_RPCL}]`);
        if (ds.elements.x7fe00010) {
          const [codestream] = framesOf(ds, 1);
          expect(opjDecompress(codestream!, frameGeometryOf(ds)).pixels.equals(storedPixels(file))).toBe(true);
        }
      }
    });

    it('as JPEG baseline: the RT objects with 206, the 16-bit CT left out with a Warning that says why', async () => {
      const ct = corpusEntry(RT_STUDY[2]!);
      const { status, headers, parts } = await retrieve(archive, study(), `${DICOM}; transfer-syntax=${JPEG_BASELINE}`);
      expect(status).toBe(206);
      expect(parts).toHaveLength(2);
      const warning = headers.get('warning') ?? '';
      expect(warning).toMatch(/^299 - "B000 1 of 3 instances left out"/);
      expect(warning).toContain(`299 - "B000 ${ct.sopInstanceUID} left out: An instance cannot be produced in JPEG Baseline`);
      expect(warning).toMatch(/8-bit samples/);
    });
  });

  it('a study of an SR and a float Parametric Map as .202: the SR in .202, the 32-bit float frames left out with 206 (or as stored when * is acceptable)', async () => {
    const [sr, map] = SR_STUDY.map((f) => corpusEntry(f));
    const study = `${archive.dicomWeb}/studies/${sr!.studyInstanceUID}`;
    const { status, headers, parts } = await retrieve(archive, study, `${DICOM}; transfer-syntax=${HTJ2K_RPCL}`);
    expect(status).toBe(206);
    expect(headers.get('warning')).toContain(
      `B000 ${map!.sopInstanceUID} left out: An instance cannot be produced in High-Throughput JPEG 2000`,
    );
    expect(headers.get('warning')).toContain('Bits Allocated 32 cannot be encoded');
    expect(parts).toHaveLength(1);
    expect(parts[0]!.headers['content-type']).toBe(`application/dicom; transfer-syntax=${HTJ2K_RPCL}`);
    const ds = parse(parts[0]!.body);
    expect(ds.string('x00020010')).toBe(HTJ2K_RPCL);
    expect(values(ds)).toEqual(values(parse(corpusFile(SR_STUDY[0]!))));
    const either = await retrieve(archive, study, `${DICOM}; transfer-syntax=${HTJ2K_RPCL}, ${DICOM}; transfer-syntax=*; q=0.5`);
    expect(either.status).toBe(200);
    expect(either.parts.map((p) => p.headers['content-type']).sort()).toEqual(
      [`application/dicom; transfer-syntax=${HTJ2K_RPCL}`, `application/dicom; transfer-syntax=${map!.transferSyntaxUID}`].sort(),
    );
  });

  describe('a stored frame that does not decode', () => {
    /**
     * The JPEG-LS CT with its SOF55 marker overwritten (CharLS finds no frame header), a SOP
     * Instance UID of its own and Instance Number 0, so that it comes first in the series of the
     * JPEG Lossless CT stored above.
     */
    function corrupted(): { bytes: Buffer; sop: string } {
      const bytes = Buffer.from(corpusFile(JPEG_LS_CT));
      const sop = corpusEntry(JPEG_LS_CT).sopInstanceUID!;
      const changed = `${sop.slice(0, -1)}${sop.endsWith('7') ? '8' : '7'}`;
      bytes.write(changed, bytes.indexOf(sop, 132, 'latin1'), 'latin1'); // File Meta
      bytes.write(changed, bytes.indexOf(sop, bytes.indexOf(changed, 132, 'latin1') + sop.length, 'latin1'), 'latin1'); // data set
      const number = bytes.indexOf(Buffer.from([0x20, 0x00, 0x13, 0x00, 0x49, 0x53, 0x02, 0x00, 0x20, 0x31]));
      bytes.write('0', number + 9, 'latin1');
      const sof = bytes.indexOf(Buffer.from([0xff, 0xd8, 0xff, 0xf7]));
      bytes[sof + 3] = 0x01;
      return { bytes, sop: changed };
    }

    it('is 406 on its own, left out with 206 from its series, as stored when * is acceptable too; never a 5xx', async () => {
      const { bytes, sop } = corrupted();
      expect((await stowFiles(archive, [bytes])).status).toBe(200);
      const entry = corpusEntry(JPEG_LS_CT);
      const series = `${archive.dicomWeb}/studies/${entry.studyInstanceUID}/series/${entry.seriesInstanceUID}`;
      const alone = await retrieve(archive, `${series}/instances/${sop}`, `${DICOM}; transfer-syntax=${HTJ2K_RPCL}`);
      expect(alone.status).toBe(406);
      expect(alone.message).toMatch(/^An instance cannot be produced in .*|^A frame could not be decoded|JPEG-LS/);
      const { status, headers, parts } = await retrieve(archive, series, `${DICOM}; transfer-syntax=${HTJ2K_RPCL}`);
      expect(status).toBe(206);
      expect(headers.get('warning')).toContain(`299 - "B000 ${sop} left out:`);
      expect(parts).toHaveLength(1);
      expect(parse(parts[0]!.body).string('x00080018')).toBe(corpusEntry(JPEG_LOSSLESS_CT).sopInstanceUID);
      // With as stored acceptable too, it comes as stored instead.
      const fallback = await retrieve(
        archive,
        `${series}/instances/${sop}`,
        `${DICOM}; transfer-syntax=${HTJ2K_RPCL}, ${DICOM}; transfer-syntax=*; q=0.5`,
      );
      expect(fallback.status).toBe(200);
      expect(fallback.parts[0]!.headers['content-type']).toBe(`application/dicom; transfer-syntax=${JPEG_LS}`);
      expect(fallback.parts[0]!.body.subarray(128).equals(bytes.subarray(128))).toBe(true);
    });
  });
});
