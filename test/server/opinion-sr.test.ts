import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getString, type DicomJson } from '../../shared/dicom/dicom-json';
import { isValidUid } from '../../shared/dicom/uid';
import { AppError } from '../../shared/errors';
import { buildOpinionSr, type OpinionSr, type OpinionSrInput } from '../../server/consultation/opinion-sr';
import { ArchiveIndex } from '../../server/index/archive-index';
import { IndexWriter } from '../../server/index/index-writer';
import { PATIENT_TAGS, STUDY_TAGS, pick } from '../../server/index/level-attributes';
import type { IndexDb } from '../../server/index/index-db';
import { openIndex } from '../../server/index/open-index';
import { Part10StreamParser } from '../../server/ingest/part10-parser';
import { receiveInstance, type IngestDeps } from '../../server/ingest/store-instance';
import { FsBlobStore } from '../../server/storage/fs-blob-store';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { requireTool } from '../helpers/debian-tools';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

/**
 * The consultation opinion as a Basic Text SR (issue 5): built from the study as the index holds
 * it, read back by DCMTK (dcmdump, dsrdump), checked by dicom3tools' dciodvfy against the IOD,
 * and stored through the archive's own STOW ingest (parser, blob store, SQLite index; no HTTP).
 */

const CT = 'series/ct-abdomen-philips-tcia/1-036.dcm';
const GB2312 = 'charsets/iso-2022-ir-58-gb2312.dcm';
const BASIC_TEXT_SR = '1.2.840.10008.5.1.4.1.1.88.11';

const QUESTION = 'Tổn thương dạng nốt ở thùy trên phổi phải?\nXin ý kiến: theo dõi hay sinh thiết?';
const OPINION_HEAD = 'Tổn thương dạng nốt ở thùy trên phổi phải, bờ đều, kích thước 8 mm.\nĐề nghị chụp CT lại sau 3 tháng.';
// Multi-line and close to the 64 KiB limit (Vietnamese letters take 2–3 bytes in UTF-8).
const OPINION = [OPINION_HEAD, ...Array.from({ length: 1300 }, (_, i) => `Dòng ${i + 1}: không thấy hạch trung thất.`)].join('\n');

function baseInput(study: DicomJson): OpinionSrInput {
  return {
    study,
    consultationId: '3f1c2b9e-5a7d-4c1e-9b2a-8d6f0e4a1c37',
    question: QUESTION,
    opinion: OPINION,
    author: { name: 'Nguyễn^Văn An', institution: 'Bệnh viện Bạch Mai', contact: 'an.nguyen@bachmai.vn' },
    requester: { name: 'Trần^Thị Bình', institution: 'Bệnh viện Đa khoa tỉnh Lào Cai' },
    urgency: 'Khẩn',
    completedAt: new Date('2026-03-14T02:30:07Z'),
  };
}

function run(binary: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(binary, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Top-level values in `dcmdump -Un +U8` output: tag "0020,000d" → its value, '' when empty,
 * "SQ#=n" for a sequence of n items.
 */
function dumpValues(dump: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of dump.split('\n')) {
    const match = /^\(([0-9a-f]{4},[0-9a-f]{4})\) [A-Z]{2} (?:\[(.*?)\]|\(no value available\)|\(Sequence with .*?(#=\d+)\))/.exec(line);
    if (match) values.set(match[1]!, match[3] ? `SQ${match[3]}` : (match[2] ?? ''));
  }
  return values;
}

/** DCMTK's note that its VR checker skips UTF-8 values is not a finding about the file. */
const DCMTK_UTF8_NOTE = 'W: The VR checker does not support this Specific Character Set: ISO_IR 192';

function dcmdump(file: string): Map<string, string> {
  requireTool('dcmdump');
  const result = run('dcmdump', ['-Un', '+U8', '+L', file]);
  expect(result.status).toBe(0);
  return dumpValues(result.stdout);
}

/** dciodvfy's findings, one per line; it exits 0 even when it reports errors. */
function dciodvfy(file: string): string[] {
  requireTool('dciodvfy');
  const result = run('dciodvfy', [file]);
  return `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => line.trim() !== '');
}

function parsePart10(bytes: Buffer): ReturnType<Part10StreamParser['end']> {
  const parser = new Part10StreamParser();
  parser.write(bytes);
  return parser.end();
}

function expectAppError(fn: () => unknown, code: string, mentions: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(code);
    expect((error as AppError).status).toBe(400);
    expect((error as AppError).message).toContain(mentions);
    return;
  }
  throw new Error(`expected an AppError ${code}`);
}

describe('the consultation opinion of a corpus CT study, stored back through the ingest path', () => {
  let dir: string;
  let db: IndexDb;
  let index: ArchiveIndex;
  let deps: IngestDeps;
  let study: DicomJson;
  let sr: OpinionSr;
  let srFile: string;
  const source = corpusEntry(CT);

  beforeAll(async () => {
    dir = await makeTempDir('opinion-sr');
    db = openIndex(path.join(dir, 'index.sqlite'));
    index = new ArchiveIndex(db);
    deps = { blobStore: await FsBlobStore.open(path.join(dir, 'objects')), indexWriter: new IndexWriter(index), log: () => undefined };
    const stored = await (await receiveInstance(Readable.from([corpusFile(CT)]), undefined, deps)).complete();
    expect(stored.ok).toBe(true);
    // The study exactly as the index holds it: the study row's DICOM JSON.
    const row = db.prepare('SELECT json FROM studies WHERE study_uid = ?').get(source.studyInstanceUID) as { json: string };
    study = JSON.parse(row.json) as DicomJson;
    sr = buildOpinionSr({
      ...baseInput(study),
      evidence: [
        { seriesInstanceUid: source.seriesInstanceUID!, sopClassUid: source.sopClassUID!, sopInstanceUid: source.sopInstanceUID! },
      ],
    });
    srFile = path.join(dir, 'opinion.dcm');
    writeFileSync(srFile, sr.part10);
  });

  afterAll(async () => {
    db?.close();
    if (dir) await removeTempDir(dir);
  });

  it('is a Basic Text SR in a new series (SR, 9901) of the same study and patient, in UTF-8', () => {
    const values = dcmdump(srFile);
    expect(values.get('0002,0010')).toBe('1.2.840.10008.1.2.1');
    expect(values.get('0002,0002')).toBe(BASIC_TEXT_SR);
    expect(values.get('0008,0016')).toBe(BASIC_TEXT_SR);
    // As written (dcmdump +U8 would show ISO_IR 192 after its own conversion).
    expect(getString(parsePart10(sr.part10).dataset, '00080005')).toBe('ISO_IR 192');
    expect(values.get('0020,000d')).toBe(source.studyInstanceUID);
    expect(values.get('0010,0020')).toBe(source.patientID);
    expect(values.get('0010,0010')).toBe('Pancreas-CT-CB_001');
    expect(values.get('0008,0020')).toBe('20120706');
    expect(values.get('0008,1030')).toBe('PANCREAS');
    expect(values.get('0008,0060')).toBe('SR');
    expect(values.get('0020,0011')).toBe('9901');
    expect(values.get('0008,103e')).toBe('Consultation opinion');
    expect(values.get('0040,a491')).toBe('COMPLETE');
    expect(values.get('0040,a493')).toBe('UNVERIFIED');
    // Type 2 attributes the CT leaves empty stay present and empty.
    for (const tag of ['0008,0050', '0008,0090', '0010,0030', '0020,0010']) expect(values.get(tag), tag).toBe('');
    expect(values.get('0040,a372')).toBe('SQ#=0'); // Performed Procedure Code Sequence
    expect(values.get('0040,a370')).toBe('SQ#=1'); // Referenced Request Sequence
    expect(values.get('0040,a375')).toBe('SQ#=1'); // Current Requested Procedure Evidence Sequence
    expect(values.get('0040,a078')).toBe('SQ#=1'); // Author Observer Sequence
    expect(values.get('0020,000e')).toBe(sr.seriesInstanceUid);
    expect(values.get('0008,0018')).toBe(sr.sopInstanceUid);
    expect(values.get('0002,0003')).toBe(sr.sopInstanceUid);
    for (const uid of [sr.seriesInstanceUid, sr.sopInstanceUid]) {
      expect(isValidUid(uid)).toBe(true);
      expect(uid).toMatch(/^2\.25\.[1-9][0-9]{0,38}$/);
    }
    expect(sr.seriesInstanceUid).not.toBe(source.seriesInstanceUID);
    expect(sr.sopInstanceUid).not.toBe(sr.seriesInstanceUid);
    // The opinion's bytes are the UTF-8 of the text, not a re-encoding.
    expect(sr.part10.includes(Buffer.from(OPINION, 'utf8'))).toBe(true);
    expect(Buffer.byteLength(OPINION, 'utf8')).toBeGreaterThan(56 * 1024);
  });

  it('dsrdump prints the content tree with the Vietnamese question, opinion and names intact', () => {
    const result = run('dsrdump', ['+U8', '+Pl', '+Pc', srFile]);
    expect(result.status).toBe(0);
    expect(result.stderr.split('\n').filter((line) => line !== '' && line !== DCMTK_UTF8_NOTE)).toEqual([]);
    const text = (value: string) => value.replaceAll('\n', '\\n');
    const lines = result.stdout.split('\n').map((line) => line.trim());
    expect(lines[0]).toBe('Basic Text SR Document');
    expect(lines).toContain('Series              : Consultation opinion (#9901)');
    expect(lines).toContain('Content Date/Time   : ' + contentDateTimeLocal(new Date('2026-03-14T02:30:07Z')));
    expect(lines).toContain('<CONTAINER:(11488-4,LN,"Consult note")=SEPARATE>');
    expect(lines).toContain('<has obs context PNAME:(121008,DCM,"Person Observer Name")="Nguyễn^Văn An">');
    expect(lines).toContain('<has obs context TEXT:(121009,DCM,"Person Observer\'s Organization Name")="Bệnh viện Bạch Mai">');
    expect(lines).toContain(`<contains TEXT:(55115-0,LN,"Request")="${text(QUESTION)}">`);
    expect(lines).toContain(`<contains TEXT:(121073,DCM,"Impression")="${text(OPINION)}">`);
    expect(lines).toContain('<contains PNAME:(REQUESTER,99PACS,"Consultation requester")="Trần^Thị Bình">');
    expect(lines).toContain('<contains TEXT:(CONSULT-ID,99PACS,"Consultation identifier")="3f1c2b9e-5a7d-4c1e-9b2a-8d6f0e4a1c37">');
  });

  it('dciodvfy finds no error against the Basic Text SR IOD and no attribute outside it', () => {
    const findings = dciodvfy(srFile);
    expect(findings).toContain('BasicTextSR');
    expect(findings.filter((line) => line.startsWith('Error'))).toEqual([]);
    expect(findings.filter((line) => line.includes('not present in standard DICOM IOD'))).toEqual([]);
  });

  it('is accepted by the STOW ingest for its study URL and indexed as a second series with its text', async () => {
    const parsed = parsePart10(sr.part10);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');

    const outcome = await (await receiveInstance(Readable.from([sr.part10]), source.studyInstanceUID!, deps)).complete();
    expect(outcome).toEqual({
      ok: true,
      sopClassUid: BASIC_TEXT_SR,
      sopInstanceUid: sr.sopInstanceUid,
      studyInstanceUid: source.studyInstanceUID,
      seriesInstanceUid: sr.seriesInstanceUid,
      alreadyStored: false,
    });
    const instances = index.findInstances(source.studyInstanceUID!);
    expect(instances.map((i) => i.seriesUid).sort()).toEqual([source.seriesInstanceUID, sr.seriesInstanceUid].sort());
    const [json] = index.metadataJson(source.studyInstanceUID!, sr.seriesInstanceUid, sr.sopInstanceUid);
    const stored = JSON.parse(json!) as DicomJson;
    const content = (stored['0040A730']?.Value ?? []) as DicomJson[];
    const byMeaning = new Map(content.map((item) => [getString((item['0040A043']?.Value as DicomJson[])[0], '00080104'), item]));
    expect(getString(byMeaning.get('Request'), '0040A160')).toBe(QUESTION);
    expect(getString(byMeaning.get('Impression'), '0040A160')).toBe(OPINION);
    expect(getString(byMeaning.get('Person Observer Name'), '0040A123')).toBe('Nguyễn^Văn An');
    const evidence = (stored['0040A375']?.Value as DicomJson[])[0]!;
    const series = (evidence['00081115']?.Value as DicomJson[])[0]!;
    expect(getString(series, '0020000E')).toBe(source.seriesInstanceUID);
    expect(getString((series['00081199']?.Value as DicomJson[])[0], '00081155')).toBe(source.sopInstanceUID);
  });
});

/** The Content Date/Time dsrdump shows, for a study without Timezone Offset From UTC (local time). */
function contentDateTimeLocal(instant: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${instant.getFullYear()}-${pad(instant.getMonth() + 1)}-${pad(instant.getDate())} ${pad(instant.getHours())}:${pad(instant.getMinutes())}:${pad(instant.getSeconds())}`;
}

describe('study values from another character set, a time zone and missing attributes', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir('opinion-sr-charset');
  });
  afterAll(async () => {
    if (dir) await removeTempDir(dir);
  });

  it('re-encodes a GB2312 (ISO 2022 IR 58) patient name as UTF-8 and writes dates in the study offset', () => {
    const parsed = parsePart10(corpusFile(GB2312));
    const study = pick(parsed.dataset, [...PATIENT_TAGS, ...STUDY_TAGS]);
    expect(getString(study, '00080005')).not.toBe('ISO_IR 192'); // the source is not UTF-8
    const sr = buildOpinionSr(baseInput(study));
    const file = path.join(dir, 'gb2312.dcm');
    writeFileSync(file, sr.part10);

    const values = dcmdump(file);
    expect(getString(parsePart10(sr.part10).dataset, '00080005')).toBe('ISO_IR 192');
    expect(values.get('0010,0010')).toBe('Zhang^XiaoDong=张^小东');
    expect(sr.part10.includes(Buffer.from('Zhang^XiaoDong=张^小东', 'utf8'))).toBe(true);
    // 02:30:07 UTC at -0400 (the study's Timezone Offset From UTC, copied) is 22:30:07 the day before.
    expect(values.get('0008,0201')).toBe('-0400');
    expect(values.get('0008,0023')).toBe('20260313');
    expect(values.get('0008,0033')).toBe('223007');
    // The study has no Study Date/Time: type 2, present and empty.
    expect(values.get('0008,0020')).toBe('');
    expect(values.get('0008,0030')).toBe('');
    expect(dciodvfy(file).filter((line) => line.startsWith('Error'))).toEqual([]);
  });

  it('writes every type 2 attribute empty for a study that has nothing but its UID, and an author without institution', () => {
    const study: DicomJson = { '0020000D': { vr: 'UI', Value: ['1.2.826.0.1.3680043.8.498.1'] } };
    const sr = buildOpinionSr({ ...baseInput(study), author: { name: 'Lê Minh' }, requester: undefined, urgency: undefined });
    const file = path.join(dir, 'bare.dcm');
    writeFileSync(file, sr.part10);

    const values = dcmdump(file);
    for (const tag of [
      '0010,0010',
      '0010,0020',
      '0010,0030',
      '0010,0040',
      '0008,0020',
      '0008,0030',
      '0008,0090',
      '0020,0010',
      '0008,0050',
      '0008,0070',
    ]) {
      expect(values.get(tag), tag).toBe('');
    }
    expect(values.has('0008,1030')).toBe(false); // type 3: left out
    expect(values.has('0008,0201')).toBe(false); // no offset in the study: local time, none claimed
    expect(values.get('0020,000d')).toBe('1.2.826.0.1.3680043.8.498.1');
    expect(dciodvfy(file).filter((line) => line.startsWith('Error'))).toEqual([]);
    const dump = run('dsrdump', ['+U8', '+Pc', file]);
    expect(dump.status).toBe(0);
    expect(dump.stdout).toContain('<has obs context PNAME:(121008,DCM,"Person Observer Name")="Lê Minh">');
    expect(dump.stdout).not.toContain('121009');
    expect(dump.stdout).not.toContain('REQUESTER');
  });
});

describe('input the opinion cannot be written from', () => {
  const study: DicomJson = { '0020000D': { vr: 'UI', Value: ['1.2.826.0.1.3680043.8.498.1'] } };

  it('is a 400 naming the field, never a 5xx', () => {
    expectAppError(() => buildOpinionSr(baseInput({})), 'INVALID_UID', 'Study Instance UID');
    expectAppError(() => buildOpinionSr(baseInput({ '0020000D': { vr: 'UI', Value: ['1.2.03'] } })), 'INVALID_UID', 'Study Instance UID');
    expectAppError(() => buildOpinionSr({ ...baseInput(study), opinion: ' \n ' }), 'BAD_REQUEST', 'opinion is empty');
    expectAppError(
      () => buildOpinionSr({ ...baseInput(study), opinion: 'ầ'.repeat(22_000) }),
      'BAD_REQUEST',
      'opinion is longer than 65536 bytes',
    );
    expectAppError(
      () => buildOpinionSr({ ...baseInput(study), question: 'a\u0000b' }),
      'BAD_REQUEST',
      'question contains a control character',
    );
    expectAppError(
      () => buildOpinionSr({ ...baseInput(study), author: { name: 'An\\Bình' } }),
      'BAD_REQUEST',
      'author name contains a backslash',
    );
    expectAppError(() => buildOpinionSr({ ...baseInput(study), author: { name: 'A=B=C' } }), 'BAD_REQUEST', 'author name contains "="');
    expectAppError(
      () => buildOpinionSr({ ...baseInput(study), author: { name: 'x'.repeat(65) } }),
      'BAD_REQUEST',
      'author name is longer than 64',
    );
    expectAppError(() => buildOpinionSr({ ...baseInput(study), urgency: '' }), 'BAD_REQUEST', 'urgency is empty');
    expectAppError(() => buildOpinionSr({ ...baseInput(study), completedAt: new Date('not a date') }), 'BAD_REQUEST', 'completion time');
    expectAppError(
      () => buildOpinionSr({ ...baseInput(study), evidence: [{ seriesInstanceUid: '1.2', sopClassUid: '1.2.3', sopInstanceUid: 'x' }] }),
      'INVALID_UID',
      'evidence',
    );
  });

  it('accepts an opinion of exactly 64 KiB and gives every build new UIDs', () => {
    const opinion = 'ầ'.repeat(21_845) + 'a'; // 3 bytes × 21,845 + 1 = 65,536 bytes
    expect(Buffer.byteLength(opinion, 'utf8')).toBe(64 * 1024);
    const first = buildOpinionSr({ ...baseInput(study), opinion });
    const second = buildOpinionSr({ ...baseInput(study), opinion });
    expect(new Set([first.sopInstanceUid, first.seriesInstanceUid, second.sopInstanceUid, second.seriesInstanceUid]).size).toBe(4);
    expect(getString(parsePart10(first.part10).dataset, '0020000D')).toBe('1.2.826.0.1.3680043.8.498.1');
  });
});
