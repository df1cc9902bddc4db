import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PeerSummary, TransferInstanceFailure, TransferJob } from '../../shared/api/exchange';
import { createUser } from '../helpers/access-client';
import { startArchiveProcess, type ArchiveProcess } from '../helpers/archive-process';
import { expectStored } from '../helpers/dicomweb-http';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { startOrthanc, type RunningOrthanc } from '../helpers/orthanc';
import { startTestArchive, TEST_ADMIN, type TestArchive } from '../helpers/start-app';
import { addPeer, CT_STUDY, ctSlices, requestTransfer, storedDigests, transferJob, waitForEnd, waitForJob } from '../helpers/transfer-jobs';

const FILES = ctSlices(12);
const STUDY = CT_STUDY;
const PEER_ACCOUNT = { username: 'district-a', password: 'district-a-password-1', role: 'radiologist' };
const JPEG_LS = '1.2.840.10008.1.2.4.80';

/**
 * Send (push) to a peer over STOW-RS (issue 13 item 2), between real archives: ours in process
 * (its queue, index and audit trail are looked at), the peer in process with its own account
 * for HTTP Basic, or as a real child process that stops and comes back behind a TCP proxy that
 * sees every instance sent.
 */
describe('send to a peer', () => {
  let us: TestArchive;
  let central: TestArchive;
  let peer: PeerSummary;
  let sopUids: string[];

  beforeAll(async () => {
    [us, central] = await Promise.all([startTestArchive(), startTestArchive()]);
    await createUser(central, PEER_ACCOUNT);
    const stored = await expectStored(us, FILES);
    sopUids = stored.referenced.map((item) => item['00081155']!.Value![0] as string);
    peer = await addPeer(us, {
      name: 'Central',
      baseUrl: central.dicomWeb,
      auth: { kind: 'basic', username: PEER_ACCOUNT.username, password: PEER_ACCOUNT.password },
    });
  });
  afterAll(async () => {
    await Promise.all([us?.stop(), central?.stop()]);
  });
  beforeEach(async () => {
    // Every test starts with the study absent from the peer.
    const res = await central.fetch(`${central.dicomWeb}/studies/${STUDY}`, { method: 'DELETE' });
    expect([204, 404]).toContain(res.status);
  });

  it('pushes a CT study as stored: every instance on the peer byte for byte, progress and audit right', async () => {
    const job = await requestTransfer(us, { peerId: peer.id, studyInstanceUID: STUDY });
    const ended = await waitForEnd(us, job.id);
    expect(ended).toMatchObject({ status: 'done', lastError: null, attempts: 1 });
    const storedBytes = us.index.findInstances(STUDY).reduce((sum, i) => sum + i.size, 0);
    expect(ended.progress).toMatchObject({ instancesTotal: 12, instancesDone: 12, instancesFailed: 0, bytesTotal: storedBytes });
    // Each part carries its delimiter and header besides the instance.
    expect(ended.progress.bytesDone).toBeGreaterThan(storedBytes);
    expect(ended.progress.bytesDone).toBeLessThan(storedBytes + 12 * 200);

    const [ours, theirs] = await Promise.all([storedDigests(us, STUDY), storedDigests(central, STUDY)]);
    expect(theirs.size).toBe(12);
    expect(theirs).toEqual(ours);

    const audit = us.access.audit.query({ studyUid: STUDY, limit: 100, offset: 0 }).records;
    const begin = audit.filter((r) => r.action === 'transfer-begin');
    const sent = audit.filter((r) => r.action === 'transfer-send');
    expect(begin).toHaveLength(1);
    expect(begin[0]).toMatchObject({ eventId: '110102', principalId: 'admin', outcome: 0 });
    expect(begin[0]!.detail).toContain(`"Central" (${central.dicomWeb})`);
    expect(begin[0]!.detail).toContain('12 instance(s)');
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent.every((r) => r.eventId === '110104' && r.actionCode === 'R' && r.outcome === 0)).toBe(true);
    const acknowledged = sent.reduce((n, r) => n + Number(/(\d+) instance\(s\) stored/.exec(r.detail)![1]), 0);
    expect(acknowledged).toBe(12);
    // The first batch is small (about 1 MiB: one or two slices) until the link's rate is known.
    const first = sent.reduce((a, b) => (a.id < b.id ? a : b));
    expect(Number(/: (\d+) instance\(s\) stored/.exec(first.detail)![1])).toBeLessThanOrEqual(2);
    expect(JSON.stringify(audit)).not.toContain(PEER_ACCOUNT.password);
  });

  it('sends JPEG-LS to a peer that takes it: fewer bytes on the wire, same pixels on the peer', async () => {
    const jls = await addPeer(us, {
      name: 'Central JPEG-LS',
      baseUrl: central.dicomWeb,
      auth: { kind: 'basic', username: PEER_ACCOUNT.username, password: PEER_ACCOUNT.password },
      sendSyntax: JPEG_LS,
    });
    const job = await requestTransfer(us, { peerId: jls.id, studyInstanceUID: STUDY });
    const ended = await waitForEnd(us, job.id);
    expect(ended.status).toBe('done');
    const { bytesDone, bytesTotal } = ended.progress;
    expect(bytesDone).toBeLessThan(bytesTotal! * 0.7);
    console.log(
      `JPEG-LS send: ${bytesDone} bytes on the wire for ${bytesTotal} stored (${((100 * bytesDone) / bytesTotal!).toFixed(1)} %)`,
    );

    const onPeer = central.index.findInstances(STUDY);
    expect(onPeer).toHaveLength(12);
    expect(new Set(onPeer.map((i) => i.transferSyntax))).toEqual(new Set([JPEG_LS]));
    for (const instance of onPeer.slice(0, 4)) {
      const url = (archive: TestArchive) =>
        `${archive.dicomWeb}/studies/${STUDY}/series/${instance.seriesUid}/instances/${instance.sopUid}/frames/1`;
      const [native, decoded] = await Promise.all(
        [us, central].map(async (archive) => {
          const res = await archive.fetch(url(archive), { headers: { accept: 'multipart/related; type="application/octet-stream"' } });
          expect(res.status).toBe(200);
          return Buffer.from(await res.arrayBuffer());
        }),
      );
      expect(pixelsOf(decoded!).equals(pixelsOf(native!))).toBe(true);
    }
  });

  it("fails the one instance the peer refuses with the peer's reason, and sends the others", async () => {
    // The peer holds another instance under the UID of the fifth slice (its last pixel changed): 0111 on a re-send.
    const altered = Buffer.from(FILES[4]!);
    altered[altered.length - 1] = altered[altered.length - 1]! ^ 0xff;
    await expectStored(central, [altered]);
    const refusedSop = sopUids[4]!;

    const job = await requestTransfer(us, { peerId: peer.id, studyInstanceUID: STUDY });
    const ended = await waitForEnd(us, job.id);
    expect(ended).toMatchObject({ status: 'failed', lastError: '1 of 12 instances failed' });
    expect(ended.progress).toMatchObject({ instancesDone: 11, instancesFailed: 1 });
    const failures = (await (await us.fetch(`/api/transfers/${job.id}/failures`)).json()) as TransferInstanceFailure[];
    expect(failures).toHaveLength(1);
    expect(failures[0]!.sopInstanceUID).toBe(refusedSop);
    expect(failures[0]!.reason).toMatch(/^0x0111 duplicate SOP instance: .+/);
    expect((await storedDigests(central, STUDY)).size).toBe(12);

    const refusedAudit = us.access.audit
      .query({ studyUid: STUDY, action: 'transfer-send', limit: 100, offset: 0 })
      .records.find((r) => r.detail.includes(job.id) && r.outcome === 4);
    expect(refusedAudit?.detail).toMatch(/1 refused/);

    // Retry re-tries the failed instance only; the peer refuses it again.
    const retried = (await (await us.fetch(`/api/transfers/${job.id}/retry`, { method: 'POST' })).json()) as TransferJob;
    expect(retried).toMatchObject({ progress: { instancesDone: 11, instancesFailed: 0 } });
    expect(['queued', 'running']).toContain(retried.status);
    const again = await waitForEnd(us, job.id);
    expect(again).toMatchObject({ status: 'failed', progress: { instancesDone: 11, instancesFailed: 1 } });
  });

  it('fails with a clear error when the peer refuses our credentials', async () => {
    const wrong = await addPeer(us, {
      name: 'Central, wrong password',
      baseUrl: central.dicomWeb,
      auth: { kind: 'basic', username: PEER_ACCOUNT.username, password: 'not-the-password-9' },
    });
    const job = await requestTransfer(us, { peerId: wrong.id, studyInstanceUID: STUDY });
    const ended = await waitForEnd(us, job.id);
    expect(ended.status).toBe('failed');
    expect(ended.lastError).toBe('the peer refused our credentials (401)');
    expect(ended.attempts).toBe(1);
  });

  it('waits while its peer is paused, runs again on resume, and stops when cancelled', async () => {
    // 8 Mbit/s: the 6 MiB study takes about 6 s.
    const slow = await addPeer(us, {
      name: 'Central, slow link',
      baseUrl: central.dicomWeb,
      auth: { kind: 'basic', username: PEER_ACCOUNT.username, password: PEER_ACCOUNT.password },
      bandwidthKbps: 8000,
    });
    const post = (route: string) => us.fetch(`/api${route}`, { method: 'POST' });
    const job = await requestTransfer(us, { peerId: slow.id, studyInstanceUID: STUDY });
    const moving = await waitForJob(us, job.id, (j) => j.status === 'running' && j.progress.bytesPerSecond !== null);
    expect(moving.progress.bytesPerSecond).toBeGreaterThan(500_000);
    expect(moving.progress.bytesPerSecond).toBeLessThan(1_300_000);
    expect(moving.progress.etaSeconds).toBeGreaterThan(0);

    expect((await post(`/peers/${slow.id}/pause`)).status).toBe(200);
    const waiting = await waitForJob(us, job.id, (j) => j.status === 'queued');
    expect(waiting.lastError).toMatch(/paused/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await transferJob(us, job.id)).status).toBe('queued');

    expect((await post(`/peers/${slow.id}/resume`)).status).toBe(200);
    await waitForJob(us, job.id, (j) => j.status === 'running' && j.attempts === 2);
    const cancelled = (await (await post(`/transfers/${job.id}/cancel`)).json()) as { status: string };
    expect(cancelled.status).toBe('cancelled');
    const after = await transferJob(us, job.id);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const later = await transferJob(us, job.id);
    expect(later.status).toBe('cancelled');
    expect(later.progress.instancesDone).toBe(after.progress.instancesDone);
    expect(later.progress.instancesDone).toBeLessThan(12);
  });
});

describe('send to a peer that is down, then comes back', () => {
  let us: TestArchive;
  let central: ArchiveProcess;
  let proxy: FaultProxy;

  beforeAll(async () => {
    [us, central] = await Promise.all([startTestArchive(), startArchiveProcess()]);
    proxy = await startFaultProxy(central.port);
    await expectStored(us, FILES);
  });
  afterAll(async () => {
    await proxy?.close();
    await Promise.all([us?.stop(), central?.dispose()]);
  });

  it('retries with backoff, then resumes: asks the peer first and never sends what it holds', async () => {
    // Half the study reached the peer before (another send, a USB stick): those six must not cross the link again.
    await expectStored(central, FILES.slice(0, 6));
    await central.stop();
    const peer = await addPeer(us, {
      name: 'Central process',
      baseUrl: `${proxy.url}/dicom-web`,
      auth: { kind: 'basic', username: TEST_ADMIN.username, password: TEST_ADMIN.password },
    });
    const job = await requestTransfer(us, { peerId: peer.id, studyInstanceUID: STUDY });

    const backingOff = await waitForJob(us, job.id, (j) => j.attempts >= 2 && j.status === 'queued' && j.nextAttemptAt !== null);
    expect(backingOff.lastError).toMatch(/connection was cut|connection refused/);
    expect(backingOff.progress.instancesDone).toBe(0);

    proxy.capture(true);
    await central.restart();
    const ended = await waitForEnd(us, job.id);
    expect(ended).toMatchObject({ status: 'done', progress: { instancesDone: 12, instancesFailed: 0 } });
    const sent = proxy.sentSopInstanceUids().sort();
    const expected = us.index
      .findInstances(STUDY)
      .map((i) => i.sopUid)
      .filter((sop) => !FILES.slice(0, 6).some((file) => file.includes(Buffer.from(sop, 'latin1'))))
      .sort();
    expect(sent).toEqual(expected);
    expect(sent).toHaveLength(6);
    const requests = proxy.capturedRequests().map((r) => `${r.method} ${r.target.split('?')[0]}`);
    expect(requests[0]).toBe(`GET /dicom-web/studies/${STUDY}/instances`);

    const theirs = await storedDigests(central, STUDY);
    expect(theirs).toEqual(await storedDigests(us, STUDY));
    const skippedAudit = us.access.audit
      .query({ studyUid: STUDY, action: 'transfer-send', limit: 10, offset: 0 })
      .records.find((r) => r.detail.includes('already on the peer'));
    expect(skippedAudit?.detail).toMatch(/6 instance\(s\) already on the peer/);
  });
});

/** The bytes of the single part of a multipart/related frames answer. */
function pixelsOf(body: Buffer): Buffer {
  const start = body.indexOf('\r\n\r\n') + 4;
  const end = body.lastIndexOf('\r\n--');
  return body.subarray(start, end);
}

describe('send to Orthanc', () => {
  let us: TestArchive;
  let orthanc: RunningOrthanc;

  beforeAll(async () => {
    [us, orthanc] = await Promise.all([startTestArchive(), startOrthanc({ users: { orthanc: 'orthanc-test-password' } })]);
    await expectStored(us, FILES);
  });
  afterAll(async () => {
    await Promise.all([us?.stop(), orthanc?.stop()]);
  });

  it('pushes to Orthanc 1.10.1 (DICOMweb plugin) with Basic, then a resumed job asks it and sends nothing again', async () => {
    const peer = await addPeer(us, {
      name: 'Orthanc',
      baseUrl: orthanc.dicomWeb,
      auth: { kind: 'basic', username: 'orthanc', password: 'orthanc-test-password' },
    });
    const job = await requestTransfer(us, { peerId: peer.id, studyInstanceUID: STUDY });
    const ended = await waitForEnd(us, job.id);
    expect(ended).toMatchObject({ status: 'done', progress: { instancesDone: 12, instancesFailed: 0 } });
    expect(await storedDigests(orthanc, STUDY)).toEqual(await storedDigests(us, STUDY));

    expect((await us.fetch(`/api/transfers/${job.id}/retry`, { method: 'POST' })).status).toBe(409);

    // The same send again, its first attempt answered 503: the resumed attempt asks Orthanc (QIDO-RS) and sends nothing.
    const proxy = await startFaultProxy(Number(new URL(orthanc.url).port));
    try {
      const viaProxy = await addPeer(us, {
        name: 'Orthanc via proxy',
        baseUrl: `${proxy.url}${new URL(orthanc.dicomWeb).pathname}`,
        auth: { kind: 'basic', username: 'orthanc', password: 'orthanc-test-password' },
      });
      proxy.answer503(1);
      const again = await requestTransfer(us, { peerId: viaProxy.id, studyInstanceUID: STUDY });
      const resumed = await waitForEnd(us, again.id);
      expect(resumed).toMatchObject({ status: 'done', attempts: 2, progress: { instancesDone: 12, bytesDone: 0 } });
    } finally {
      await proxy.close();
    }
  });
});
