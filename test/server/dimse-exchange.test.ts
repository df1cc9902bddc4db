import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/api/audit-events';
import type { EchoResult, RemoteAe } from '../../shared/api/dimse';
import type { PeerSummary, PeerTestResult, TransferInstanceFailure } from '../../shared/api/exchange';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { CORPUS_DIR } from '../helpers/corpus';
import { startStorescp, type Storescp } from '../helpers/dcmtk';
import { dataSetOf } from '../helpers/dimse-archive';
import { addDimsePeer, addRemoteAe } from '../helpers/remote-aes';
import { requireTool } from '../helpers/debian-tools';
import { expectStored, getMultipart } from '../helpers/dicomweb-http';
import { freeLoopbackPort } from '../helpers/free-port';
import { startOrthanc, type RunningOrthanc } from '../helpers/orthanc';
import type { ArchiveClient } from '../helpers/signed-in-fetch';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';
import { CT_STUDY, ctSlices, requestTransfer, storedPixelDigests, waitForEnd, waitForJob } from '../helpers/transfer-jobs';

/**
 * DIMSE peers of the exchange (issue 14 item 6): a send job C-STOREs to DCMTK's storescp (byte
 * for byte, after it comes up, an instance it cannot take failed with its status) and to Orthanc;
 * the remote search and a fetch job go to Orthanc as C-FIND and C-MOVE to our own listener
 * (a fetch cut by kill -9: dimse-fetch-resume.test.ts); the C-ECHO route says what an admin
 * needs to hear.
 */

const CT = ctSlices(40);
const CT_SERIES = dicomParser.parseDicom(CT[0]!).string('x0020000e')!;
/** An MR image put into the CT study as a series of its own: the storescp below takes CT images only. */
const MR_SERIES = '1.2.826.0.1.3680043.10.543.14.6.1';
/** storescp's association profile (-xf): CT Image Storage and Verification, uncompressed. */
const CT_ONLY_PROFILE = `[[TransferSyntaxes]]
[Uncompressed]
TransferSyntax1 = LocalEndianExplicit
TransferSyntax2 = LittleEndianImplicit

[[PresentationContexts]]
[CtOnly]
PresentationContext1 = CTImageStorage\\Uncompressed
PresentationContext2 = VerificationSOPClass\\Uncompressed

[[Profiles]]
[Default]
PresentationContexts = CtOnly
`;

function uidOf(file: Buffer, tag = 'x00080018'): string {
  return dicomParser.parseDicom(file, { untilTag: tag }).string(tag)!;
}

async function json<T>(archive: ArchiveClient, method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await archive.fetch(url, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

const echo = async (archive: TestArchive, ae: RemoteAe) =>
  (await json<EchoResult>(archive, 'POST', `/api/dimse/remote-aes/${ae.id}/echo`)).body;

describe('DIMSE peers: send, fetch and search over DIMSE', () => {
  let archive: TestArchive;
  let dir: string;
  let mr: Buffer;

  beforeAll(async () => {
    archive = await startTestArchive({ PACS_DIMSE_PORT: '0' });
    dir = await makeTempDir('dimse-exchange');
    requireTool('dcmodify');
    const ct = dicomParser.parseDicom(CT[0]!);
    const file = path.join(dir, 'mr.dcm');
    fs.copyFileSync(path.join(CORPUS_DIR, 'transfer-syntaxes/mr-siemens-trio-1.2.4.80_jpeg-ls-lossless-charls.dcm'), file);
    const edit = spawnSync('dcmodify', [
      '-nb',
      ...['-m', `(0020,000d)=${CT_STUDY}`, '-m', `(0020,000e)=${MR_SERIES}`],
      ...['-m', `(0010,0020)=${ct.string('x00100020') ?? ''}`, '-m', `(0010,0010)=${ct.string('x00100010') ?? ''}`],
      file,
    ]).status;
    expect(edit).toBe(0);
    mr = fs.readFileSync(file);
    await expectStored(archive, [...CT, mr]);
  });
  afterAll(async () => {
    await archive?.stop();
    await removeTempDir(dir);
  });

  describe('to a storescp', () => {
    let storescp: Storescp | undefined;
    let remoteAe: RemoteAe;
    let peer: PeerSummary;
    afterAll(async () => {
      await storescp?.stop();
    });

    it('sends the study once storescp is up, each CT slice byte for byte, and fails the instance it cannot take with its status', async () => {
      // Registered at a port where nothing listens yet: the job waits and tries again.
      remoteAe = await addRemoteAe(archive, { aeTitle: 'WORKSTATION', port: await freeLoopbackPort(), mayStore: false });
      peer = await addDimsePeer(archive, { name: 'Reading room workstation', remoteAeId: remoteAe.id });
      expect(peer).toMatchObject({
        kind: 'dimse',
        remoteAeId: remoteAe.id,
        aeTitle: 'WORKSTATION',
        host: '127.0.0.1',
        port: remoteAe.port,
      });
      const job = await requestTransfer(archive, { peerId: peer.id, studyInstanceUID: CT_STUDY });
      const waiting = await waitForJob(archive, job.id, (j) => j.lastError !== null);
      expect(waiting.status).toBe('queued');
      expect(waiting.lastError).toMatch(/ECONNREFUSED/);

      const received = path.join(dir, 'storescp');
      fs.mkdirSync(received);
      const profile = path.join(dir, 'ct-only.cfg');
      fs.writeFileSync(profile, CT_ONLY_PROFILE);
      storescp = await startStorescp(received, 'WORKSTATION', ['-xf', profile, 'Default']);
      const patched = await json<RemoteAe>(archive, 'PATCH', `/api/dimse/remote-aes/${remoteAe.id}`, { port: storescp.port });
      expect(patched.status).toBe(200);

      const end = await waitForEnd(archive, job.id, 60_000);
      expect(end.status).toBe('failed');
      expect(end.progress).toMatchObject({ instancesTotal: 41, instancesDone: 40, instancesFailed: 1 });
      expect(end.lastError).toBe('1 of 41 instances failed');
      const failures = (await json<TransferInstanceFailure[]>(archive, 'GET', `/api/transfers/${job.id}/failures`)).body;
      expect(failures).toEqual([
        {
          sopInstanceUID: uidOf(mr),
          reason: '0x0122 Refused: SOP class not supported (No presentation context accepted for its SOP class)',
        },
      ]);

      const files = fs.readdirSync(received).map((name) => fs.readFileSync(path.join(received, name)));
      expect(files).toHaveLength(40);
      const sent = new Map(CT.map((file) => [uidOf(file), dataSetOf(file)]));
      for (const file of files) expect(dataSetOf(file).equals(sent.get(uidOf(file))!)).toBe(true);
    });

    it('tests a known AE with a C-ECHO: ok, refused by AE title, nothing listening, no port; a DIMSE peer the same way', async () => {
      expect(await echo(archive, remoteAe)).toMatchObject({
        outcome: 'ok',
        message: expect.stringMatching(/^OK: WORKSTATION at 127\.0\.0\.1:\d+ answered/),
      });
      const test = (await json<PeerTestResult>(archive, 'POST', `/api/peers/${peer.id}/test`)).body;
      expect(test).toMatchObject({ ok: true, outcome: 'ok', echo: 'ok' });
      // The form's test before "Save": a draft peer calls its AE too.
      const draft = await json<PeerTestResult>(archive, 'POST', '/api/peers/test', {
        kind: 'dimse',
        name: 'Draft',
        remoteAeId: remoteAe.id,
      });
      expect(draft.body).toMatchObject({ ok: true, echo: 'ok', message: expect.stringContaining('WORKSTATION at 127.0.0.1') });

      // Our own listener refuses a called AE title that is not its own.
      const wrong = await addRemoteAe(archive, { aeTitle: 'NOT_PACS', port: archive.dimse!.port });
      expect(await echo(archive, wrong)).toMatchObject({
        outcome: 'rejected',
        message: expect.stringContaining('the called AE title is not its own'),
      });
      const nobody = await addRemoteAe(archive, { aeTitle: 'SWITCHED_OFF', port: await freeLoopbackPort() });
      expect(await echo(archive, nobody)).toMatchObject({
        outcome: 'unreachable',
        millis: null,
        message: expect.stringContaining('ECONNREFUSED'),
      });
      const modality = await addRemoteAe(archive, { aeTitle: 'CT_ONLY_CALLS' });
      expect(await echo(archive, modality)).toMatchObject({ outcome: 'no-port' });
      const offPeer = await addDimsePeer(archive, { name: 'Switched off', remoteAeId: nobody.id });
      expect((await json<PeerTestResult>(archive, 'POST', `/api/peers/${offPeer.id}/test`)).body).toMatchObject({
        ok: false,
        outcome: 'unreachable',
        echo: 'unreachable',
      });

      // Refused with a sentence: what a DIMSE peer lacks, has not, or cannot become.
      const refusals: Array<[unknown, string]> = [
        [{ kind: 'dimse', name: 'No AE' }, 'remoteAeId is required'],
        [{ kind: 'dimse', name: 'Bad AE', remoteAeId: 'no-such-ae' }, 'remoteAeId is not a known remote AE'],
        [{ kind: 'dimse', name: 'Mixed', remoteAeId: nobody.id, baseUrl: 'http://127.0.0.1:1' }, 'A DIMSE peer has no baseUrl'],
        [{ kind: 'dicom', name: 'Typo', remoteAeId: nobody.id }, 'kind must be dicomweb or dimse'],
      ];
      for (const [body, message] of refusals)
        expect(await json(archive, 'POST', '/api/peers', body)).toMatchObject({
          status: 400,
          body: { message: expect.stringContaining(message) },
        });
      expect(await json(archive, 'PATCH', `/api/peers/${offPeer.id}`, { kind: 'dicomweb' })).toMatchObject({
        status: 400,
        body: { message: 'This peer is a dimse peer and stays one: add a new peer of kind dicomweb.' },
      });

      // A peer needs its AE to have a port, and keeps the AE from being removed.
      const noPort = await json<{ message: string }>(archive, 'POST', '/api/peers', {
        kind: 'dimse',
        name: 'No port',
        remoteAeId: modality.id,
      });
      expect(noPort).toMatchObject({ status: 400, body: { message: expect.stringContaining('has no port') } });
      const removed = await json<{ message: string }>(archive, 'DELETE', `/api/dimse/remote-aes/${nobody.id}`);
      expect(removed).toMatchObject({ status: 409, body: { message: expect.stringContaining('"Switched off"') } });
    });

    it("holds a send to the peer's bandwidth cap", async () => {
      const capped = await json<PeerSummary>(archive, 'PATCH', `/api/peers/${peer.id}`, { bandwidthKbps: 8000 });
      expect(capped).toMatchObject({ status: 200, body: { kind: 'dimse', bandwidthKbps: 8000 } });
      const slices = CT.slice(0, 8);
      const bytes = slices.reduce((sum, file) => sum + dataSetOf(file).length, 0);
      const started = Date.now();
      const job = await requestTransfer(archive, {
        peerId: peer.id,
        studyInstanceUID: CT_STUDY,
        seriesInstanceUID: CT_SERIES,
        sopInstanceUIDs: slices.map((file) => uidOf(file)),
      });
      expect(await waitForEnd(archive, job.id)).toMatchObject({ status: 'done', progress: { instancesDone: 8, bytesDone: bytes } });
      // 4.1 MB at 1 MB/s, less the cap's quarter-second burst.
      const seconds = (Date.now() - started) / 1000;
      expect(seconds).toBeGreaterThan(bytes / 1_000_000 - 0.5);
      expect(seconds).toBeLessThan(bytes / 1_000_000 + 5);
    });
  });

  describe('with Orthanc', () => {
    let orthanc: RunningOrthanc;
    let peer: PeerSummary;

    beforeAll(async () => {
      orthanc = await startOrthanc({ dimse: { aeTitle: 'ORTHANC', modalities: { pacs: ['PACS', '127.0.0.1', archive.dimse!.port] } } });
      // Known here with the store right: the C-MOVE's C-STOREs come from it.
      const ae = await addRemoteAe(archive, { aeTitle: 'ORTHANC', port: orthanc.dimse!.port, mayStore: true });
      peer = await addDimsePeer(archive, { name: 'Orthanc', remoteAeId: ae.id });
    });
    afterAll(async () => {
      await orthanc?.stop();
    });

    it('sends the CT series to Orthanc, finds it there with C-FIND, and fetches it back with C-MOVE', async () => {
      const sent = await requestTransfer(archive, { peerId: peer.id, studyInstanceUID: CT_STUDY, seriesInstanceUID: CT_SERIES });
      expect(await waitForEnd(archive, sent.id)).toMatchObject({ status: 'done', progress: { instancesDone: 40, instancesFailed: 0 } });
      const held = await (
        await orthanc.fetch('/tools/find', {
          method: 'POST',
          body: JSON.stringify({ Level: 'Instance', Query: { StudyInstanceUID: CT_STUDY } }),
        })
      ).json();
      expect(held).toHaveLength(40);

      // The remote search: the same QIDO keys, as a C-FIND.
      const studies = await json<DicomJson[]>(
        archive,
        'GET',
        `/api/peers/${peer.id}/studies?PatientID=${dicomParser.parseDicom(CT[0]!).string('x00100020')}`,
      );
      expect(studies.status).toBe(200);
      expect(studies.body).toHaveLength(1);
      expect(studies.body[0]![Tag.StudyInstanceUID]!.Value).toEqual([CT_STUDY]);
      expect(studies.body[0]![Tag.NumberOfStudyRelatedInstances]!.Value).toEqual([40]);
      const series = await json<DicomJson[]>(archive, 'GET', `/api/peers/${peer.id}/studies/${CT_STUDY}/series`);
      expect(series.body.map((s) => s[Tag.SeriesInstanceUID]!.Value![0])).toEqual([CT_SERIES]);
      const instances = await json<DicomJson[]>(
        archive,
        'GET',
        `/api/peers/${peer.id}/studies/${CT_STUDY}/series/${CT_SERIES}/instances?limit=25`,
      );
      expect(instances.status).toBe(200);
      expect(instances.body).toHaveLength(25);
      const sops = new Set(CT.map((file) => uidOf(file)));
      for (const instance of instances.body) expect(sops.has(instance[Tag.SOPInstanceUID]!.Value![0] as string)).toBe(true);
      // A Vietnamese name asked in ISO_IR 192 and answered as Orthanc holds it.
      const vietnamese = path.join(dir, 'vn.dcm');
      fs.writeFileSync(vietnamese, CT[0]!);
      const renamed = spawnSync('dcmodify', [
        '-nb',
        '-gst',
        '-gse',
        '-gin',
        '-m',
        '(0010,0010)=Nguyễn^Văn An',
        '-m',
        '(0010,0020)=VN-1',
        vietnamese,
      ]);
      expect(renamed.status).toBe(0);
      expect((await orthanc.fetch('/instances', { method: 'POST', body: fs.readFileSync(vietnamese) })).status).toBe(200);
      const found = await json<DicomJson[]>(archive, 'GET', `/api/peers/${peer.id}/studies?PatientName=${encodeURIComponent('Nguyễn*')}`);
      expect(found.status).toBe(200);
      expect(found.body.map((study) => [study[Tag.PatientName]!.Value, study[Tag.PatientID]!.Value])).toEqual([
        [[{ Alphabetic: 'Nguyễn^Văn An' }], ['VN-1']],
      ]);

      const refused = await json<{ code: string }>(archive, 'GET', `/api/peers/${peer.id}/studies?Modality=CT`);
      expect(refused).toMatchObject({ status: 400, body: { code: 'INVALID_QUERY' } });

      // Gone from here, fetched back from Orthanc: the same pixels.
      const before = await storedPixelDigests(archive, CT_STUDY);
      expect((await archive.fetch(`${archive.dicomWeb}/studies/${CT_STUDY}`, { method: 'DELETE' })).status).toBeLessThan(300);
      expect((await storedPixelDigests(archive, CT_STUDY)).size).toBe(0);
      const fetched = await requestTransfer(archive, { direction: 'fetch', peerId: peer.id, studyInstanceUID: CT_STUDY });
      const end = await waitForEnd(archive, fetched.id);
      expect(end).toMatchObject({ status: 'done', progress: { instancesTotal: 40, instancesDone: 40, instancesFailed: 0 } });
      expect(end.progress.bytesDone).toBeGreaterThan(40 * 500_000);
      const after = await storedPixelDigests(archive, CT_STUDY);
      expect(after.size).toBe(40);
      for (const [sop, digest] of after) expect(before.get(sop)).toBe(digest);

      const audit = async (action: string) =>
        (await json<{ records: AuditRecord[] }>(archive, 'GET', `/api/audit?action=${action}&limit=100`)).body.records;
      const orthancAddress = `127.0.0.1:${orthanc.dimse!.port}`;
      expect((await audit('transfer-send')).find((r) => r.clientAddress === orthancAddress)?.detail).toContain(
        `(dicom://ORTHANC@${orthancAddress}): 40 instance(s) stored by the remote AE (C-STORE)`,
      );
      expect((await audit('transfer-fetch')).find((r) => r.clientAddress === orthancAddress)?.detail).toContain(
        '40 instance(s) stored by C-MOVE',
      );
    });

    it('fails a fetch with what to fix when Orthanc may not store here, and moves only what is missing when retried', async () => {
      expect((await archive.fetch(`${archive.dicomWeb}/studies/${CT_STUDY}`, { method: 'DELETE' })).status).toBeLessThan(300);
      await json(archive, 'PATCH', `/api/dimse/remote-aes/${peer.remoteAeId}`, { mayStore: false });
      const job = await requestTransfer(archive, { direction: 'fetch', peerId: peer.id, studyInstanceUID: CT_STUDY });
      const end = await waitForEnd(archive, job.id);
      expect(end).toMatchObject({ status: 'failed', progress: { instancesTotal: 40, instancesDone: 0, instancesFailed: 40 } });
      // Orthanc 1.10.1 answers 0xC000 without sub-operation counts when our listener refuses its C-STOREs (0x0124).
      expect(end.lastError).toBe(
        'the remote AE could not store it here (C-MOVE 0xC000 Error: cannot understand): it must be a known remote AE of this archive, from its host, allowed to store (Admin → DICOM devices)',
      );
      expect((await storedPixelDigests(archive, CT_STUDY)).size).toBe(0);

      // Allowed again, and half the series stored here meanwhile: the retry moves only the other half.
      await json(archive, 'PATCH', `/api/dimse/remote-aes/${peer.remoteAeId}`, { mayStore: true });
      await expectStored(archive, CT.slice(0, 20));
      const storesByOrthanc = async () =>
        (await json<{ records: AuditRecord[] }>(archive, 'GET', '/api/audit?action=store&limit=1000')).body.records.filter(
          (r) => r.principalId === 'ORTHANC' && r.outcome === 0,
        ).length;
      const storedBefore = await storesByOrthanc();
      const retried = await json(archive, 'POST', `/api/transfers/${job.id}/retry`);
      expect(retried.status).toBe(200);
      const again = await waitForEnd(archive, job.id);
      expect(again).toMatchObject({ status: 'done', progress: { instancesTotal: 40, instancesDone: 40, instancesFailed: 0 } });
      // bytesDone counts the moved instances as stored here (behind our File Meta Information), the held ones as 0.
      const movedSops = new Set(CT.slice(20).map((file) => uidOf(file)));
      const { parts } = await getMultipart(archive, `${archive.dicomWeb}/studies/${CT_STUDY}`);
      expect(parts).toHaveLength(40);
      const moved = parts.filter((part) => movedSops.has(uidOf(part.body))).reduce((sum, part) => sum + part.body.length, 0);
      expect(again.progress.bytesDone).toBe(moved);
      expect((await storesByOrthanc()) - storedBefore).toBe(20);
    });
  });
});
