import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportVersion, StudyReport } from '../../shared/api/reports';
import { getString, type DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { call, createShare, createUser, errorOf, sessionCookieOf, storeAs, type HeaderMap } from '../helpers/access-client';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { getMultipart } from '../helpers/dicomweb-http';
import { requireTool } from '../helpers/debian-tools';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

/**
 * The diagnostic report of issue 12 item 5 over real HTTP: a radiologist saves a draft, signs it
 * (a VERIFIED Basic Text SR stored in the study through STOW ingest, found by QIDO, clean for
 * dciodvfy and read by dsrdump), then amends it (a new SR whose Predecessor Documents Sequence
 * names the first); clinicians and share guests cannot write or sign; every step is audited.
 */
const CT = corpusEntry('series/ct-abdomen-philips-tcia/1-036.dcm');
const STUDY = CT.studyInstanceUID!;
const BASIC_TEXT_SR = '1.2.840.10008.5.1.4.1.1.88.11';
const RADIOLOGIST = { username: 'bs.an', password: 'radiologist-password', role: 'radiologist', displayName: 'BS. Nguyễn Văn An' };
const CLINICIAN = { username: 'bs.binh', password: 'clinician-password', role: 'clinician' };

const FINDINGS = 'Tụy kích thước bình thường, nhu mô ngấm thuốc đều.\nKhông thấy giãn ống tụy chính.';
const IMPRESSION = 'Không thấy bất thường tụy trên CT.';
const AMENDED = 'Nang nhỏ 4 mm đuôi tụy, nhiều khả năng lành tính. Theo dõi sau 12 tháng.';

function run(binary: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(binary, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('a diagnostic report: draft, final, amendment', () => {
  let archive: TestArchive;
  let dir: string;
  let radiologist: HeaderMap;
  let clinician: HeaderMap;
  let first: ReportVersion;

  beforeAll(async () => {
    archive = await startTestArchive();
    dir = await makeTempDir('report-sr');
    expect((await storeAs(archive, { authorization: archive.adminAuthorization }, [corpusFile(CT.path)])).status).toBe(200);
    radiologist = await createUser(archive, RADIOLOGIST);
    clinician = await createUser(archive, CLINICIAN);
  });
  afterAll(async () => {
    await archive?.stop();
    if (dir) await removeTempDir(dir);
  });

  const report = `/api/studies/${STUDY}/report`;

  /** The stored SR as Part 10 bytes (WADO-RS as stored), written to a file for the DICOM tools. */
  async function retrieveSr(version: ReportVersion, name: string): Promise<string> {
    const { status, parts } = await getMultipart(
      archive,
      `${archive.dicomWeb}/studies/${STUDY}/series/${version.seriesInstanceUID}/instances/${version.sopInstanceUID}`,
    );
    expect(status).toBe(200);
    expect(parts).toHaveLength(1);
    const file = path.join(dir, name);
    writeFileSync(file, parts[0]!.body);
    return file;
  }

  async function metadataOf(version: ReportVersion): Promise<DicomJson> {
    const res = await archive.fetch(
      `${archive.dicomWeb}/studies/${STUDY}/series/${version.seriesInstanceUID}/instances/${version.sopInstanceUID}/metadata`,
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as DicomJson[])[0]!;
  }

  it('saves and edits a draft, which only the archive holds', async () => {
    const created = await call(archive, 'PUT', `${report}/draft`, radiologist, {
      template: 'CT',
      language: 'vi',
      sections: { technique: 'CT bụng có tiêm thuốc cản quang.', findings: 'Nháp' },
    });
    expect(created.status).toBe(201);
    const draft = created.json as ReportVersion;
    expect(draft).toMatchObject({ version: 1, status: 'draft', template: 'CT', language: 'vi', author: 'BS. Nguyễn Văn An' });

    const edited = await call(archive, 'PUT', `${report}/draft`, radiologist, {
      template: 'CT',
      language: 'vi',
      sections: { technique: 'CT bụng có tiêm thuốc cản quang.', findings: FINDINGS, impression: IMPRESSION, recommendations: '  ' },
    });
    expect(edited.status).toBe(200);
    expect((edited.json as ReportVersion).id).toBe(draft.id);
    expect((edited.json as ReportVersion).sections).toEqual({
      technique: 'CT bụng có tiêm thuốc cản quang.',
      findings: FINDINGS,
      impression: IMPRESSION,
    });
    // A save from an editor opened before that edit (or as a new draft) would overwrite it: 409, naming who saved.
    for (const baseUpdatedAt of ['2026-01-01T00:00:00.000Z', null]) {
      const stale = await call(archive, 'PUT', `${report}/draft`, radiologist, { sections: { findings: 'cũ' }, baseUpdatedAt });
      expect(stale.status).toBe(409);
      expect(errorOf(stale).message).toBe(
        `BS. Nguyễn Văn An saved this draft at ${(edited.json as ReportVersion).updatedAt} after you opened it: open the report again.`,
      );
    }
    // Nothing in the study yet.
    const series = await archive.fetch(`${archive.dicomWeb}/studies/${STUDY}/series?Modality=SR`);
    expect(series.status).toBe(200);
    expect(await series.json()).toEqual([]);
    // Clinicians read the report but see no draft; they cannot write.
    expect(((await call(archive, 'GET', report, clinician)).json as StudyReport).versions).toHaveLength(1);
    const refused = await call(archive, 'PUT', `${report}/draft`, clinician, { sections: { findings: 'x' } });
    expect(refused.status).toBe(403);
    expect((await call(archive, 'POST', `${report}/final`, clinician, {})).status).toBe(403);
  });

  it('refuses bad input with a 400 that says what is wrong', async () => {
    const unknown = await call(archive, 'PUT', `${report}/draft`, radiologist, { sections: { conclusion: 'x' } });
    expect(unknown.status).toBe(400);
    expect(errorOf(unknown).message).toContain('no section "conclusion"');
    const control = await call(archive, 'PUT', `${report}/draft`, radiologist, { sections: { findings: 'a\u0001b' } });
    expect(control.status).toBe(400);
    expect(errorOf(control).message).toContain('control character');
    const language = await call(archive, 'PUT', `${report}/draft`, radiologist, { language: 'fr', sections: {} });
    expect(errorOf(language).message).toContain('"language" must be one of en, vi');
    expect((await call(archive, 'PUT', `/api/studies/1.2.3.4/report/draft`, radiologist, { sections: {} })).status).toBe(404);
    expect((await call(archive, 'PUT', `/api/studies/1.02/report/draft`, radiologist, { sections: {} })).status).toBe(400);
  });

  it("a share's guest, even a consultation's specialist who annotates, cannot write or sign (403) and sees no draft", async () => {
    const share = await createShare(archive, { studyInstanceUID: STUDY });
    const opened = await call(archive, 'POST', '/api/shares/open', {}, { token: share.token });
    expect(opened.status).toBe(200);
    const guest = { ...sessionCookieOf(opened), 'x-csrf-token': (opened.json as { csrfToken: string }).csrfToken };
    expect((await call(archive, 'PUT', `${report}/draft`, guest, { sections: { findings: 'x' } })).status).toBe(403);
    const signed = await call(archive, 'POST', `${report}/final`, guest, {});
    expect(signed.status).toBe(403);
    expect(((await call(archive, 'GET', report, guest)).json as StudyReport).versions).toEqual([]);

    // A consultation's specialist may annotate the study, yet a report is not theirs to write either.
    const asked = await call(archive, 'POST', '/api/consultations', radiologist, {
      studyInstanceUID: STUDY,
      specialist: { name: 'GS. Trần Văn Minh' },
      question: 'Tụy có bình thường không?',
      expiresInHours: 24,
    });
    expect(asked.status).toBe(201);
    const specialistOpened = await call(
      archive,
      'POST',
      '/api/shares/open',
      {},
      { token: (asked.json as { share: { token: string } }).share.token },
    );
    const specialist = {
      ...sessionCookieOf(specialistOpened),
      'x-csrf-token': (specialistOpened.json as { csrfToken: string; permissions: string[] }).csrfToken,
    };
    expect((specialistOpened.json as { permissions: string[] }).permissions).toContain('annotate');
    const refused = await call(archive, 'PUT', `${report}/draft`, specialist, { sections: { findings: 'x' } });
    expect(refused.status).toBe(403);
    expect(errorOf(refused).message).toBe('Only a radiologist signed in with an account writes or signs a report.');
    expect((await call(archive, 'POST', `${report}/final`, specialist, {})).status).toBe(403);
  });

  it('signs the draft: a VERIFIED Basic Text SR in the study that QIDO finds, dciodvfy accepts and dsrdump reads', async () => {
    const signed = await call(archive, 'POST', `${report}/final`, radiologist, { organization: 'Bệnh viện Bạch Mai' });
    expect(signed.status).toBe(200);
    first = signed.json as ReportVersion;
    expect(first).toMatchObject({ version: 1, status: 'final', signedBy: 'BS. Nguyễn Văn An', organization: 'Bệnh viện Bạch Mai' });
    expect(first.sopInstanceUID).toMatch(/^2\.25\.\d+$/);

    const found = await archive.fetch(`${archive.dicomWeb}/studies/${STUDY}/series?Modality=SR`);
    expect(found.status).toBe(200);
    const [series] = (await found.json()) as DicomJson[];
    expect(getString(series, Tag.SeriesInstanceUID)).toBe(first.seriesInstanceUID);
    expect(getString(series, Tag.SeriesDescription)).toBe('Diagnostic report');
    expect(series?.[Tag.SeriesNumber]?.Value?.[0]).toBe(9903);

    const file = await retrieveSr(first, 'report-1.dcm');
    requireTool('dciodvfy');
    const findings = `${run('dciodvfy', [file]).stderr}`.split('\n').filter((l) => l.trim() !== '');
    expect(findings).toContain('BasicTextSR');
    expect(findings.filter((line) => line.startsWith('Error'))).toEqual([]);
    expect(findings.filter((line) => line.includes('not present in standard DICOM IOD'))).toEqual([]);

    requireTool('dcmdump');
    const dump = run('dsrdump', ['+U8', '+Pl', '+Pc', file]);
    expect(dump.status).toBe(0);
    const lines = dump.stdout.split('\n').map((line) => line.trim());
    expect(lines[0]).toBe('Basic Text SR Document');
    expect(lines).toContain('Completion Flag     : COMPLETE');
    expect(lines).toContain('Verification Flag   : VERIFIED');
    expect(lines.find((l) => l.startsWith('Verifying Observer'))).toContain(', BS. Nguyễn Văn An, Bệnh viện Bạch Mai');
    expect(lines).toContain('<CONTAINER:(18748-4,LN,"Diagnostic Imaging Report")=SEPARATE>');
    expect(lines).toContain('<has concept mod CODE:(121049,DCM,"Language of Content Item and Descendants")=(vi,RFC5646,"Vietnamese")>');
    expect(lines).toContain('<contains CONTAINER:(121070,DCM,"Findings")=SEPARATE>');
    expect(lines).toContain(`<contains TEXT:(121071,DCM,"Finding")="${FINDINGS.replaceAll('\n', '\\n')}">`);
    expect(lines).toContain(`<contains TEXT:(121073,DCM,"Impression")="${IMPRESSION}">`);
    expect(dump.stdout).not.toContain('Predecessor');
  });

  it('an amendment is a new SR version whose Predecessor Documents Sequence names the first; the first is superseded', async () => {
    const draft = await call(archive, 'PUT', `${report}/draft`, radiologist, {
      template: 'CT',
      language: 'vi',
      sections: { ...first.sections, impression: AMENDED },
    });
    expect(draft.status).toBe(201);
    expect(draft.json).toMatchObject({ version: 2, status: 'draft', predecessorSopInstanceUID: first.sopInstanceUID });
    const signed = await call(archive, 'POST', `${report}/final`, radiologist, {});
    expect(signed.status).toBe(200);
    const second = signed.json as ReportVersion;
    // Without an organization given, the amendment is signed for the one that signed the first version.
    expect(second).toMatchObject({
      version: 2,
      status: 'final',
      seriesInstanceUID: first.seriesInstanceUID,
      organization: 'Bệnh viện Bạch Mai',
    });

    const versions = ((await call(archive, 'GET', report, clinician)).json as StudyReport).versions;
    expect(versions.map((v) => [v.version, v.status, v.sopInstanceUID])).toEqual([
      [2, 'final', second.sopInstanceUID],
      [1, 'superseded', first.sopInstanceUID],
    ]);

    const metadata = await metadataOf(second);
    expect(getString(metadata, Tag.VerificationFlag)).toBe('VERIFIED');
    expect(metadata[Tag.InstanceNumber]?.Value?.[0]).toBe(2);
    const predecessor = metadata[Tag.PredecessorDocumentsSequence]?.Value?.[0] as DicomJson;
    expect(getString(predecessor, Tag.StudyInstanceUID)).toBe(STUDY);
    const series = (predecessor[Tag.ReferencedSeriesSequence]?.Value as DicomJson[])[0]!;
    expect(getString(series, Tag.SeriesInstanceUID)).toBe(first.seriesInstanceUID);
    const sop = (series[Tag.ReferencedSOPSequence]?.Value as DicomJson[])[0]!;
    expect(getString(sop, Tag.ReferencedSOPInstanceUID)).toBe(first.sopInstanceUID);
    expect(getString(sop, Tag.ReferencedSOPClassUID)).toBe(BASIC_TEXT_SR);

    const file = await retrieveSr(second, 'report-2.dcm');
    const findings = run('dciodvfy', [file]).stderr.split('\n');
    expect(findings.filter((line) => line.startsWith('Error'))).toEqual([]);
    expect(run('dsrdump', ['+U8', '+Pl', '+Pc', file]).stdout).toContain(`="${AMENDED}"`);

    const instances = await archive.fetch(`${archive.dicomWeb}/studies/${STUDY}/series/${first.seriesInstanceUID}/instances`);
    expect(((await instances.json()) as DicomJson[]).map((i) => getString(i, Tag.SOPInstanceUID)).sort()).toEqual(
      [first.sopInstanceUID, second.sopInstanceUID].sort(),
    );
  });

  it('audits every save, signature and amendment', async () => {
    const audit = async (action: string) =>
      (
        (await call(archive, 'GET', `/api/audit?action=${action}&study=${STUDY}`, { authorization: archive.adminAuthorization })).json as {
          records: { principalId: string; detail: string }[];
        }
      ).records;
    const saves = await audit('report-save');
    expect(saves.length).toBe(3); // created, edited, the amendment's draft
    expect(saves.every((r) => r.principalId === RADIOLOGIST.username)).toBe(true);
    const finals = await audit('report-final');
    expect(finals).toHaveLength(1);
    expect(finals[0]!.detail).toContain(first.sopInstanceUID);
    const amends = await audit('report-amend');
    expect(amends).toHaveLength(1);
    expect(amends[0]!.detail).toContain(`amending SR ${first.sopInstanceUID}`);
  });
});
