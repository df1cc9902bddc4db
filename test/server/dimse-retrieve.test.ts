import fs from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDataSet } from '../../server/dimse/data-set-codec';
import { DimseClient } from '../../server/dimse/dimse-client';
import { CommandField } from '../../server/dimse/dimse-command';
import { STUDY_ROOT_MOVE } from '../../server/dimse/sop-classes';
import { Tag } from '../../shared/dicom/tags';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { runDcmtk, startStorescp, type Storescp } from '../helpers/dcmtk';
import { expectStored, getMultipart, postJson } from '../helpers/dicomweb-http';
import { freeLoopbackPort } from '../helpers/free-port';
import { startOrthanc, type RunningOrthanc } from '../helpers/orthanc';
import { addRemoteAe } from '../helpers/remote-aes';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';
import { CT_STUDY, ctSlices } from '../helpers/transfer-jobs';

const EXPLICIT = '1.2.840.10008.1.2.1';
const EXPLICIT_FILE = 'transfer-syntaxes/ct1-1.2.1_explicit-vr-le.dcm';

function dataSetOf(part10: Buffer): Buffer {
  return part10.subarray(128 + 4 + 12 + part10.readUInt32LE(128 + 4 + 8));
}

function parse(part10: Buffer) {
  return dicomParser.parseDicom(new Uint8Array(part10));
}

/** What a storescp or getscu wrote into `dir`, by SOP Instance UID. */
function received(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of fs.readdirSync(dir)) {
    const bytes = fs.readFileSync(path.join(dir, name));
    files.set(parse(bytes).string('x00080018')!, bytes);
  }
  return files;
}

function emptyDir(dir: string): void {
  for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name));
}

/** The counts of movescu's/getscu's final response, as DCMTK prints them with -v. */
function finalCounts(output: string): { completed: number; failed: number; warning: number } {
  const last = (label: string) => {
    const all = [...output.matchAll(new RegExp(`${label}\\s*:\\s*(\\d+)`, 'g'))];
    return Number(all.at(-1)?.[1] ?? NaN);
  };
  return { completed: last('Completed Suboperations'), failed: last('Failed Suboperations'), warning: last('Warning Suboperations') };
}

/**
 * C-MOVE and C-GET SCP (issue 14 item 5) with DCMTK's movescu and getscu as the requestor and
 * storescp as the move destination, then Orthanc C-MOVEing a study from us to itself: every
 * instance arrives with its data set as stored, counts as the standard asks, an unknown
 * destination refused with 0xA801, a C-CANCEL answered 0xFE00.
 */
describe('DIMSE C-MOVE and C-GET SCP', () => {
  let archive: TestArchive;
  let port: number;
  let destDir: string;
  let storescp: Storescp;
  let getDir: string;
  let series: string;
  let stored: Map<string, Buffer>;
  let orthanc: RunningOrthanc | undefined;

  beforeAll(async () => {
    archive = await startTestArchive({ PACS_DIMSE_PORT: '0', PACS_DIMSE_AE_TITLE: 'PACS' });
    port = archive.dimse!.port;
    await expectStored(archive, ctSlices(40));
    await expectStored(archive, [corpusFile(EXPLICIT_FILE)]);
    const instances = archive.index.findInstances(CT_STUDY);
    series = instances[0]!.seriesUid;
    stored = new Map<string, Buffer>();
    for (const instance of instances)
      stored.set(instance.sopUid, Buffer.concat(await (await archive.blobStore.get(instance.blobKey)).toArray()));
    destDir = await makeTempDir('dimse-move');
    getDir = await makeTempDir('dimse-get');
    storescp = await startStorescp(destDir, 'DEST');
    await addRemoteAe(archive, { aeTitle: 'RETRIEVER', host: '127.0.0.1', mayRetrieve: true });
    await addRemoteAe(archive, { aeTitle: 'DEST', host: '127.0.0.1', port: storescp.port, mayStore: false, mayRetrieve: true });
  }, 60_000);
  afterAll(async () => {
    await orthanc?.stop();
    await storescp?.stop();
    await archive?.stop();
    await removeTempDir(destDir);
    await removeTempDir(getDir);
  });

  const move = (model: '-S' | '-P', keys: string[], destination = 'DEST') =>
    runDcmtk('movescu', [
      '-d',
      model,
      '-aet',
      'RETRIEVER',
      '-aec',
      'PACS',
      '-aem',
      destination,
      ...keys.flatMap((k) => ['-k', k]),
      '127.0.0.1',
      String(port),
    ]);

  function expectAllArrived(sops: Iterable<string>): void {
    const files = received(destDir);
    const wanted = [...sops];
    expect([...files.keys()].sort()).toEqual(wanted.sort());
    for (const sop of wanted) expect(dataSetOf(files.get(sop)!).equals(dataSetOf(stored.get(sop)!)), sop).toBe(true);
  }

  it('movescu of the study (Study Root) stores all 40 instances at the destination, data sets as stored', async () => {
    emptyDir(destDir);
    const { code, output } = await move('-S', ['QueryRetrieveLevel=STUDY', `StudyInstanceUID=${CT_STUDY}`]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/DIMSE Status\s*:\s*0xff00: Pending/);
    expect(output).toMatch(/Remaining Suboperations\s*:\s*\d+/);
    expect(finalCounts(output)).toEqual({ completed: 40, failed: 0, warning: 0 });
    expect(output).toMatch(/DIMSE Status\s*:\s*0x0000: Success/);
    expectAllArrived(stored.keys());
    const audit = (action: 'transfer-begin' | 'transfer-send') =>
      archive.access.audit.query({ studyUid: CT_STUDY, action, limit: 10, offset: 0 }).records[0]?.detail;
    expect(audit('transfer-begin')).toBe('C-MOVE by RETRIEVER to DEST: 40 instance(s) of 1 study(ies)');
    expect(audit('transfer-send')).toBe('C-MOVE by RETRIEVER to DEST: 40 completed, 0 with warnings, 0 failed, 0 not sent');
  }, 60_000);

  it('movescu at series level (Patient Root, Patient ID above) and at image level', async () => {
    emptyDir(destDir);
    const patientId = parse(stored.values().next().value!).string('x00100020')!;
    const bySeries = await move('-P', [
      'QueryRetrieveLevel=SERIES',
      `PatientID=${patientId}`,
      `StudyInstanceUID=${CT_STUDY}`,
      `SeriesInstanceUID=${series}`,
    ]);
    expect(bySeries.code, bySeries.output).toBe(0);
    expect(finalCounts(bySeries.output)).toEqual({ completed: 40, failed: 0, warning: 0 });
    expectAllArrived(stored.keys());

    emptyDir(destDir);
    const two = [...stored.keys()].slice(3, 5);
    const byImage = await move('-S', [
      'QueryRetrieveLevel=IMAGE',
      `StudyInstanceUID=${CT_STUDY}`,
      `SeriesInstanceUID=${series}`,
      `SOPInstanceUID=${two.join('\\')}`,
    ]);
    expect(finalCounts(byImage.output)).toEqual({ completed: 2, failed: 0, warning: 0 });
    expectAllArrived(two);

    emptyDir(destDir);
    const byPatient = await move('-P', ['QueryRetrieveLevel=PATIENT', `PatientID=${patientId}`]);
    expect(finalCounts(byPatient.output)).toEqual({ completed: 40, failed: 0, warning: 0 });
    expectAllArrived(stored.keys());
  }, 60_000);

  it('refuses an unknown move destination (0xA801) and an identifier without its level (0xA900)', async () => {
    const unknown = await move('-S', ['QueryRetrieveLevel=STUDY', `StudyInstanceUID=${CT_STUDY}`], 'NOBODY');
    expect(unknown.output).toMatch(/DIMSE Status\s*:\s*0xa801/i);
    expect(unknown.output).toMatch(/Unknown move destination NOBODY/);
    const twoStudies = await move('-S', [
      'QueryRetrieveLevel=SERIES',
      `StudyInstanceUID=${CT_STUDY}\\1.2.3`,
      `SeriesInstanceUID=${series}`,
    ]);
    expect(twoStudies.output).toMatch(/DIMSE Status\s*:\s*0xa900/i);
    const noLevel = await move('-S', [`StudyInstanceUID=${CT_STUDY}`]);
    expect(noLevel.output).toMatch(/DIMSE Status\s*:\s*0xa900/i);
  }, 30_000);

  it('a destination that does not answer: every sub-operation failed (0xA702), with the Failed SOP Instance UID List', async () => {
    await addRemoteAe(archive, { aeTitle: 'GONE', host: '127.0.0.1', port: await freeLoopbackPort(), mayStore: false, mayRetrieve: true });
    const { output } = await move('-S', ['QueryRetrieveLevel=STUDY', `StudyInstanceUID=${CT_STUDY}`], 'GONE');
    expect(output).toMatch(/DIMSE Status\s*:\s*0xa702/i);
    expect(finalCounts(output)).toEqual({ completed: 0, failed: 40, warning: 0 });
    expect(output).toMatch(/FailedSOPInstanceUIDList/);
    expect(output).toMatch(/cannot connect to 127\.0\.0\.1/);
  }, 30_000);

  it('getscu receives every instance on the same association: as stored when its syntax was accepted, else re-encoded as WADO-RS gives it', async () => {
    const getscu = (study: string, extra: string[] = []) =>
      runDcmtk('getscu', [
        '-d',
        ...extra,
        '-S',
        '-aet',
        'RETRIEVER',
        '-aec',
        'PACS',
        '+B',
        '-od',
        getDir,
        '-k',
        'QueryRetrieveLevel=STUDY',
        '-k',
        `StudyInstanceUID=${study}`,
        '127.0.0.1',
        String(port),
      ]);
    // getscu proposes Explicit VR Little Endian first for each storage class, which we accept:
    // the Explicit VR Little Endian instance goes as stored.
    const explicit = await getscu(corpusEntry(EXPLICIT_FILE).studyInstanceUID!);
    expect(finalCounts(explicit.output)).toEqual({ completed: 1, failed: 0, warning: 0 });
    const [only] = received(getDir).values();
    expect(dataSetOf(only!).equals(dataSetOf(corpusFile(EXPLICIT_FILE)))).toBe(true);

    // The CT, stored in Implicit VR Little Endian, is re-encoded: each data set as WADO-RS gives it
    // in Explicit VR Little Endian (checked against DCMTK's dcmconv in transcoding.test.ts).
    emptyDir(getDir);
    // JPEG Lossless proposed first (+xs): Explicit VR Little Endian accepted all the same, so every native instance can go.
    const ct = await getscu(CT_STUDY, ['+xs']);
    expect(ct.output).toMatch(
      /Abstract Syntax: =CTImageStorage\s+D:\s+Proposed SCP\/SCU Role: SCP\s+D:\s+Accepted SCP\/SCU Role: SCP\s+D:\s+Accepted Transfer Syntax: =LittleEndianExplicit/,
    );
    expect(ct.code, ct.output).toBe(0);
    expect(finalCounts(ct.output)).toEqual({ completed: 40, failed: 0, warning: 0 });
    const files = received(getDir);
    expect(files.size).toBe(40);
    const { parts } = await getMultipart(archive, `${archive.dicomWeb}/studies/${CT_STUDY}`, 'multipart/related; type="application/dicom"');
    expect(parts).toHaveLength(40);
    for (const part of parts) {
      const sop = parse(part.body).string('x00080018')!;
      expect(parse(files.get(sop)!).string('x00020010')).toBe(EXPLICIT);
      expect(dataSetOf(files.get(sop)!).equals(dataSetOf(part.body)), sop).toBe(true);
    }
  }, 90_000);

  it('an instance whose object cannot be read fails alone: 0xB000, its UID in the Failed SOP Instance UID List', async () => {
    emptyDir(destDir);
    const other = 'transfer-syntaxes/ct1-1.2.4.81_jpeg-ls-near-lossless.dcm';
    await expectStored(archive, [corpusFile(other)]);
    const study = corpusEntry(other).studyInstanceUID!;
    const lost = archive.index.findInstances(study).find((i) => i.sopUid === corpusEntry(other).sopInstanceUID)!;
    await archive.blobStore.delete(lost.blobKey);
    const { output } = await move('-S', ['QueryRetrieveLevel=STUDY', `StudyInstanceUID=${study}`]);
    expect(output).toMatch(/DIMSE Status\s*:\s*0xb000/i);
    expect(finalCounts(output)).toEqual({ completed: 1, failed: 1, warning: 0 });
    expect(output).toContain(`(0008,0058) UI [${lost.sopUid}]`);
    expect([...received(destDir).keys()]).toEqual([corpusEntry(EXPLICIT_FILE).sopInstanceUID]);
    const detail = archive.access.audit.query({ studyUid: study, action: 'transfer-send', limit: 1, offset: 0 }).records[0]?.detail;
    expect(detail).toBe('C-MOVE by RETRIEVER to DEST: 1 completed, 0 with warnings, 1 failed, 0 not sent');
  }, 30_000);

  it('C-CANCEL of a C-MOVE stops it: 0xFE00 with the remaining count', async () => {
    emptyDir(destDir);
    const client = await DimseClient.open({
      host: '127.0.0.1',
      port,
      calledAeTitle: 'PACS',
      callingAeTitle: 'RETRIEVER',
      contexts: [{ abstractSyntax: STUDY_ROOT_MOVE, transferSyntaxes: [EXPLICIT] }],
    });
    const identifier = encodeDataSet(
      { [Tag.QueryRetrieveLevel]: { vr: 'CS', Value: ['STUDY'] }, [Tag.StudyInstanceUID]: { vr: 'UI', Value: [CT_STUDY] } },
      EXPLICIT,
    );
    const responses = [];
    for await (const response of client.request(
      1,
      {
        commandField: CommandField.CMoveRq,
        affectedSopClassUid: STUDY_ROOT_MOVE,
        priority: 0,
        moveDestination: 'DEST',
        commandDataSetType: 0,
      },
      identifier,
    )) {
      responses.push(response.command);
      if (responses.length === 1) await client.cancel(1, client.lastMessageId);
    }
    await client.release();
    const last = responses.at(-1)!;
    expect(responses[0]!.status).toBe(0xff00);
    expect(last.status).toBe(0xfe00);
    expect(last.remainingSubOperations).toBeGreaterThan(0);
    expect(last.completedSubOperations! + last.failedSubOperations! + last.remainingSubOperations!).toBeLessThanOrEqual(40);
    expect(received(destDir).size).toBeLessThan(40);
  }, 30_000);

  it('Orthanc finds the study by C-FIND and retrieves it by C-MOVE to itself; then C-MOVEs it by UID: its 40 instances each time', async () => {
    orthanc = await startOrthanc({ dimse: { aeTitle: 'ORTHANC', modalities: { pacs: ['PACS', '127.0.0.1', port] } } });
    await addRemoteAe(archive, { aeTitle: 'ORTHANC', host: '127.0.0.1', port: orthanc.dimse!.port, mayQuery: true, mayRetrieve: true });
    const post = <T>(url: string, body: unknown): Promise<T> => postJson<T>(orthanc!, url, body, 200);
    const held = async () => {
      const instances = (await (await orthanc!.fetch('/instances?expand')).json()) as { MainDicomTags: { SOPInstanceUID: string } }[];
      return instances.map((i) => i.MainDicomTags.SOPInstanceUID).sort();
    };

    const query = await post<{ ID: string }>('/modalities/pacs/query', { Level: 'Series', Query: { StudyInstanceUID: CT_STUDY } });
    const answers = (await (await orthanc.fetch(`/queries/${query.ID}/answers`)).json()) as string[];
    expect(answers).toHaveLength(1);
    await post(`/queries/${query.ID}/answers/0/retrieve`, { TargetAet: 'ORTHANC', Synchronous: true });
    expect(await held()).toEqual([...stored.keys()].sort());

    const [study] = (await (await orthanc.fetch('/studies')).json()) as string[];
    expect((await orthanc.fetch(`/studies/${study}`, { method: 'DELETE' })).status).toBe(200);
    expect(await held()).toEqual([]);
    await post('/modalities/pacs/move', {
      Level: 'Study',
      Resources: [{ StudyInstanceUID: CT_STUDY }],
      TargetAet: 'ORTHANC',
      Synchronous: true,
    });
    expect(await held()).toEqual([...stored.keys()].sort());
  }, 90_000);
});
