import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } from '../../shared/dicom/transfer-syntaxes';
import { encodeDataSet } from '../../server/dimse/data-set-codec';
import { PATIENT_ROOT_FIND, STUDY_ROOT_FIND } from '../../server/dimse/sop-classes';
import { buildSyntheticArchive } from '../bench/synthetic-archive';
import { CORPUS_DIR, corpusEntry, corpusFile, corpusManifest } from '../helpers/corpus';
import { runDcmtk } from '../helpers/dcmtk';
import { cFind, findscu, readPart10, type FindscuRun } from '../helpers/find-scu';
import { addRemoteAe } from '../helpers/remote-aes';
import { requireTool } from '../helpers/debian-tools';
import { expectStored, getJson } from '../helpers/dicomweb-http';
import { eventLoopTurnsDuring } from '../helpers/event-loop-turns';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

const CT = corpusManifest().filter((e) => e.path.startsWith('series/ct-abdomen-philips-tcia/'));
const CT_STUDY = '1.3.6.1.4.1.14519.5.2.1.21087345762211724523378497892240459677';
const CT_SERIES = '1.3.6.1.4.1.14519.5.2.1.302382790855582445722435410442490497846';
const MR = corpusEntry('charsets/iso-ir-192-utf8-mr.dcm');
const VIETNAMESE_NAME = 'Nguyễn^Văn An';
/** Always in a response besides the keys asked for (PS3.4 C.4.1.1.3.2). */
const ALWAYS = [Tag.QueryRetrieveLevel, Tag.RetrieveAETitle];

const keys = (...pairs: string[]) => pairs.flatMap((pair) => ['-k', pair]);
const value = (ds: DicomJson | undefined, tag: string): unknown => {
  const first = ds?.[tag]?.Value?.[0];
  return typeof first === 'object' && first !== null && 'Alphabetic' in first ? first.Alphabetic : first;
};
/** The tags of `-k` arguments, by keyword. */
const tagsOf = (args: string[]) => args.filter((_, n) => args[n - 1] === '-k').map((pair) => Tag[pair.split('=')[0] as keyof typeof Tag]);

async function registerAe(archive: TestArchive, aeTitle: string, rights: { mayQuery: boolean }): Promise<void> {
  await addRemoteAe(archive, { aeTitle, mayStore: true, mayRetrieve: false, ...rights });
}

/**
 * The C-FIND SCP (issue 14 item 4) with DCMTK's findscu as the workstation: every level of the
 * Patient Root and Study Root models on the real CT, an MR and a Vietnamese patient stored over
 * C-STORE, each response holding exactly the keys asked for with the values QIDO-RS gives; QIDO's
 * matching (wildcards, date ranges, UID lists, ISO_IR 192 names); refusals with their statuses.
 */
describe('C-FIND SCP', () => {
  let archive: TestArchive;
  let port: number;
  let vietnameseStudy: string;

  beforeAll(async () => {
    archive = await startTestArchive({ PACS_DIMSE_PORT: '0', PACS_DIMSE_AE_TITLE: 'PACS' });
    port = archive.dimse!.port;
    await registerAe(archive, 'FINDSCU', { mayQuery: true });
    await registerAe(archive, 'NOQUERY', { mayQuery: false });
    await expectStored(archive, [...CT.map((e) => corpusFile(e.path)), corpusFile(MR.path)]);
    // A Vietnamese patient: a copy of a CT slice renamed by dcmodify (the corpus file declares ISO_IR 192), sent with storescu.
    const dir = await makeTempDir('vietnamese');
    try {
      const file = path.join(dir, 'vn.dcm');
      fs.copyFileSync(path.join(CORPUS_DIR, CT[0]!.path), file);
      requireTool('dcmodify');
      execFileSync('dcmodify', [
        '-nb',
        '-gst',
        '-gse',
        '-gin',
        '-m',
        `(0010,0010)=${VIETNAMESE_NAME}`,
        '-m',
        '(0010,0020)=VN-FIND-1',
        '-m',
        '(0008,0020)=20240105',
        file,
      ]);
      vietnameseStudy = readPart10(fs.readFileSync(file))[Tag.StudyInstanceUID]!.Value![0] as string;
      const stored = await runDcmtk('storescu', ['-aet', 'FINDSCU', '-aec', 'PACS', '127.0.0.1', String(port), file]);
      expect(stored.code, stored.output).toBe(0);
    } finally {
      await removeTempDir(dir);
    }
  });
  afterAll(() => archive?.stop());

  /** Each response holds the keys asked for, Query/Retrieve Level and Retrieve AE Title, and Specific Character Set only for non-ASCII values. */
  function expectExactKeys(run: FindscuRun, asked: string[]): void {
    const tags = tagsOf(asked).filter((tag) => tag !== Tag.SpecificCharacterSet);
    for (const response of run.responses) {
      const nonAscii = /[^\x00-\x7f]/.test(JSON.stringify(response));
      const expected = [...new Set([...tags, ...ALWAYS, ...(nonAscii ? [Tag.SpecificCharacterSet] : [])])].sort();
      expect(Object.keys(response).sort()).toEqual(expected);
      expect(value(response, Tag.RetrieveAETitle)).toBe('PACS');
    }
  }

  it('STUDY level in both models: a UID list, the values QIDO-RS gives, exactly the keys asked for', async () => {
    const asked = keys(
      'QueryRetrieveLevel=STUDY',
      `StudyInstanceUID=${CT_STUDY}\\${MR.studyInstanceUID}`,
      'PatientName',
      'PatientID',
      'StudyDate',
      'StudyDescription',
      'ModalitiesInStudy',
      'NumberOfStudyRelatedSeries',
      'NumberOfStudyRelatedInstances',
    );
    const { json } = await getJson(
      archive,
      `${archive.dicomWeb}/studies?StudyInstanceUID=${CT_STUDY},${MR.studyInstanceUID}&includefield=StudyDescription`,
    );
    const qido = new Map((json as DicomJson[]).map((study) => [value(study, Tag.StudyInstanceUID), study]));
    for (const model of ['-S', '-P']) {
      const run = await findscu(port, [model, ...asked]);
      expect(run.code, run.output).toBe(0);
      expect(run.output).toMatch(/Received Final Find Response \(Success\)/);
      expect(run.responses.map((r) => value(r, Tag.StudyInstanceUID)).sort()).toEqual([CT_STUDY, MR.studyInstanceUID].sort());
      expectExactKeys(run, asked);
      for (const response of run.responses) {
        const study = qido.get(value(response, Tag.StudyInstanceUID))!;
        for (const tag of tagsOf(asked).filter((t) => t !== Tag.QueryRetrieveLevel))
          expect(response[tag]?.Value ?? [], tag).toEqual(study[tag]?.Value ?? []);
      }
      const ct = run.responses.find((r) => value(r, Tag.StudyInstanceUID) === CT_STUDY)!;
      expect(value(ct, Tag.PatientName)).toBe('Pancreas-CT-CB_001');
      expect(value(ct, Tag.NumberOfStudyRelatedInstances)).toBe(40);
      expect(ct[Tag.ModalitiesInStudy]?.Value).toEqual(['CT']);
      expect(value(ct, Tag.QueryRetrieveLevel)).toBe('STUDY');
    }
  });

  it('PATIENT level (Patient Root): the patient with its study and instance counts', async () => {
    const asked = keys(
      'QueryRetrieveLevel=PATIENT',
      'PatientID=Pancreas-CT-CB_001',
      'PatientName',
      'PatientSex',
      'NumberOfPatientRelatedStudies',
      'NumberOfPatientRelatedInstances',
    );
    const run = await findscu(port, ['-P', ...asked]);
    expect(run.code, run.output).toBe(0);
    expect(run.responses).toHaveLength(1);
    expectExactKeys(run, asked);
    const [patient] = run.responses;
    expect(value(patient, Tag.PatientName)).toBe('Pancreas-CT-CB_001');
    expect(value(patient, Tag.NumberOfPatientRelatedStudies)).toBe(1);
    expect(value(patient, Tag.NumberOfPatientRelatedInstances)).toBe(40);
  });

  it('SERIES level in both models, with a list of series UIDs', async () => {
    const asked = keys(
      'QueryRetrieveLevel=SERIES',
      `SeriesInstanceUID=${CT_SERIES}\\${MR.seriesInstanceUID}`,
      'StudyInstanceUID',
      'Modality',
      'SeriesNumber',
      'NumberOfSeriesRelatedInstances',
    );
    for (const model of ['-S', '-P']) {
      const run = await findscu(port, [model, ...asked]);
      expect(run.code, run.output).toBe(0);
      expectExactKeys(run, asked);
      const bySeries = new Map(run.responses.map((r) => [value(r, Tag.SeriesInstanceUID), r]));
      expect([...bySeries.keys()].sort()).toEqual([CT_SERIES, MR.seriesInstanceUID].sort());
      expect(value(bySeries.get(CT_SERIES), Tag.Modality)).toBe('CT');
      expect(value(bySeries.get(CT_SERIES), Tag.StudyInstanceUID)).toBe(CT_STUDY);
      expect(value(bySeries.get(CT_SERIES), Tag.NumberOfSeriesRelatedInstances)).toBe(40);
      expect(value(bySeries.get(MR.seriesInstanceUID!), Tag.Modality)).toBe('MR');
    }
  });

  it('IMAGE level in both models: the 40 CT slices', async () => {
    for (const model of ['-S', '-P']) {
      const asked = keys(
        'QueryRetrieveLevel=IMAGE',
        ...(model === '-P' ? ['PatientID=Pancreas-CT-CB_001'] : []),
        `StudyInstanceUID=${CT_STUDY}`,
        `SeriesInstanceUID=${CT_SERIES}`,
        'SOPInstanceUID',
        'SOPClassUID',
        'InstanceNumber',
      );
      const run = await findscu(port, [model, ...asked]);
      expect(run.code, run.output).toBe(0);
      expectExactKeys(run, asked);
      expect(run.responses.map((r) => value(r, Tag.SOPInstanceUID)).sort()).toEqual(CT.map((e) => e.sopInstanceUID).sort());
      expect(run.responses.map((r) => value(r, Tag.InstanceNumber)).sort((a, b) => Number(a) - Number(b))).toEqual(
        Array.from({ length: 40 }, (_, n) => 36 + n),
      );
      expect(new Set(run.responses.map((r) => value(r, Tag.SOPClassUID)))).toEqual(new Set(['1.2.840.10008.5.1.4.1.1.2']));
    }
  });

  it('matches wildcards and date ranges as QIDO-RS does', async () => {
    const studies = async (...match: string[]) => {
      const run = await findscu(port, ['-S', ...keys('QueryRetrieveLevel=STUDY', 'StudyInstanceUID', ...match)]);
      expect(run.code, run.output).toBe(0);
      return run.responses.map((r) => value(r, Tag.StudyInstanceUID)).sort();
    };
    expect(await studies('PatientName=Pan*')).toEqual([CT_STUDY]);
    expect(await studies('PatientName=Ng*')).toEqual([vietnameseStudy]);
    expect(await studies('PatientName=*CT-CB?001')).toEqual([CT_STUDY]);
    expect(await studies('StudyDate=20120101-20121231')).toEqual([CT_STUDY]);
    expect(await studies('StudyDate=-20201231')).toEqual([CT_STUDY, MR.studyInstanceUID].sort());
    expect(await studies('StudyDate=20200101-', 'ModalitiesInStudy=CT')).toEqual([vietnameseStudy]);
  });

  it('finds a Vietnamese name asked in ISO_IR 192 and answers it in UTF-8, declared', async () => {
    const asked = keys('SpecificCharacterSet=ISO_IR 192', 'QueryRetrieveLevel=STUDY', 'PatientName=Nguyễn*', 'PatientID', 'StudyDate');
    const run = await findscu(port, ['-S', ...asked]);
    expect(run.code, run.output).toBe(0);
    expect(run.responses).toHaveLength(1);
    expectExactKeys(run, asked);
    expect(run.files[0]!.includes(Buffer.from(VIETNAMESE_NAME, 'utf8'))).toBe(true);
    expect(value(run.responses[0], Tag.SpecificCharacterSet)).toBe('ISO_IR 192');
    expect(value(run.responses[0], Tag.PatientName)).toBe(VIETNAMESE_NAME);
    expect(value(run.responses[0], Tag.PatientID)).toBe('VN-FIND-1');
  });

  it('answers in Implicit VR Little Endian when that is the syntax negotiated', async () => {
    const identifier = encodeDataSet(
      {
        [Tag.QueryRetrieveLevel]: { vr: 'CS', Value: ['STUDY'] },
        [Tag.PatientID]: { vr: 'LO', Value: ['VN-FIND-1'] },
        [Tag.PatientName]: { vr: 'PN' },
      },
      IMPLICIT_VR_LITTLE_ENDIAN,
    );
    const { commands, dataSets } = await cFind(port, STUDY_ROOT_FIND, identifier, { transferSyntax: IMPLICIT_VR_LITTLE_ENDIAN });
    expect(commands.map((c) => c.status)).toEqual([0xff00, 0]);
    // Implicit VR: (0010,0010) then its 4-byte length, no VR letters.
    const name = Buffer.from(VIETNAMESE_NAME, 'utf8');
    const at = dataSets[0]!.indexOf(name);
    expect(dataSets[0]!.readUInt32LE(at - 4)).toBe(name.length + (name.length % 2));
    expect(dataSets[0]!.subarray(at - 8, at - 4).equals(Buffer.from([0x10, 0x00, 0x10, 0x00]))).toBe(true);
  });

  it('refuses with the status PS3.4 gives: no query right 0x0124, a level the model lacks 0xA900, an unknown level or unreadable identifier 0xC000', async () => {
    const refused = await findscu(port, ['-S', ...keys('QueryRetrieveLevel=STUDY')], 'NOQUERY');
    expect(refused.output).toMatch(/Status: 0x124/);
    expect(refused.responses).toHaveLength(0);
    const { json: refusals } = await getJson(archive, '/api/audit?action=query&user=NOQUERY', 'application/json');
    expect((refusals as { records: { outcome: number; detail: string }[] }).records).toEqual([
      expect.objectContaining({ outcome: 4, detail: 'C-FIND refused (0x0124): the AE has no query right' }),
    ]);

    const patientInStudyRoot = await findscu(port, ['-S', ...keys('QueryRetrieveLevel=PATIENT')]);
    expect(patientInStudyRoot.output).toMatch(/Final Find Response \(Error: DataSetDoesNotMatchSOPClass\)/);

    const level = (name: string) => encodeDataSet({ [Tag.QueryRetrieveLevel]: { vr: 'CS', Value: [name] } }, EXPLICIT_VR_LITTLE_ENDIAN);
    const unknown = await cFind(port, PATIENT_ROOT_FIND, level('FRAME'));
    expect(unknown.commands).toHaveLength(1);
    expect(unknown.commands[0]).toMatchObject({
      status: 0xc000,
      offendingElement: Tag.QueryRetrieveLevel,
      errorComment: 'Unknown Query/Retrieve Level "FRAME".',
    });
    const noLevel = await cFind(port, STUDY_ROOT_FIND, level('PATIENT'));
    expect(noLevel.commands[0]).toMatchObject({ status: 0xa900, offendingElement: Tag.QueryRetrieveLevel });

    // A data element whose length runs past the end of the identifier.
    const garbage = Buffer.from([0x08, 0x00, 0x52, 0x00, 0x43, 0x53, 0xff, 0x00, 0x53, 0x54]);
    const unreadable = await cFind(port, STUDY_ROOT_FIND, garbage);
    expect(unreadable.commands[0]).toMatchObject({ status: 0xc000, errorComment: 'The identifier cannot be read.' });

    // The listener is still serving.
    const after = await findscu(port, ['-S', ...keys('QueryRetrieveLevel=STUDY', `StudyInstanceUID=${CT_STUDY}`)]);
    expect(after.responses).toHaveLength(1);
  });

  it('audits each C-FIND as a Query (110112) by the calling AE with its number of matches, never its values', async () => {
    const run = await findscu(port, ['-S', ...keys('QueryRetrieveLevel=SERIES', `StudyInstanceUID=${CT_STUDY}`, 'PatientName=Pan*')]);
    expect(run.responses).toHaveLength(1);
    const { json } = await getJson(archive, '/api/audit?action=query&user=FINDSCU&limit=1000', 'application/json');
    const records = (json as { records: { eventId: string; principalId: string; role: string; outcome: number; detail: string }[] })
      .records;
    const record = records.find((r) => r.detail.includes('SERIES level'))!;
    expect(record).toMatchObject({ eventId: '110112', principalId: 'FINDSCU', role: 'dimse', outcome: 0 });
    expect(record.detail).toBe('C-FIND Study Root SERIES level, 1 match, keys=00100010,0020000D');
    expect(records.some((r) => r.outcome === 4 && r.detail.includes('0xa900'))).toBe(true);
    expect(records.every((r) => !r.detail.includes('Pan*'))).toBe(true);
  });
});

/**
 * A long C-FIND: 800 synthetic studies (about 8,000 instances) indexed by the archive's own index code
 * (test/bench/synthetic-archive.ts). C-CANCEL ends it early with status Cancel; the event loop
 * keeps turning and QIDO-RS over HTTP keeps answering while findscu takes every instance.
 */
describe('C-FIND SCP on a large index', () => {
  const STUDIES = 800;
  let dir: string;
  let archive: TestArchive;
  let port: number;
  let instances: number;

  beforeAll(async () => {
    dir = await makeTempDir('find-large');
    const built = buildSyntheticArchive(path.join(dir, 'index.sqlite'), { studies: STUDIES, patients: 600 });
    instances = built.instances;
    archive = await startTestArchive({
      PACS_DIMSE_PORT: '0',
      PACS_DIMSE_AE_TITLE: 'PACS',
      PACS_INDEX_FILE: path.join(dir, 'index.sqlite'),
    });
    port = archive.dimse!.port;
    await registerAe(archive, 'FINDSCU', { mayQuery: true });
  });
  afterAll(async () => {
    await archive?.stop();
    await removeTempDir(dir);
  });

  const allStudies = keys('QueryRetrieveLevel=STUDY', 'StudyInstanceUID', 'PatientName', 'StudyDate');

  it('honours C-CANCEL: findscu --cancel 1 and our requestor get status Cancel long before the last match', async () => {
    const whole = await findscu(port, ['-S', ...allStudies], 'FINDSCU', false);
    expect(whole.output.match(/Find Response: \d+ \(Pending\)/g)).toHaveLength(STUDIES);

    const cancelled = await findscu(port, ['-S', '--cancel', '1', ...allStudies]);
    expect(cancelled.code, cancelled.output).toBe(0);
    expect(cancelled.output).toMatch(/Sending Cancel Request/);
    expect(cancelled.output).toMatch(/Received Final Find Response \(Cancel: MatchingTerminatedDueToCancelRequest\)/);
    expect(cancelled.responses.length).toBeGreaterThanOrEqual(1);
    expect(cancelled.responses.length).toBeLessThan(STUDIES / 2);

    const identifier = encodeDataSet(
      { [Tag.QueryRetrieveLevel]: { vr: 'CS', Value: ['STUDY'] }, [Tag.StudyInstanceUID]: { vr: 'UI' } },
      EXPLICIT_VR_LITTLE_ENDIAN,
    );
    const ours = await cFind(port, STUDY_ROOT_FIND, identifier, { cancelAfter: 1 });
    expect(ours.commands.at(-1)!.status).toBe(0xfe00);
    expect(ours.dataSets.length).toBeLessThan(STUDIES / 2);
    expect(ours.commands.slice(0, -1).every((c) => c.status === 0xff00)).toBe(true);

    const { json } = await getJson(archive, '/api/audit?action=query&user=FINDSCU', 'application/json');
    const details = (json as { records: { detail: string }[] }).records.map((r) => r.detail);
    expect(details.filter((d) => d.includes('(cancelled)'))).toHaveLength(2);
    expect(details).toContain(`C-FIND Study Root STUDY level, ${STUDIES} matches, keys=00080020,00100010,0020000D`);
  });

  it('keeps the event loop turning and QIDO-RS answering while findscu takes every instance', async () => {
    const latencies: number[] = [];
    let running = true;
    const http = (async () => {
      while (running) {
        const started = performance.now();
        const res = await archive.fetch(`${archive.dicomWeb}/studies?PatientName=Nguy*&limit=5`);
        expect(res.status).toBe(200);
        expect(((await res.json()) as unknown[]).length).toBe(5);
        latencies.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const asked = keys('QueryRetrieveLevel=IMAGE', 'SOPInstanceUID', 'SeriesInstanceUID', 'InstanceNumber');
    const { result, worstGap, elapsed } = await eventLoopTurnsDuring(async () => {
      try {
        return await findscu(port, ['-S', ...asked], 'FINDSCU', false);
      } finally {
        running = false;
      }
    });
    await http;
    expect(result.code, result.output.slice(-2000)).toBe(0);
    expect(result.output.match(/Find Response: \d+ \(Pending\)/g)).toHaveLength(instances);
    console.log(
      `C-FIND of ${instances} instances: ${(elapsed / 1000).toFixed(1)} s, worst event-loop gap ${worstGap.toFixed(0)} ms, ` +
        `${latencies.length} QIDO-RS requests meanwhile, slowest ${Math.max(...latencies).toFixed(0)} ms`,
    );
    expect(latencies.length).toBeGreaterThan(5);
    expect(worstGap).toBeLessThan(500);
    expect(Math.max(...latencies)).toBeLessThan(1000);
  });
});
