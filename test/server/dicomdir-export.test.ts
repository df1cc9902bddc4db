import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFileSet } from '../../server/dicomweb/dicomdir';
import { getItem, getString, type DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { bearer, call, createShare, createUser, type HeaderMap } from '../helpers/access-client';
import { requireTool } from '../helpers/debian-tools';
import { corpusEntry, corpusFile, corpusManifest, type CorpusEntry } from '../helpers/corpus';
import { expectStored, stowFiles, withZeroPreamble } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * A study or series downloaded as a DICOM File-set (PS3.10 8, PS3.3 F.5): the ZIP is unpacked
 * with Info-ZIP's `unzip`, the DICOMDIR read by DCMTK's `dcmdump` (records, keys and offsets)
 * and checked by dicom3tools' `dciodvfy`; every referenced file is the stored instance. The SR
 * and key object selection the archive writes get SR DOCUMENT and KEY OBJECT DOC records, as
 * DCMTK's `dcmmkdir` files them.
 */

const CT = corpusManifest().filter((e) => e.path.startsWith('series/ct-abdomen-philips-tcia/'));
const MR = corpusManifest().filter((e) => e.path.startsWith('series/mr-ge-premier-study/'));
/** A planning CT with its RT Plan and RT Structure Set: a study of its own. */
const RT = ['other-modalities/ct-rt-planning-dicompyler.dcm', 'non-image/rtplan.dcm', 'non-image/rtstruct.dcm'].map(corpusEntry);
const KOS_CLASS = '1.2.840.10008.5.1.4.1.1.88.59';
const BASIC_TEXT_SR = '1.2.840.10008.5.1.4.1.1.88.11';

interface DumpedRecord {
  offset: number;
  type: string;
  next: number;
  lower: number;
  /** Element values by tag, as "(0004,1500)". */
  values: Map<string, string>;
  /** The record's dump lines, nested sequences included. */
  lines: string[];
}

interface Unpacked {
  dir: string;
  names: string[];
  dump: string;
  rootFirst: number;
  rootLast: number;
  records: DumpedRecord[];
}

let archive: TestArchive;
const unpacked: string[] = [];

beforeAll(async () => {
  archive = await startTestArchive();
  for (const entries of [CT, MR])
    for (let i = 0; i < entries.length; i += 20) {
      const result = await stowFiles(
        archive,
        entries.slice(i, i + 20).map((e) => corpusFile(e.path)),
      );
      expect(result.status).toBe(200);
    }
});
afterAll(async () => {
  await archive?.stop();
  for (const dir of unpacked) fs.rmSync(dir, { recursive: true, force: true });
});

/** `(0004,1400) up 1234  # 4, 1 OffsetOfTheNextDirectoryRecord` → value; strings lose their brackets. */
function valueOf(line: string): string {
  const raw = line.replace(/^\s*\([0-9a-f]{4},[0-9a-f]{4}\) \w\w /, '').replace(/\s+#.*$/, '');
  return raw.startsWith('[') ? raw.slice(1, raw.lastIndexOf(']')) : raw;
}

function parseDump(dump: string): Pick<Unpacked, 'rootFirst' | 'rootLast' | 'records'> {
  const lines = dump.split('\n');
  const top = (tag: string) => Number(valueOf(lines.find((l) => l.startsWith(tag))!));
  const records: DumpedRecord[] = [];
  let current: DumpedRecord | undefined;
  for (const line of lines) {
    const item = /"Directory Record" (.+?) #=/.exec(line);
    const offset = /#\s+offset=\$(\d+)/.exec(line);
    if (item) records.push((current = { offset: -1, type: item[1]!, next: -1, lower: -1, values: new Map(), lines: [] }));
    else if (offset && current) current.offset = Number(offset[1]);
    else if (current && /^\s{4}\(/.test(line)) current.values.set(line.trim().slice(0, 11), valueOf(line));
    if (current && /^\s{4}/.test(line)) current.lines.push(line.trim());
  }
  for (const r of records) {
    r.next = Number(r.values.get('(0004,1400)'));
    r.lower = Number(r.values.get('(0004,1420)'));
  }
  return { rootFirst: top('(0004,1200)'), rootLast: top('(0004,1202)'), records };
}

/** Downloads as the admin, or with `headers` (a share's bearer token) when given. */
async function downloadFileSet(url: string, headers?: HeaderMap): Promise<Unpacked> {
  requireTool('unzip');
  requireTool('dcmdump');
  const res = headers ? await fetch(url, { headers }) : await archive.fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/zip');
  const body = Buffer.from(await res.arrayBuffer());
  // An anonymized share's objects are made as they are sent: their length is not known up front.
  if (!headers) expect(res.headers.get('content-length')).toBe(String(body.length));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacs-fileset-'));
  unpacked.push(dir);
  fs.writeFileSync(path.join(dir, 'download.zip'), body);
  execFileSync('unzip', ['-qq', path.join(dir, 'download.zip'), '-d', path.join(dir, 'out')]);
  const names = execFileSync('unzip', ['-Z1', path.join(dir, 'download.zip')], { encoding: 'utf8' })
    .trim()
    .split('\n');
  const dump = execFileSync('dcmdump', ['-M', '+L', '-Un', path.join(dir, 'out', 'DICOMDIR')], { encoding: 'utf8' });
  return { dir: path.join(dir, 'out'), names, dump, ...parseDump(dump) };
}

/**
 * DCMTK's dcmmkdir, given the same files, files each instance in a record of the same type
 * (-Nxc: some corpus files are Implicit VR Little Endian, which STD-GEN-CD would refuse).
 */
function expectDcmmkdirAgrees(set: Unpacked): void {
  requireTool('dcmmkdir');
  const made = spawnSync('dcmmkdir', ['-Nxc', '+I', '+D', 'DCMTKDIR', '+r', 'DICOM'], { cwd: set.dir, encoding: 'utf8' });
  expect(made.stderr.split('\n').filter((l) => l.startsWith('E:'))).toEqual([]);
  expect(made.status).toBe(0);
  const theirs = parseDump(execFileSync('dcmdump', ['-M', '+L', '-Un', path.join(set.dir, 'DCMTKDIR')], { encoding: 'utf8' }));
  const typed = (records: DumpedRecord[]) =>
    records
      .filter((r) => r.values.has('(0004,1511)'))
      .map((r) => `${r.values.get('(0004,1511)')} ${r.type}`)
      .sort();
  expect(typed(set.records)).toEqual(typed(theirs.records));
}

/** Follows the next/lower offsets from the root: the tree as [type, children]. */
function tree(set: Unpacked, offset: number): Array<{ record: DumpedRecord; children: ReturnType<typeof tree> }> {
  const out: ReturnType<typeof tree> = [];
  for (let at = offset; at !== 0;) {
    const record = set.records.find((r) => r.offset === at);
    expect(record, `a record starts at offset ${at}`).toBeDefined();
    out.push({ record: record!, children: record!.lower === 0 ? [] : tree(set, record!.lower) });
    at = record!.next;
  }
  return out;
}

function expectMembers(set: Unpacked, images: DumpedRecord[], entries: CorpusEntry[]): void {
  const bySop = new Map(entries.map((e) => [e.sopInstanceUID!, e]));
  expect(images).toHaveLength(entries.length);
  for (const image of images) {
    const fileId = image.values.get('(0004,1500)')!;
    const components = fileId.split('\\');
    expect(components[0]).toBe('DICOM');
    expect(components.length).toBeLessThanOrEqual(8);
    for (const c of components) expect(c).toMatch(/^[A-Z0-9_]{1,8}$/);
    expect(set.names).toContain(components.join('/'));
    const entry = bySop.get(image.values.get('(0004,1511)')!)!;
    expect(entry, fileId).toBeDefined();
    expect(image.values.get('(0004,1510)')).toBe(entry.sopClassUID);
    expect(image.values.get('(0004,1512)')).toBe(entry.transferSyntaxUID);
    const file = fs.readFileSync(path.join(set.dir, ...components));
    expect(file.equals(withZeroPreamble(corpusFile(entry.path))), fileId).toBe(true);
  }
}

describe('DICOM File-set download (dicomdir=true)', () => {
  it('gives a CT study as DICOMDIR plus DICOM/… files: PATIENT → STUDY → SERIES → 40 IMAGE records linked by offsets', async () => {
    const study = CT[0]!.studyInstanceUID!;
    const set = await downloadFileSet(`${archive.dicomWeb}/studies/${study}?accept=application/zip&dicomdir=true&filesetid=CT_EXPORT`);
    expect(set.names[0]).toBe('DICOMDIR');
    expect(set.names).toHaveLength(1 + CT.length);
    expect(set.dump).toContain('(0002,0002) UI [1.2.840.10008.1.3.10]');
    expect(set.dump).toContain('(0002,0010) UI [1.2.840.10008.1.2.1]');
    expect(set.dump).toMatch(/\(0004,1130\) CS \[CT_EXPORT\]/);

    expect(set.records.map((r) => r.type)).toEqual(['PATIENT', 'STUDY', 'SERIES', ...CT.map(() => 'IMAGE')]);
    const [patient, studyRecord, series] = set.records;
    expect(set.rootFirst).toBe(patient!.offset);
    expect(set.rootLast).toBe(patient!.offset);
    const root = tree(set, set.rootFirst);
    expect(root).toHaveLength(1);
    expect(root[0]!.children.map((c) => c.record)).toEqual([studyRecord]);
    expect(root[0]!.children[0]!.children.map((c) => c.record)).toEqual([series]);
    const images = root[0]!.children[0]!.children[0]!.children.map((c) => c.record);
    expect(images.map((r) => r.type)).toEqual(CT.map(() => 'IMAGE'));
    expect(images.at(-1)!.next).toBe(0);
    expect(images.every((r) => r.lower === 0)).toBe(true);

    // Keys of PS3.3 F.5 with the instances' values.
    expect(studyRecord!.values.get('(0020,000d)')).toBe(study);
    expect(series!.values.get('(0020,000e)')).toBe(CT[0]!.seriesInstanceUID);
    expect(series!.values.get('(0008,0060)')).toBe('CT');
    expect([...studyRecord!.values.keys()]).toEqual(
      expect.arrayContaining(['(0008,0020)', '(0008,0030)', '(0008,0050)', '(0008,1030)', '(0020,0010)']),
    );
    expect(patient!.values.get('(0010,0020)')).toBeTruthy();
    // This TCIA study has no Study ID (Type 1 in the record): the record's File ID component stands in.
    expect(studyRecord!.values.get('(0020,0010)')).toBe('S0000001');
    expect(new Set(images.map((r) => r.values.get('(0020,0013)'))).size).toBe(CT.length);
    expectMembers(set, images, CT);

    requireTool('dciodvfy');
    const check = spawnSync('dciodvfy', [path.join(set.dir, 'DICOMDIR')], { encoding: 'utf8' });
    expect(check.stderr.split('\n').filter((l) => l.startsWith('Error'))).toEqual([]);
  });

  it('links the two series of an MR study as siblings, each to its own images', async () => {
    const study = MR[0]!.studyInstanceUID!;
    const set = await downloadFileSet(`${archive.dicomWeb}/studies/${study}?accept=application/zip&dicomdir=true`);
    expect(set.dump).toMatch(/\(0004,1130\) CS \[PACS_EXPORT\]/);
    const seriesNodes = tree(set, set.rootFirst)[0]!.children[0]!.children;
    expect(seriesNodes.map((n) => n.record.type)).toEqual(['SERIES', 'SERIES']);
    expect(seriesNodes[0]!.record.next).toBe(seriesNodes[1]!.record.offset);
    expect(seriesNodes[1]!.record.next).toBe(0);
    for (const node of seriesNodes) {
      const uid = node.record.values.get('(0020,000e)');
      expect(node.children).toHaveLength(MR.filter((e) => e.seriesInstanceUID === uid).length);
    }
    expectMembers(
      set,
      seriesNodes.flatMap((n) => n.children.map((c) => c.record)),
      MR,
    );
  });

  it('gives one series as a file-set, and refuses a bad dicomdir or filesetid with 400', async () => {
    const e = MR[0]!;
    const seriesUrl = `${archive.dicomWeb}/studies/${e.studyInstanceUID}/series/${e.seriesInstanceUID}?accept=application/zip`;
    const set = await downloadFileSet(`${seriesUrl}&dicomdir=true`);
    expectMembers(
      set,
      set.records.filter((r) => r.type === 'IMAGE'),
      MR.filter((m) => m.seriesInstanceUID === e.seriesInstanceUID),
    );
    for (const query of ['&dicomdir=yes', '&dicomdir=true&filesetid=lower', '&dicomdir=true&filesetid=SEVENTEEN_CHARS_X']) {
      const res = await archive.fetch(`${seriesUrl}${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('INVALID_QUERY');
    }
  });

  it('describes the de-identified files of an anonymized share: the records hold their replacement UIDs and dummy name', async () => {
    requireTool('dciodvfy');
    const original = MR[0]!;
    const share = await createShare(archive, {
      studyInstanceUID: original.studyInstanceUID,
      anonymize: true,
      permissions: ['read', 'download'],
    });
    const studies = (await (await fetch(`${archive.dicomWeb}/studies`, { headers: bearer(share.token) })).json()) as Array<
      Record<string, { Value?: string[] }>
    >;
    const replacedStudy = studies[0]!['0020000D']!.Value![0]!;
    expect(replacedStudy).not.toBe(original.studyInstanceUID);
    const set = await downloadFileSet(
      `${archive.dicomWeb}/studies/${replacedStudy}?accept=application/zip&dicomdir=true`,
      bearer(share.token),
    );
    const dicomdir = fs.readFileSync(path.join(set.dir, 'DICOMDIR'));
    for (const secret of [original.studyInstanceUID!, original.patientID!, ...MR.map((e) => e.sopInstanceUID!)])
      expect(dicomdir.includes(Buffer.from(secret, 'latin1')), secret).toBe(false);
    expect(set.records[0]!.values.get('(0010,0010)')).toMatch(/^ANONYMOUS\^/);
    expect(set.records[1]!.values.get('(0020,000d)')).toBe(replacedStudy);
    const images = set.records.filter((r) => r.type === 'IMAGE');
    expect(images).toHaveLength(MR.length);
    for (const image of images) {
      const file = path.join(set.dir, ...image.values.get('(0004,1500)')!.split('\\'));
      const dump = execFileSync('dcmdump', ['-Un', '+P', '0002,0010', '+P', '0008,0018', file], { encoding: 'utf8' });
      expect(dump).toContain(`[${image.values.get('(0004,1512)')}]`);
      expect(dump).toContain(`[${image.values.get('(0004,1511)')}]`);
    }
    const check = spawnSync('dciodvfy', [path.join(set.dir, 'DICOMDIR')], { encoding: 'utf8' });
    expect(check.stderr.split('\n').filter((l) => l.startsWith('Error'))).toEqual([]);
  });
  it('files the key images and the signed report the archive wrote as KEY OBJECT DOC and SR DOCUMENT records with their document keys', async () => {
    requireTool('dciodvfy');
    await expectStored(
      archive,
      RT.map((e) => corpusFile(e.path)),
    );
    const [ct] = RT;
    const study = ct!.studyInstanceUID!;
    const radiologist = await createUser(archive, { username: 'bs.lan', password: 'radiologist-password', role: 'radiologist' });
    const marked = await call(archive, 'POST', `/api/studies/${study}/key-images`, radiologist, {
      seriesInstanceUID: ct!.seriesInstanceUID,
      sopInstanceUID: ct!.sopInstanceUID,
      frame: 1,
      view: { windowWidth: 400, windowCenter: 40, invert: false, rotation: 0, hflip: false, vflip: false, measurements: [] },
    });
    expect(marked.status).toBe(201);
    const draft = await call(archive, 'PUT', `/api/studies/${study}/report/draft`, radiologist, {
      template: 'CT',
      language: 'vi',
      sections: { findings: 'Không thấy tổn thương khu trú.', impression: 'Bình thường.' },
    });
    expect(draft.status).toBe(201);
    expect((await call(archive, 'POST', `/api/studies/${study}/report/final`, radiologist, { organization: 'Bệnh viện K' })).status).toBe(
      200,
    );

    const metadata = (await (await archive.fetch(`${archive.dicomWeb}/studies/${study}/metadata`)).json()) as DicomJson[];
    const bySop = new Map(metadata.map((ds) => [getString(ds, Tag.SOPInstanceUID)!, ds]));
    const set = await downloadFileSet(`${archive.dicomWeb}/studies/${study}?accept=application/zip&dicomdir=true`);
    const members = set.records.filter((r) => r.values.has('(0004,1500)'));
    const classOf = (r: DumpedRecord) => r.values.get('(0004,1510)');
    expect(members.map((r) => [classOf(r), r.type]).sort()).toEqual(
      [
        [ct!.sopClassUID, 'IMAGE'],
        [RT[1]!.sopClassUID, 'RT PLAN'],
        [RT[2]!.sopClassUID, 'RT STRUCTURE SET'],
        [KOS_CLASS, 'KEY OBJECT DOC'],
        [BASIC_TEXT_SR, 'SR DOCUMENT'],
      ].sort(),
    );

    const sr = members.find((r) => r.type === 'SR DOCUMENT')!;
    const report = bySop.get(sr.values.get('(0004,1511)')!)!;
    expect(sr.values.get('(0040,a491)')).toBe('COMPLETE');
    expect(sr.values.get('(0040,a493)')).toBe('VERIFIED');
    expect(sr.values.get('(0040,a030)')).toBe(getString(getItem(report, Tag.VerifyingObserverSequence), Tag.VerificationDateTime));
    for (const r of [sr, members.find((m) => m.type === 'KEY OBJECT DOC')!]) {
      const ds = bySop.get(r.values.get('(0004,1511)')!)!;
      expect(r.values.get('(0020,0013)')).toBe(getString(ds, Tag.InstanceNumber));
      expect(r.values.get('(0008,0023)')).toBe(getString(ds, Tag.ContentDate));
      expect(r.values.get('(0008,0033)')).toBe(getString(ds, Tag.ContentTime));
      // The document title: the record's Concept Name Code Sequence is the instance's.
      const title = getItem(ds, Tag.ConceptNameCodeSequence)!;
      const titleAt = r.lines.findIndex((l) => l.startsWith('(0040,a043) SQ'));
      expect(r.lines.slice(titleAt + 2, titleAt + 5)).toEqual([
        expect.stringContaining(`(0008,0100) SH [${getString(title, Tag.CodeValue)}]`),
        expect.stringContaining(`(0008,0102) SH [${getString(title, Tag.CodingSchemeDesignator)}]`),
        expect.stringContaining(`(0008,0104) LO [${getString(title, Tag.CodeMeaning)}]`),
      ]);
    }
    const kos = members.find((r) => r.type === 'KEY OBJECT DOC')!;
    expect(kos.lines.some((l) => l.includes('(0008,0100) SH [113000]'))).toBe(true);
    expect([...kos.values.keys()].filter((tag) => tag.startsWith('(0040,a4'))).toEqual([]);
    // Content Sequence (Type 1C): only the root's HAS CONCEPT MOD items, the report's language (TID 1204) here.
    const modifiers = (report[Tag.ContentSequence]!.Value as DicomJson[]).filter(
      (item) => getString(item, Tag.RelationshipType) === 'HAS CONCEPT MOD',
    );
    expect(modifiers).toHaveLength(1);
    expect(sr.lines.filter((l) => l.startsWith('(0040,a010)'))).toEqual([expect.stringContaining('[HAS CONCEPT MOD]')]);
    const language = getItem(modifiers[0], Tag.ConceptCodeSequence)!;
    expect(sr.lines).toContainEqual(expect.stringContaining(`(0008,0100) SH [${getString(language, Tag.CodeValue)}]`));
    expect(sr.values.has('(0040,a730)')).toBe(true);
    expect(kos.lines.some((l) => l.startsWith('(0040,a730)'))).toBe(false);

    const plan = members.find((r) => r.type === 'RT PLAN')!;
    expect(plan.values.get('(300a,0002)')).toBe(getString(bySop.get(RT[1]!.sopInstanceUID!), Tag.RTPlanLabel));
    const structures = members.find((r) => r.type === 'RT STRUCTURE SET')!;
    expect(structures.values.get('(3006,0002)')).toBe(getString(bySop.get(RT[2]!.sopInstanceUID!), Tag.StructureSetLabel));

    const check = spawnSync('dciodvfy', [path.join(set.dir, 'DICOMDIR')], { encoding: 'utf8' });
    expect(check.stderr.split('\n').filter((l) => l.startsWith('Error'))).toEqual([]);
    expectDcmmkdirAgrees(set);
  });

  it.each([
    [
      'a TID 1500 measurement report, its segmentation and real world value map',
      ['non-image/sr-comprehensive-tid1500.dcm', 'non-image/seg-binary-13f.dcm', 'non-image/real-world-value-mapping.dcm'],
    ],
    ['an Enhanced SR in UTF-8', ['non-image/sr-enhanced-utf8.dcm']],
    ['a deflated hemodynamic waveform', ['non-image/waveform-hemodynamic-deflated.dcm']],
  ])('files the corpus %s as DCMTK does, and dciodvfy finds no error', async (_, paths) => {
    requireTool('dciodvfy');
    const entries = paths.map(corpusEntry);
    await expectStored(
      archive,
      entries.map((e) => corpusFile(e.path)),
    );
    const set = await downloadFileSet(`${archive.dicomWeb}/studies/${entries[0]!.studyInstanceUID}?accept=application/zip&dicomdir=true`);
    expectMembers(
      set,
      set.records.filter((r) => r.values.has('(0004,1500)')),
      entries,
    );
    const check = spawnSync('dciodvfy', [path.join(set.dir, 'DICOMDIR')], { encoding: 'utf8' });
    expect(check.stderr.split('\n').filter((l) => l.startsWith('Error'))).toEqual([]);
    expectDcmmkdirAgrees(set);
  });
  it('gives the Type 1 document keys an instance lacks a stand-in that dciodvfy accepts', () => {
    requireTool('dciodvfy');
    const study: DicomJson = {
      [Tag.PatientID]: { vr: 'LO', Value: ['P1'] },
      [Tag.StudyInstanceUID]: { vr: 'UI', Value: ['1.2.826.0.1.3680043.10.1'] },
      [Tag.SeriesInstanceUID]: { vr: 'UI', Value: ['1.2.826.0.1.3680043.10.2'] },
      [Tag.Modality]: { vr: 'CS', Value: ['OT'] },
    };
    const member = (sopClassUid: string, n: number, extra: DicomJson = {}) => ({
      dataset: { ...study, ...extra },
      sopClassUid,
      sopInstanceUid: `1.2.826.0.1.3680043.10.3.${n}`,
      transferSyntax: '1.2.840.10008.1.2.1',
    });
    const { dicomdir } = buildFileSet(
      [
        // Says VERIFIED but names no verifying observer; no dates, flags or title.
        member(BASIC_TEXT_SR, 1, { [Tag.VerificationFlag]: { vr: 'CS', Value: ['VERIFIED'] } }),
        member(KOS_CLASS, 2),
        member('1.2.840.10008.5.1.4.1.1.104.1', 3), // Encapsulated PDF
      ],
      'STAND_INS',
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacs-fileset-'));
    unpacked.push(dir);
    fs.writeFileSync(path.join(dir, 'DICOMDIR'), dicomdir);
    const { records } = parseDump(execFileSync('dcmdump', ['-M', '+L', '-Un', path.join(dir, 'DICOMDIR')], { encoding: 'utf8' }));
    const [sr, kos, pdf] = records.filter((r) => r.values.has('(0004,1500)'));
    expect([sr!.type, kos!.type, pdf!.type]).toEqual(['SR DOCUMENT', 'KEY OBJECT DOC', 'ENCAP DOC']);
    expect(Object.fromEntries(sr!.values)).toMatchObject({
      '(0008,0023)': '19000101',
      '(0008,0033)': '000000',
      '(0020,0013)': '1',
      '(0040,a491)': 'PARTIAL',
      '(0040,a493)': 'VERIFIED',
      '(0040,a030)': '19000101000000',
    });
    expect(sr!.lines).toContainEqual(expect.stringContaining('(0008,0100) SH [18748-4]'));
    expect(kos!.lines).toContainEqual(expect.stringContaining('(0008,0100) SH [113000]'));
    expect(pdf!.values.get('(0042,0012)')).toBe('application/octet-stream');
    expect(pdf!.lines).toContainEqual(expect.stringMatching(/^\(0040,a043\) SQ \(Sequence with undefined length #=0\)/));
    const check = spawnSync('dciodvfy', [path.join(dir, 'DICOMDIR')], { encoding: 'utf8' });
    expect(check.stderr.split('\n').filter((l) => l.startsWith('Error'))).toEqual([]);
  });
});
