import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyImages, KeyImageView } from '../../shared/api/key-images';
import { getString, type DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { adminHeaders, basic, call, createShare, createUser, errorOf, sessionCookieOf, type HeaderMap } from '../helpers/access-client';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { expectStored, getJson, getMultipart } from '../helpers/dicomweb-http';
import { requireTool } from '../helpers/debian-tools';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

/**
 * Key images as the study's Key Object Selection document (issue 12 item 4), over real HTTP:
 * marking and unmarking write a new KOS version through the STOW ingest and delete the old one,
 * so QIDO always finds exactly one KO instance; the KOS passes dciodvfy, DCMTK's dsrdump reads
 * its TID 2010 tree, and its evidence and IMAGE items name the marked instances and frames.
 */
const CT_FILES = ['1-036.dcm', '1-037.dcm', '1-038.dcm'].map((f) => `series/ct-abdomen-philips-tcia/${f}`);
const CT = CT_FILES.map(corpusEntry);
const STUDY = CT[0]!.studyInstanceUID!;
const SERIES = CT[0]!.seriesInstanceUID!;
const XA = corpusEntry('multiframe/xa-angio-96f-jpeg.dcm');
const KOS_CLASS = '1.2.840.10008.5.1.4.1.1.88.59';

const view = (windowWidth: number): KeyImageView => ({
  windowWidth,
  windowCenter: 40,
  invert: false,
  rotation: 90,
  hflip: true,
  vflip: false,
  measurements: [{ tool: 'Length', handles: { start: { x: 10, y: 20 }, end: { x: 100, y: 120 } }, text: ['85.31 mm'] }],
});

function run(binary: string, args: string[]) {
  const result = spawnSync(binary, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return `${result.stdout}\n${result.stderr}`;
}

describe('key images as a Key Object Selection document in the study', () => {
  let archive: TestArchive;
  let radiologist: HeaderMap;
  let clinician: HeaderMap;
  let dir: string;

  beforeAll(async () => {
    archive = await startTestArchive();
    dir = await makeTempDir('key-images-');
    await expectStored(archive, [...CT_FILES, 'multiframe/xa-angio-96f-jpeg.dcm'].map(corpusFile));
    radiologist = await createUser(archive, { username: 'bs.lan', password: 'radiologist-password', role: 'radiologist' });
    clinician = await createUser(archive, { username: 'bs.minh', password: 'clinician-password', role: 'clinician' });
  });
  afterAll(async () => {
    await archive?.stop();
    if (dir) await removeTempDir(dir);
  });

  /** A guest's browser after opening the share link: its session cookie and CSRF token. */
  async function openShare(token: string): Promise<HeaderMap> {
    const opened = await call(archive, 'POST', '/api/shares/open', {}, { token });
    return { ...sessionCookieOf(opened), 'x-csrf-token': (opened.json as { csrfToken: string }).csrfToken };
  }

  const keyImages = (study = STUDY) => `/api/studies/${study}/key-images`;
  const mark = (headers: HeaderMap, sop: string, frame = 1, study = STUDY, series = SERIES, width = 400) =>
    call(archive, 'POST', keyImages(study), headers, { seriesInstanceUID: series, sopInstanceUID: sop, frame, view: view(width) });

  /** The KO instances QIDO finds in the study. */
  async function koInstances(study = STUDY): Promise<DicomJson[]> {
    const dicomJson = async (url: string) => ((await getJson(archive, `${archive.dicomWeb}${url}`)).json ?? []) as DicomJson[];
    const all: DicomJson[] = [];
    for (const s of await dicomJson(`/studies/${study}/series?Modality=KO`))
      all.push(...(await dicomJson(`/studies/${study}/series/${getString(s, Tag.SeriesInstanceUID)}/instances`)));
    return all;
  }

  /** The KOS as stored (WADO-RS), written to a file for the DICOM tools. */
  async function kosFile(doc: NonNullable<KeyImages['document']>, name: string): Promise<string> {
    const {
      parts: [part],
    } = await getMultipart(archive, `${archive.dicomWeb}/studies/${STUDY}/series/${doc.seriesInstanceUID}/instances/${doc.sopInstanceUID}`);
    const file = path.join(dir, name);
    writeFileSync(file, part!.body);
    return file;
  }

  it('marks two CT slices: one KO instance in QIDO at a time, valid for dciodvfy, read by dsrdump, with the marked instances', async () => {
    expect((await koInstances()).length).toBe(0);
    const first = await mark(radiologist, CT[0]!.sopInstanceUID!);
    expect(first.status).toBe(201);
    const one = first.json as KeyImages;
    expect(one.images.map((k) => k.sopInstanceUID)).toEqual([CT[0]!.sopInstanceUID]);
    const [ko1] = await koInstances();
    expect(getString(ko1, Tag.SOPClassUID)).toBe(KOS_CLASS);
    expect(getString(ko1, Tag.SOPInstanceUID)).toBe(one.document!.sopInstanceUID);

    const second = await mark(radiologist, CT[2]!.sopInstanceUID!, 1, STUDY, SERIES, 1500);
    expect(second.status).toBe(201);
    const two = second.json as KeyImages;
    // The new version replaced the old one: still one KO instance, the same series, a new SOP instance.
    const kos = await koInstances();
    expect(kos.map((k) => getString(k, Tag.SOPInstanceUID))).toEqual([two.document!.sopInstanceUID]);
    expect(two.document!.seriesInstanceUID).toBe(one.document!.seriesInstanceUID);
    expect(two.document!.sopInstanceUID).not.toBe(one.document!.sopInstanceUID);
    expect(two.document).toMatchObject({ title: 'of-interest', author: 'bs.lan' });
    expect(two.images.map((k) => [k.sopInstanceUID, k.frame, k.columns, k.rows, k.view?.windowWidth])).toEqual([
      [CT[0]!.sopInstanceUID, 1, 512, 512, 400],
      [CT[2]!.sopInstanceUID, 1, 512, 512, 1500],
    ]);
    expect(two.images[0]!.view).toEqual(view(400));

    const file = await kosFile(two.document!, 'two.dcm');
    requireTool('dciodvfy');
    const findings = run('dciodvfy', [file]).split('\n');
    expect(findings.join('\n')).toContain('KeyObjectSelectionDocument');
    expect(findings.filter((line) => line.startsWith('Error'))).toEqual([]);
    expect(findings.filter((line) => line.includes('not present in standard DICOM IOD'))).toEqual([]);

    requireTool('dcmdump');
    const tree = run('dsrdump', ['+Pc', '+Pu', '+Pt', file]);
    expect(tree).toContain('Key Object Selection Document');
    expect(tree).toContain('(113000,DCM,"Of Interest")');
    expect(tree).toContain('<has obs context PNAME:(121008,DCM,"Person Observer Name")="bs.lan">');
    expect((tree.match(/<contains IMAGE:=\(CT image,/g) ?? []).length).toBe(2);
    expect(tree).toContain(`"${CT[0]!.sopInstanceUID}"`);

    // The evidence names both instances under their series, and nothing else.
    const metadata = (
      (
        await getJson(
          archive,
          `${archive.dicomWeb}/studies/${STUDY}/series/${two.document!.seriesInstanceUID}/instances/${two.document!.sopInstanceUID}/metadata`,
        )
      ).json as DicomJson[]
    )[0]!;
    const evidence = metadata[Tag.CurrentRequestedProcedureEvidenceSequence]!.Value![0] as DicomJson;
    expect(getString(evidence, Tag.StudyInstanceUID)).toBe(STUDY);
    const series = evidence[Tag.ReferencedSeriesSequence]!.Value as DicomJson[];
    expect(series.map((s) => getString(s, Tag.SeriesInstanceUID))).toEqual([SERIES]);
    expect((series[0]![Tag.ReferencedSOPSequence]!.Value as DicomJson[]).map((s) => getString(s, Tag.ReferencedSOPInstanceUID))).toEqual([
      CT[0]!.sopInstanceUID,
      CT[2]!.sopInstanceUID,
    ]);
    expect(getString(metadata, Tag.PatientID)).toBe(
      getString(((await getJson(archive, `${archive.dicomWeb}/studies?StudyInstanceUID=${STUDY}`)).json as DicomJson[])[0], Tag.PatientID),
    );
    expect(getString(metadata, Tag.Modality)).toBe('KO');
  });

  it("is the study's, not one user's: a clinician reads it but may not change it; a radiologist retitles and unmarks", async () => {
    const read = await call(archive, 'GET', keyImages(), clinician);
    expect(read.status).toBe(200);
    expect((read.json as KeyImages).images.length).toBe(2);
    const refused = await mark(clinician, CT[1]!.sopInstanceUID!);
    expect(refused.status).toBe(403);

    const retitled = await call(archive, 'PUT', `${keyImages()}/title`, adminHeaders(archive), { title: 'for-referring-provider' });
    expect(retitled.status).toBe(200);
    const doc = (retitled.json as KeyImages).document!;
    expect(doc).toMatchObject({ title: 'for-referring-provider', author: 'Administrator' });
    expect(run('dsrdump', ['+Pc', await kosFile(doc, 'retitled.dcm')])).toContain('(113002,DCM,"For Referring Provider")');

    // A new view of a marked frame changes the stored view only: the same KOS stays.
    const moved = await call(archive, 'PUT', `${keyImages()}/view`, radiologist, {
      seriesInstanceUID: SERIES,
      sopInstanceUID: CT[0]!.sopInstanceUID,
      frame: 1,
      view: { ...view(400), measurements: [] },
    });
    expect(moved.status).toBe(200);
    expect((moved.json as KeyImages).document!.sopInstanceUID).toBe(doc.sopInstanceUID);
    expect((moved.json as KeyImages).images[0]!.view!.measurements).toEqual([]);

    const unmarked = await call(archive, 'DELETE', `${keyImages()}/${CT[0]!.sopInstanceUID}/1`, radiologist);
    expect(unmarked.status).toBe(200);
    expect((unmarked.json as KeyImages).images.map((k) => k.sopInstanceUID)).toEqual([CT[2]!.sopInstanceUID]);
    expect((unmarked.json as KeyImages).document!.title).toBe('for-referring-provider');
    expect((await koInstances()).length).toBe(1);
    // Its view went with it: no key-image annotation is left for that frame.
    const annotations = (await call(archive, 'GET', `/api/studies/${STUDY}/annotations`, radiologist)).json as {
      kind: string;
      sopInstanceUID: string;
    }[];
    expect(annotations.filter((a) => a.kind === 'key-image').map((a) => a.sopInstanceUID)).toEqual([CT[2]!.sopInstanceUID]);

    const last = await call(archive, 'DELETE', `${keyImages()}/${CT[2]!.sopInstanceUID}/1`, radiologist);
    expect(last.json).toEqual({ document: null, images: [] });
    expect(await koInstances()).toEqual([]);
  });

  it('counts marks made at the same moment by two users, in one KOS', async () => {
    const [a, b] = await Promise.all([mark(radiologist, CT[0]!.sopInstanceUID!), mark(adminHeaders(archive), CT[1]!.sopInstanceUID!)]);
    expect([a.status, b.status]).toEqual([201, 201]);
    const now = (await call(archive, 'GET', keyImages(), clinician)).json as KeyImages;
    expect(now.images.map((k) => k.sopInstanceUID).sort()).toEqual([CT[0]!.sopInstanceUID, CT[1]!.sopInstanceUID].sort());
    expect((await koInstances()).map((k) => getString(k, Tag.SOPInstanceUID))).toEqual([now.document!.sopInstanceUID]);
    await Promise.all([CT[0], CT[1]].map((c) => call(archive, 'DELETE', `${keyImages()}/${c!.sopInstanceUID}/1`, radiologist)));
    expect(await koInstances()).toEqual([]);
  });

  it('names the frames of a multi-frame image (Referenced Frame Number)', async () => {
    const study = XA.studyInstanceUID!;
    expect((await mark(radiologist, XA.sopInstanceUID!, 40, study, XA.seriesInstanceUID!)).status).toBe(201);
    const both = await mark(radiologist, XA.sopInstanceUID!, 7, study, XA.seriesInstanceUID!);
    const doc = (both.json as KeyImages).document!;
    expect((both.json as KeyImages).images.map((k) => k.frame)).toEqual([40, 7]);
    const [ds] = (
      await getJson(
        archive,
        `${archive.dicomWeb}/studies/${study}/series/${doc.seriesInstanceUID}/instances/${doc.sopInstanceUID}/metadata`,
      )
    ).json as DicomJson[];
    const images = (ds![Tag.ContentSequence]!.Value as DicomJson[]).filter((i) => getString(i, Tag.ValueType) === 'IMAGE');
    expect(images.length).toBe(1);
    const sop = images[0]![Tag.ReferencedSOPSequence]!.Value![0] as DicomJson;
    expect(sop[Tag.ReferencedFrameNumber]!.Value!.map(Number)).toEqual([40, 7]);
    expect((await mark(radiologist, XA.sopInstanceUID!, 97, study, XA.seriesInstanceUID!)).status).toBe(400);
  });

  it('answers bad input with a precise 4xx', async () => {
    const cases: [unknown, number, string][] = [
      [{ seriesInstanceUID: SERIES, sopInstanceUID: CT[0]!.sopInstanceUID, frame: 0, view: view(1) }, 400, 'frame'],
      [{ seriesInstanceUID: SERIES, sopInstanceUID: '1.2.3.4', frame: 1, view: view(1) }, 404, 'instance'],
      [{ seriesInstanceUID: SERIES, sopInstanceUID: 'x', frame: 1, view: view(1) }, 400, 'sopInstanceUID'],
      [
        { seriesInstanceUID: SERIES, sopInstanceUID: CT[0]!.sopInstanceUID, frame: 1, view: { ...view(1), invert: 'yes' } },
        400,
        'view.invert',
      ],
      [{ seriesInstanceUID: SERIES, sopInstanceUID: CT[0]!.sopInstanceUID, frame: 1 }, 400, 'view'],
    ];
    for (const [body, status, mentions] of cases) {
      const answer = await call(archive, 'POST', keyImages(), radiologist, body);
      expect([answer.status, errorOf(answer).message]).toEqual([status, expect.stringContaining(mentions)]);
    }
    expect((await call(archive, 'DELETE', `${keyImages()}/${CT[1]!.sopInstanceUID}/1`, radiologist)).status).toBe(404);
    expect((await call(archive, 'PUT', `${keyImages()}/title`, radiologist, { title: 'teaching' })).status).toBe(400);
  });

  it("lets a share guest read the key images (by replacement UIDs when anonymized); a consultation's specialist marks them, a read-only guest may not", async () => {
    expect((await mark(radiologist, CT[1]!.sopInstanceUID!)).status).toBe(201);
    const readOnly = await createShare(archive, { studyInstanceUID: STUDY, permissions: ['read'] });
    const guest = await openShare(readOnly.token);
    const seen = await call(archive, 'GET', keyImages(), guest);
    expect((seen.json as KeyImages).images.map((k) => k.sopInstanceUID)).toEqual([CT[1]!.sopInstanceUID]);
    expect((await mark(guest, CT[0]!.sopInstanceUID!)).status).toBe(403);

    // An anonymized share: the same key images, under the replacement UIDs the guest knows.
    const anonymized = await createShare(archive, { studyInstanceUID: STUDY, anonymize: true, permissions: ['read'] });
    const anonymous = await openShare(anonymized.token);
    const session = (await call(archive, 'GET', '/api/session', anonymous)).json as { share: { studyInstanceUID: string } };
    expect(session.share.studyInstanceUID).not.toBe(STUDY);
    const presented = (await call(archive, 'GET', keyImages(session.share.studyInstanceUID), anonymous)).json as KeyImages;
    expect(presented.images.length).toBe(1);
    expect(presented.images[0]!.sopInstanceUID).not.toBe(CT[1]!.sopInstanceUID);
    expect(JSON.stringify(presented)).not.toContain(CT[1]!.sopInstanceUID);

    // A consultation's specialist may annotate, so marks too, named in the KOS as the specialist.
    const asked = await call(archive, 'POST', '/api/consultations', radiologist, {
      studyInstanceUID: STUDY,
      specialist: { name: 'GS. Trần Văn Minh' },
      question: 'Nốt mờ phổi phải?',
      expiresInHours: 24,
    });
    expect(asked.status).toBe(201);
    const specialist = await openShare((asked.json as { share: { token: string } }).share.token);
    const marked = await mark(specialist, CT[0]!.sopInstanceUID!);
    expect(marked.status).toBe(201);
    expect((marked.json as KeyImages).document!.author).toBe('GS. Trần Văn Minh');
    expect((marked.json as KeyImages).images.map((k) => k.sopInstanceUID)).toEqual([CT[1]!.sopInstanceUID, CT[0]!.sopInstanceUID]);
  });

  it('names an observer whose display name a PN cannot hold as it can, rather than refusing the mark', async () => {
    const created = await call(archive, 'POST', '/api/users', adminHeaders(archive), {
      username: 'bs.odd',
      password: 'odd-name-password',
      role: 'radiologist',
      displayName: 'BS. Hà\\Nội = Khoa CĐHA',
    });
    expect(created.status).toBe(201);
    const odd = basic('bs.odd', 'odd-name-password');
    const marked = await mark(odd, CT[2]!.sopInstanceUID!);
    expect(marked.status).toBe(201);
    expect((marked.json as KeyImages).document!.author).toBe('BS. Hà Nội Khoa CĐHA');
    expect((await call(archive, 'DELETE', `${keyImages()}/${CT[2]!.sopInstanceUID}/1`, odd)).status).toBe(200);
  });

  it('stores the measurements as a TID 1500 Comprehensive SR, one current version, clean for dciodvfy and read by dsrdump', async () => {
    const on = (i: number) => ({ seriesInstanceUID: SERIES, sopInstanceUID: CT[i]!.sopInstanceUID!, frame: 1 });
    const measurements = [
      { ...on(0), tool: 'Length', handles: { start: { x: 100, y: 120 }, end: { x: 220, y: 200 } }, length: 85.31 },
      { ...on(0), tool: 'Angle', handles: { start: { x: 10, y: 10 }, middle: { x: 50, y: 50 }, end: { x: 90, y: 10 } }, rAngle: 90 },
      {
        ...on(1),
        tool: 'EllipticalRoi',
        handles: { start: { x: 200, y: 200 }, end: { x: 260, y: 240 } },
        cachedStats: { area: 1303.2, mean: 42.5, stdDev: 11.2, min: -3, max: 88 },
      },
      {
        ...on(1),
        tool: 'RectangleRoi',
        handles: { start: { x: 300, y: 300 }, end: { x: 340, y: 330 } },
        cachedStats: { area: 830.4, mean: 51, stdDev: 9.5, min: 10, max: 90, perimeter: 120 },
      },
      { ...on(2), tool: 'ArrowAnnotate', handles: { start: { x: 40, y: 40 }, end: { x: 80, y: 90 } }, text: 'Nốt mờ 8 mm' },
    ];
    const saved = await call(archive, 'POST', `/api/studies/${STUDY}/measurement-report`, radiologist, { measurements });
    expect(saved.status).toBe(201);
    const first = saved.json as { sopInstanceUID: string; seriesInstanceUID: string; measurements: number };
    expect(first.measurements).toBe(5);
    const again = (await call(archive, 'POST', `/api/studies/${STUDY}/measurement-report`, radiologist, { measurements }))
      .json as typeof first;
    expect(again.seriesInstanceUID).toBe(first.seriesInstanceUID);
    const series = (await getJson(archive, `${archive.dicomWeb}/studies/${STUDY}/series?Modality=SR`)).json as DicomJson[];
    expect(series.map((s) => getString(s, Tag.SeriesDescription))).toEqual(['Measurement report']);
    // Its own series number: 9903 is the diagnostic report's (server/reports/report-sr.ts).
    expect(series.map((s) => s[Tag.SeriesNumber]?.Value?.[0])).toEqual([9904]);
    const instances = (await getJson(archive, `${archive.dicomWeb}/studies/${STUDY}/series/${first.seriesInstanceUID}/instances`))
      .json as DicomJson[];
    expect(instances.map((i) => getString(i, Tag.SOPInstanceUID))).toEqual([again.sopInstanceUID]);

    const {
      parts: [part],
    } = await getMultipart(
      archive,
      `${archive.dicomWeb}/studies/${STUDY}/series/${again.seriesInstanceUID}/instances/${again.sopInstanceUID}`,
    );
    const file = path.join(dir, 'measurements.dcm');
    writeFileSync(file, part!.body);
    const findings = run('dciodvfy', [file]).split('\n');
    expect(findings.join('\n')).toContain('ComprehensiveSR');
    expect(findings.filter((line) => line.startsWith('Error'))).toEqual([]);
    const tree = run('dsrdump', ['+Pc', file]);
    expect(tree).toContain('Comprehensive SR Document');
    expect(tree).toContain('(126000,DCM,"Imaging Measurement Report")');
    expect(tree).toContain('<has obs context PNAME:(121008,DCM,"Person Observer Name")="bs.lan">');
    expect(tree).toContain('<contains NUM:(410668003,SCT,"Length")="85.31" (mm,UCUM');
    expect(tree).toContain('<contains NUM:(42798000,SCT,"Area")="830.4" (mm2,UCUM');
    expect(tree).toContain('"Nốt mờ 8 mm"');
    expect((tree.match(/<contains CONTAINER:\(125007,DCM,"Measurement Group"\)/g) ?? []).length).toBeGreaterThanOrEqual(4);

    const guestless = await call(archive, 'POST', `/api/studies/${STUDY}/measurement-report`, clinician, { measurements });
    expect(guestless.status).toBe(403);
    const probe = await call(archive, 'POST', `/api/studies/${STUDY}/measurement-report`, radiologist, {
      measurements: [{ ...on(0), tool: 'Probe', handles: { end: { x: 1, y: 1 } } }],
    });
    expect([probe.status, errorOf(probe).message]).toEqual([400, expect.stringContaining('"tool" must be one of')]);
  });
});
