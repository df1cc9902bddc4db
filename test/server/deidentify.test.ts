import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DicomJson, DicomJsonElement, PersonName } from '../../shared/dicom/dicom-json';
import { getString } from '../../shared/dicom/dicom-json';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../../shared/dicom/transfer-syntaxes';
import { isValidUid } from '../../shared/dicom/uid';
import type { ReplacedElement } from '../../server/codecs/explicit-little-endian';
import { decodeHere } from '../../server/codecs/decode-here';
import { Part10StreamParser, type ParsedPart10 } from '../../server/ingest/part10-parser';
import { actionCode, profileAction } from '../../server/sharing/deidentify/basic-profile';
import { deidentifyDataset, isRetainedTagPath, type DeidContext } from '../../server/sharing/deidentify/deidentify-json';
import { deidentifyPart10 } from '../../server/sharing/deidentify/deidentify-part10';
import { ReplacementUids, replacementUid } from '../../server/sharing/deidentify/replacement-uids';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { requireTool } from '../helpers/debian-tools';

/**
 * PS3.15 Annex E Basic Profile for anonymized shares, on real corpus files: DICOM JSON as the
 * index holds it (our Part 10 parser) and Part 10 bytes, checked with dcmjs and DCMTK's dcmdump.
 */

const dcmjs = createRequire(import.meta.url)('dcmjs') as {
  data: {
    DicomMessage: { readFile(buffer: ArrayBuffer): { meta: Record<string, DicomJsonElement>; dict: Record<string, DicomJsonElement> } };
  };
  log: { setLevel(level: string): void };
};
dcmjs.log.setLevel('silent');

const BASE = 'http://archive.test/dicom-web';
const SECRET = Buffer.from('f3b1c2d4e5f60718293a4b5c6d7e8f90', 'hex');
const tmp = mkdtempSync(path.join(tmpdir(), 'deidentify-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CT = 'series/ct-abdomen-philips-tcia/1-036.dcm';
const MR_UTF8 = 'charsets/iso-ir-192-utf8-mr.dcm';
const MR_1 = 'series/mr-ge-750-fmri-150-instances/axial_epi_fmri_interleaved_i_to_s-00001.dcm';
const MR_2 = 'series/mr-ge-750-fmri-150-instances/axial_epi_fmri_interleaved_i_to_s-00002.dcm';
const US = 'color/rgb-us-nema-us1.dcm';
const PT_LATIN1_IMPLICIT = 'charsets/iso-ir-100-latin1-pt.dcm';
const SR_NESTED = 'non-image/sr-comprehensive-tid1500.dcm';
const SR_UTF8 = 'non-image/sr-enhanced-utf8.dcm';
const JPEG_LS_MULTIFRAME = 'multiframe/enhanced-ct-2f-jpeg-ls-bot-not-fragmented.dcm';
const NATIVE_MULTIFRAME = 'multiframe/enhanced-mr-siemens-xa10-6f.dcm';

/** Attributes whose values identify the patient or the people and places of the study. */
const IDENTIFYING = [
  '00100010',
  '00100020',
  '00100030',
  '00080050',
  '00080080',
  '00080090',
  '00081010',
  '00081070',
  '00080081',
  '00081050',
];
const PIXEL_RELATED = [
  '00280002',
  '00280004',
  '00280010',
  '00280011',
  '00280100',
  '00280101',
  '00280102',
  '00280103',
  '00280008',
  '00200032',
  '00200037',
  '00280030',
  '00180050',
  '00281050',
  '00281051',
  '00281052',
  '00281053',
  '00080016',
  '00080060',
];

function context(secret: Uint8Array = SECRET): DeidContext {
  return { uids: new ReplacementUids(secret), secret, label: 'Consult 42' };
}

function parse(bytes: Uint8Array): ParsedPart10 {
  const parser = new Part10StreamParser();
  parser.write(bytes);
  return parser.end();
}

/** The DICOM JSON the archive serves for a corpus file: BulkDataURIs and a RetrieveURL as the server writes them. */
function servedJson(relative: string): DicomJson {
  const parsed = parse(corpusFile(relative));
  const ds = parsed.dataset;
  const url = `${BASE}/studies/${getString(ds, '0020000D')}/series/${getString(ds, '0020000E')}/instances/${getString(ds, '00080018')}`;
  for (const bulk of parsed.bulk) bulk.element.BulkDataURI = `${url}/bulkdata/${bulk.path}`;
  ds['00081190'] = { vr: 'UR', Value: [url] };
  return ds;
}

/** Every string value (PN groups included) of `tags`, at any depth. */
function valuesOf(ds: DicomJson, tags: readonly string[]): string[] {
  const found: string[] = [];
  walk(ds, (tag, element) => {
    if (!tags.includes(tag)) return;
    for (const value of element.Value ?? []) {
      if (typeof value === 'string') found.push(value.trim());
      else if (typeof value === 'object' && value !== null) found.push(...Object.values(value as PersonName).map((v) => String(v).trim()));
    }
  });
  // A value that is part of a dummy we write (Patient ID "0010" in "19000101") is not a leak.
  return found.filter((v) => v.length >= 3 && !DUMMIES.some((dummy) => dummy.includes(v)));
}

const DUMMIES = ['19000101000000', 'ANONYMOUS^Consult 42', '000000'];

/** Every UID value of an attribute the profile replaces (action U), at any depth. */
function replacedUidsOf(ds: DicomJson): string[] {
  const found: string[] = [];
  walk(ds, (tag, element) => {
    if (element.vr === 'UI' && profileAction(Number.parseInt(tag, 16), false) === 'uid')
      found.push(...(element.Value ?? []).filter((v): v is string => typeof v === 'string' && v !== ''));
  });
  return found;
}

function walk(ds: DicomJson, visit: (tag: string, element: DicomJsonElement) => void): void {
  for (const [tag, element] of Object.entries(ds)) {
    visit(tag, element);
    if (element.vr === 'SQ') for (const item of element.Value ?? []) if (item) walk(item as DicomJson, visit);
  }
}

function tagsAnywhere(ds: DicomJson): string[] {
  const tags: string[] = [];
  walk(ds, (tag) => tags.push(tag));
  return tags;
}

/** A data set without bulk values, for comparing the JSON and Part 10 paths. */
function withoutBulk(ds: DicomJson): DicomJson {
  const out: DicomJson = {};
  for (const [tag, element] of Object.entries(ds)) {
    if (element.BulkDataURI !== undefined || element.InlineBinary !== undefined) continue;
    out[tag] = element.vr === 'SQ' ? { vr: 'SQ', Value: (element.Value ?? []).map((item) => withoutBulk(item as DicomJson)) } : element;
  }
  return out;
}

describe('replacement UIDs (PS3.5 B.2)', () => {
  it('are 2.25 UIDs from HMAC-SHA256, the same for the same secret and different for another', () => {
    const uid = '1.3.6.1.4.1.14519.5.2.1.21087345762211724523378497892240459677';
    const a = replacementUid(SECRET, uid);
    expect(a).toMatch(/^2\.25\.[1-9][0-9]*$/);
    expect(isValidUid(a)).toBe(true);
    expect(a.length).toBeLessThanOrEqual(44);
    expect(replacementUid(SECRET, uid)).toBe(a);
    expect(replacementUid(Buffer.from('another secret'), uid)).not.toBe(a);
    expect(replacementUid(SECRET, `${uid}1`)).not.toBe(a);
    // First 128 bits of HMAC-SHA256 as a decimal, computed independently.
    const hex = createHmac('sha256', SECRET).update(uid).digest('hex').slice(0, 32);
    expect(a).toBe(`2.25.${BigInt(`0x${hex}`)}`);
  });

  it('ReplacementUids answers the original of replacements it made or learned, and nothing else', () => {
    const uids = new ReplacementUids(SECRET);
    const study = corpusEntry(CT).studyInstanceUID!;
    expect(uids.original(replacementUid(SECRET, study))).toBeUndefined();
    uids.learn([study]);
    expect(uids.original(replacementUid(SECRET, study))).toBe(study);
    const sop = corpusEntry(CT).sopInstanceUID!;
    expect(uids.original(uids.replace(sop))).toBe(sop);
    expect(uids.original(sop)).toBeUndefined();
  });
});

describe('Table E.1-1 actions', () => {
  it('has the Basic Profile codes of well-known attributes, private and curve/overlay rows', () => {
    expect(actionCode(0x00100010)).toBe('Z');
    expect(actionCode(0x00080080)).toBe('X/Z/D');
    expect(actionCode(0x00081140)).toBe('X/Z/U*');
    expect(actionCode(0x0020000d)).toBe('U');
    expect(actionCode(0x00101010)).toBe('X');
    expect(actionCode(0x00091001)).toBe('X');
    expect(actionCode(0x50023000)).toBe('X');
    expect(actionCode(0x60003000)).toBe('X');
    expect(actionCode(0x60020010)).toBeUndefined(); // Overlay Rows stay
    expect(actionCode(0x7fe00010)).toBeUndefined();
    expect(profileAction(0x00080080, false)).toBe('dummy');
    expect(profileAction(0x00080080, true)).toBe('empty');
    expect(profileAction(0x00080022, false)).toBe('empty');
  });

  it('isRetainedTagPath keeps Pixel Data and geometry, refuses removed and replaced attributes', () => {
    expect(isRetainedTagPath(['7FE00010'])).toBe(true);
    expect(isRetainedTagPath(['00540016', '0', '00181078'])).toBe(false); // Radiopharmaceutical Start DateTime: X
    expect(isRetainedTagPath(['00540016', '0', '00181074'])).toBe(true); // Radionuclide Total Dose: kept
    expect(isRetainedTagPath(['00880200', '0', '7FE00010'])).toBe(false); // Icon Image Sequence: X
    expect(isRetainedTagPath(['00420011'])).toBe(false); // Encapsulated Document: D
    expect(isRetainedTagPath(['00291010'])).toBe(false); // private
    expect(isRetainedTagPath(['7FE00010', '0'])).toBe(false);
    expect(isRetainedTagPath(['7FE0001'])).toBe(false);
  });
});

describe('deidentifyDataset (DICOM JSON)', () => {
  const files = [CT, MR_UTF8, MR_1, US, PT_LATIN1_IMPLICIT, SR_NESTED, SR_UTF8, NATIVE_MULTIFRAME];

  it.each(files)('%s: no identifying value survives, UIDs replaced, pixel attributes equal, private tags gone', (relative) => {
    const original = servedJson(relative);
    const before = JSON.stringify(original);
    const ctx = context();
    const out = deidentifyDataset(original, ctx);
    expect(JSON.stringify(original)).toBe(before); // the input is not changed
    const text = JSON.stringify(out);

    const identifying = valuesOf(original, IDENTIFYING);
    for (const value of identifying) expect(text.includes(value), `"${value}" survived`).toBe(false);

    const uids = replacedUidsOf(original);
    expect(uids.length).toBeGreaterThanOrEqual(3);
    for (const uid of uids) expect(text.includes(uid), `UID ${uid} survived`).toBe(false);
    for (const uid of replacedUidsOf(out)) expect(isValidUid(uid)).toBe(true);
    for (const tag of ['0020000D', '0020000E', '00080018', '00200052']) {
      const value = getString(original, tag);
      if (value !== undefined) expect(getString(out, tag)).toBe(replacementUid(SECRET, value));
    }
    const sop = replacementUid(SECRET, getString(original, '00080018')!);
    expect(out['00081190']?.Value?.[0]).toBe(
      `${BASE}/studies/${replacementUid(SECRET, getString(original, '0020000D')!)}/series/${replacementUid(SECRET, getString(original, '0020000E')!)}/instances/${sop}`,
    );

    expect(out['00120062']).toEqual({ vr: 'CS', Value: ['YES'] });
    expect((out['00120064']?.Value?.[0] as DicomJson)['00080100']?.Value).toEqual(['113100']);
    expect(out['00100010']?.Value).toEqual([{ Alphabetic: 'ANONYMOUS^Consult 42' }]);
    if (getString(original, '00100020')) expect(getString(out, '00100020')).toMatch(/^ANON-[A-Z2-7]{10}$/);

    for (const tag of PIXEL_RELATED) expect(out[tag], tag).toEqual(original[tag]);
    const pixels = original['7FE00010'];
    if (pixels?.BulkDataURI) expect(out['7FE00010']?.BulkDataURI).toBe(`${out['00081190']?.Value?.[0]}/bulkdata/7FE00010`);
    expect(tagsAnywhere(out).filter((tag) => Number.parseInt(tag.slice(0, 4), 16) & 1)).toEqual([]);
  });

  it('keeps the study and series of two instances together, their SOP Instance UIDs apart; another secret gives other UIDs', () => {
    const [a, b] = [servedJson(MR_1), servedJson(MR_2)];
    const ctx = context();
    const [da, db] = [deidentifyDataset(a, ctx), deidentifyDataset(b, ctx)];
    expect(getString(da, '0020000D')).toBe(getString(db, '0020000D'));
    expect(getString(da, '0020000E')).toBe(getString(db, '0020000E'));
    expect(getString(da, '00200052')).toBe(getString(db, '00200052'));
    expect(getString(da, '00080018')).not.toBe(getString(db, '00080018'));
    expect(getString(da, '00100020')).toBe(getString(db, '00100020'));
    expect(ctx.uids.original(getString(da, '0020000D')!)).toBe(getString(a, '0020000D'));
    const other = deidentifyDataset(a, context(Buffer.from('a different share secret')));
    expect(getString(other, '0020000D')).not.toBe(getString(da, '0020000D'));
    expect(getString(other, '00100020')).not.toBe(getString(da, '00100020'));
  });

  it('replaces UIDs inside nested sequences of an SR (references kept consistent) and dummies the Content Sequence', () => {
    const original = servedJson(SR_NESTED);
    const out = deidentifyDataset(original, context());
    const evidence = original['0040A375']?.Value?.[0] as DicomJson | undefined;
    expect(evidence).toBeDefined();
    const series = (evidence!['00081115']?.Value?.[0] as DicomJson)['00081199']?.Value?.[0] as DicomJson;
    const refSop = getString(series, '00081155')!;
    const outEvidence = out['0040A375']?.Value?.[0] as DicomJson;
    const outSeries = (outEvidence['00081115']?.Value?.[0] as DicomJson)['00081199']?.Value?.[0] as DicomJson;
    expect(getString(outSeries, '00081155')).toBe(replacementUid(SECRET, refSop));
    expect(getString(outSeries, '00081150')).toBe(getString(series, '00081150')); // SOP Class kept
    expect(original['0040A730']?.Value?.length).toBeGreaterThan(0);
    expect(out['0040A730']).toEqual({ vr: 'SQ', Value: [{}] });
  });
});

describe('deidentifyPart10', () => {
  const files = [CT, PT_LATIN1_IMPLICIT, MR_UTF8, US, SR_NESTED, SR_UTF8, NATIVE_MULTIFRAME, JPEG_LS_MULTIFRAME];

  it.each(files)('%s: parses cleanly, no identifying bytes, UIDs as in the JSON path, pixel data byte-identical', (relative) => {
    const entry = corpusEntry(relative);
    const file = corpusFile(relative);
    const ctx = context();
    const out = deidentifyPart10(
      { file, transferSyntax: entry.transferSyntaxUID!, sopClassUid: entry.sopClassUID!, sopInstanceUid: entry.sopInstanceUID! },
      ctx,
    );

    const source = parse(file);
    const result = parse(out);
    const encapsulated = source.pixelData?.encapsulated === true;
    expect(result.transferSyntaxUid).toBe(encapsulated ? entry.transferSyntaxUID : EXPLICIT_VR_LITTLE_ENDIAN);
    expect(out.subarray(0, 128).every((b) => b === 0)).toBe(true);

    // Identifying values and original UIDs are nowhere outside Pixel Data (whose bytes may hold anything).
    const pixel = result.pixelData;
    const outside = pixel ? Buffer.concat([out.subarray(0, pixel.offset), out.subarray(pixel.offset + pixel.length)]) : out;
    const original = servedJson(relative);
    for (const value of valuesOf(original, IDENTIFYING)) {
      expect(outside.includes(Buffer.from(value, 'utf8')), `"${value}" (UTF-8) survived`).toBe(false);
      expect(outside.includes(Buffer.from(value, 'latin1')), `"${value}" (latin1) survived`).toBe(false);
    }
    for (const uid of replacedUidsOf(original)) expect(outside.includes(Buffer.from(uid, 'latin1')), `UID ${uid} survived`).toBe(false);

    // The same decisions as the JSON path, value for value.
    const viaJson = deidentifyDataset(source.dataset, context());
    expect(withoutBulk(result.dataset)).toEqual(withoutBulk(viaJson));
    expect(getString(result.meta, '00020003')).toBe(replacementUid(SECRET, entry.sopInstanceUID!));
    expect(Object.keys(result.meta).sort()).toEqual(['00020001', '00020002', '00020003', '00020010', '00020012']);

    if (source.pixelData) {
      const read = (bytes: Buffer, at: { offset: number; length: number }) => bytes.subarray(at.offset, at.offset + at.length);
      expect(pixel).toBeDefined();
      expect(Buffer.compare(read(out, pixel!), read(file, source.pixelData))).toBe(0);
    }

    const dcmjsRead = dcmjs.data.DicomMessage.readFile(out.buffer.slice(out.byteOffset, out.byteOffset + out.length) as ArrayBuffer);
    expect(dcmjsRead.dict['00120062']?.Value).toEqual(['YES']);
    expect(dcmjsRead.dict['00080018']?.Value).toEqual([replacementUid(SECRET, entry.sopInstanceUID!)]);
    expect(dcmjsRead.meta['00020003']?.Value).toEqual([replacementUid(SECRET, entry.sopInstanceUID!)]);

    requireTool('dcmdump');
    const target = path.join(tmp, relative.replaceAll('/', '_'));
    writeFileSync(target, out);
    const dump = spawnSync('dcmdump', ['-M', target], { encoding: 'latin1' });
    expect(dump.status, dump.stderr).toBe(0);
    expect(`${dump.stdout}\n${dump.stderr}`).not.toMatch(/error|^E:|^W:/im);
    expect(dump.stdout).toContain('(0012,0062) CS [YES]');
    expect(dump.stdout).toContain('ANONYMOUS^Consult 42');
  });

  it('writes decoded pixel data from `replace` (the WADO transcoding path) in Explicit VR Little Endian', async () => {
    const entry = corpusEntry(JPEG_LS_MULTIFRAME);
    const file = corpusFile(JPEG_LS_MULTIFRAME);
    const source = parse(file);
    const ds = source.dataset;
    const geometry = {
      rows: Number(ds['00280010']!.Value![0]),
      columns: Number(ds['00280011']!.Value![0]),
      samplesPerPixel: Number(ds['00280002']!.Value![0]),
      bitsAllocated: Number(ds['00280100']!.Value![0]),
      bitsStored: Number(ds['00280101']!.Value![0]),
      pixelRepresentation: Number(ds['00280103']!.Value![0]) as 0 | 1,
      photometricInterpretation: getString(ds, '00280004')!,
      planarConfiguration: 0 as const,
    };
    const frames = await Promise.all(
      source.pixelData!.fragments!.map((f) => decodeHere(entry.transferSyntaxUID!, file.subarray(f.offset, f.offset + f.length), geometry)),
    );
    const decoded = Buffer.concat(frames.map((f) => f.pixels));
    expect(decoded.length).toBe(geometry.rows * geometry.columns * 2 * 2);
    const replace = new Map<number, ReplacedElement>([[0x7fe00010, { vr: 'OW', value: decoded }]]);
    const out = deidentifyPart10(
      { file, transferSyntax: entry.transferSyntaxUID!, sopClassUid: entry.sopClassUID!, sopInstanceUid: entry.sopInstanceUID!, replace },
      context(),
    );
    const result = parse(out);
    expect(result.transferSyntaxUid).toBe(EXPLICIT_VR_LITTLE_ENDIAN);
    expect(result.pixelData?.encapsulated).toBe(false);
    expect(Buffer.compare(out.subarray(result.pixelData!.offset, result.pixelData!.offset + result.pixelData!.length), decoded)).toBe(0);
    expect(getString(result.dataset, '00080018')).toBe(replacementUid(SECRET, entry.sopInstanceUID!));
    requireTool('dcmdump');
    const dump = spawnSync('dcmdump', ['-M', '-'], { input: out, encoding: 'latin1' });
    expect(dump.status, dump.stderr).toBe(0);
  });
});
