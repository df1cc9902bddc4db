import http from 'node:http';
import type { AddressInfo } from 'node:net';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IMPLICIT_VR_LITTLE_ENDIAN } from '../../shared/dicom/transfer-syntaxes';
import { boundaryFromContentType, readMultipartRelated } from '../../server/http/multipart-reader';
import { startArchiveProcess, type ArchiveProcess } from '../helpers/archive-process';
import { expectStored } from '../helpers/dicomweb-http';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { startTestArchive, TEST_ADMIN, type TestArchive } from '../helpers/start-app';
import { addPeer, CT_STUDY, ctSlices, requestTransfer, storedDigests, waitForEnd, waitForJob } from '../helpers/transfer-jobs';

const FILES = ctSlices(12);
const STUDY = CT_STUDY;
const JPEG_LS = '1.2.840.10008.1.2.4.80';
const ADMIN_AUTH = { kind: 'basic', username: TEST_ADMIN.username, password: TEST_ADMIN.password } as const;

/**
 * A send through faults (issue 13 "Tests"): a TCP proxy between sender and peer answers 503,
 * cuts a batch in the middle, and the sender is killed with SIGKILL in the middle of a job.
 * Each time the job completes with every instance on the peer once, byte for byte, and no
 * instance in two whole STOW-RS requests (the proxy reads every request that passed).
 */
describe('send through faults', () => {
  let central: TestArchive;
  let proxy: FaultProxy;
  /** What the proxy had seen of whole STOW-RS requests before the test (its capture keeps what it kept). */
  let sentBefore = 0;

  beforeAll(async () => {
    central = await startTestArchive();
    proxy = await startFaultProxy(Number(new URL(central.url).port));
  });
  afterAll(async () => {
    await proxy?.close();
    await central?.stop();
  });
  beforeEach(async () => {
    proxy.clearFaults();
    proxy.capture(false);
    sentBefore = proxy.sentSopInstanceUids().length;
    const res = await central.fetch(`${central.dicomWeb}/studies/${STUDY}`, { method: 'DELETE' });
    expect([204, 404]).toContain(res.status);
  });

  /** Every instance once on the peer, as stored here, and never in two whole requests. */
  const expectDeliveredOnce = async (sender: { dicomWeb: string; fetch: TestArchive['fetch']; url: string }) => {
    const [ours, theirs] = await Promise.all([storedDigests(sender, STUDY), storedDigests(central, STUDY)]);
    expect(theirs.size).toBe(12);
    expect(theirs).toEqual(ours);
    const sent = proxy.sentSopInstanceUids().slice(sentBefore);
    expect(new Set(sent).size).toBe(sent.length);
    return sent;
  };

  it('retries after 503 (honouring Retry-After) and completes', async () => {
    const us = await startTestArchive();
    try {
      await expectStored(us, FILES);
      const peer = await addPeer(us, { name: 'Central via proxy', baseUrl: `${proxy.url}/dicom-web`, auth: ADMIN_AUTH });
      proxy.capture(true);
      proxy.answer503(2);
      const job = await requestTransfer(us, { peerId: peer.id, studyInstanceUID: STUDY });
      const ended = await waitForEnd(us, job.id);
      expect(ended).toMatchObject({ status: 'done', progress: { instancesDone: 12 } });
      expect(ended.attempts).toBe(3);
      expect(proxy.connections.filter((c) => c.fate === 'answered-503')).toHaveLength(2);
      expect(await expectDeliveredOnce(us)).toHaveLength(12);
    } finally {
      await us.stop();
    }
  });

  it('completes after the connection is cut in the middle of a batch, sending nothing twice', async () => {
    const us = await startTestArchive();
    try {
      await expectStored(us, FILES);
      const peer = await addPeer(us, { name: 'Central via proxy', baseUrl: `${proxy.url}/dicom-web`, auth: ADMIN_AUTH });
      proxy.capture(true);
      // The first batch is about 1 MiB; the second carries the rest: cut it half way.
      proxy.cutAfter(3_500_000, 'upstream');
      const job = await requestTransfer(us, { peerId: peer.id, studyInstanceUID: STUDY });
      const ended = await waitForEnd(us, job.id);
      expect(ended).toMatchObject({ status: 'done', progress: { instancesDone: 12 } });
      expect(ended.attempts).toBe(2);
      expect(proxy.connections.some((c) => c.fate === 'cut')).toBe(true);
      const sent = await expectDeliveredOnce(us);
      // What the peer stored of the cut request before the cut was found by the QIDO-RS question, not sent again.
      expect(sent.length).toBeLessThan(12);
      const asked = proxy.capturedRequests().filter((r) => r.method === 'GET' && r.target.includes(`/studies/${STUDY}/instances?`));
      expect(asked.length).toBeGreaterThanOrEqual(1);
    } finally {
      await us.stop();
    }
  });

  it('gives up on a stalled link after PACS_PEER_TIMEOUT_SECONDS and completes once it moves again', async () => {
    const us = await startTestArchive({ PACS_PEER_TIMEOUT_SECONDS: '2' });
    try {
      await expectStored(us, FILES);
      const peer = await addPeer(us, { name: 'Central via proxy', baseUrl: `${proxy.url}/dicom-web`, auth: ADMIN_AUTH });
      proxy.capture(true);
      proxy.throttle({ bitsPerSecond: 12_000_000 });
      const job = await requestTransfer(us, { peerId: peer.id, studyInstanceUID: STUDY });
      await waitForJob(us, job.id, (j) => j.progress.instancesDone >= 2);
      proxy.stall();
      const stalled = Date.now();
      const waiting = await waitForJob(us, job.id, (j) => j.status === 'queued' && j.lastError !== null, 20_000);
      expect(Date.now() - stalled).toBeGreaterThanOrEqual(1_500);
      expect(waiting.lastError).toMatch(/stalled|no answer/);
      proxy.unstall();
      proxy.throttle(undefined);
      const ended = await waitForEnd(us, job.id);
      expect(ended).toMatchObject({ status: 'done', progress: { instancesDone: 12, instancesFailed: 0 } });
      expect(ended.attempts).toBeGreaterThanOrEqual(2);
      await expectDeliveredOnce(us);
    } finally {
      await us.stop();
    }
  });

  it('resumes after the sender is killed (kill -9) in the middle of a job', async () => {
    const sender: ArchiveProcess = await startArchiveProcess();
    try {
      await expectStored(sender, FILES);
      const peer = await addPeer(sender, { name: 'Central via proxy', baseUrl: `${proxy.url}/dicom-web`, auth: ADMIN_AUTH });
      proxy.capture(true);
      proxy.throttle({ bitsPerSecond: 12_000_000 });
      const job = await requestTransfer(sender, { peerId: peer.id, studyInstanceUID: STUDY });
      await waitForJob(sender, job.id, (j) => j.progress.instancesDone >= 2);
      await sender.kill9();
      proxy.clearFaults();
      await sender.restart();
      const ended = await waitForEnd(sender, job.id);
      expect(ended).toMatchObject({ status: 'done', progress: { instancesDone: 12, instancesFailed: 0 } });
      expect(ended.attempts).toBe(2);
      await expectDeliveredOnce(sender);
    } finally {
      await sender.dispose();
    }
  });
});

describe('send to a peer with a request size limit', () => {
  it('halves its batches on 413 down to what the peer takes, and fails an instance larger than the limit', async () => {
    // Two slices (1.05 MB) fit in 1.2 MB; the 1 MiB first batch goes, the larger second one is refused part way.
    const [us, central] = await Promise.all([startTestArchive(), startTestArchive({ PACS_MAX_REQUEST_BYTES: '1200000' })]);
    try {
      await expectStored(us, FILES);
      const peer = await addPeer(us, { name: 'Central with a limit', baseUrl: central.dicomWeb, auth: ADMIN_AUTH });
      const job = await requestTransfer(us, { peerId: peer.id, studyInstanceUID: STUDY });
      const ended = await waitForEnd(us, job.id);
      // Each 413 answer names the instances stored before the limit, and they count. The peer reads and drops the
      // rest of the body before answering (drain-request.ts), so no answer is lost to a reset: one attempt.
      expect(ended).toMatchObject({ status: 'done', progress: { instancesDone: 12, instancesFailed: 0 } });
      expect(ended.attempts).toBe(1);
      expect(await storedDigests(central, STUDY)).toEqual(await storedDigests(us, STUDY));

      // An instance alone larger than the limit (a big peer's nginx at 400 kB): failed with the reason, not retried forever.
      const small = await startTestArchive({ PACS_MAX_REQUEST_BYTES: '400000' });
      try {
        const tiny = await addPeer(us, { name: 'Central with a tiny limit', baseUrl: small.dicomWeb, auth: ADMIN_AUTH });
        const one = FILES[0]!;
        const sop = us.index.findInstances(STUDY).find((i) => one.includes(Buffer.from(i.sopUid, 'latin1')))!;
        const single = await requestTransfer(us, {
          peerId: tiny.id,
          studyInstanceUID: STUDY,
          seriesInstanceUID: sop.seriesUid,
          sopInstanceUIDs: [sop.sopUid],
        });
        const refused = await waitForEnd(us, single.id);
        expect(refused).toMatchObject({ status: 'failed', lastError: '1 of 1 instances failed' });
        const failures = (await (await us.fetch(`/api/transfers/${single.id}/failures`)).json()) as Array<{ reason: string }>;
        expect(failures[0]!.reason).toMatch(/too large for the peer/);
      } finally {
        await small.stop();
      }
    } finally {
      await Promise.all([us.stop(), central.stop()]);
    }
  });
});

describe('send to a peer that refuses a compressed syntax', () => {
  /**
   * A STOW-RS endpoint (tiny, the test's own) standing for a peer without a JPEG-LS licence or
   * decoder: it refuses every JPEG-LS instance with 0xC122 and stores the rest, as a real store
   * SCP with a narrow transfer syntax list does.
   */
  const startNarrowPeer = async () => {
    const received: Array<{ sop: string; syntax: string }> = [];
    const server = http.createServer((req, res) => {
      void (async () => {
        if (req.method === 'GET') return void res.writeHead(204).end();
        const referenced: unknown[] = [];
        const failed: unknown[] = [];
        for await (const part of readMultipartRelated(req, boundaryFromContentType(req.headers['content-type']))) {
          const chunks: Buffer[] = [];
          for await (const chunk of part.body) chunks.push(chunk as Buffer);
          const ds = dicomParser.parseDicom(Buffer.concat(chunks), { untilTag: 'x00080018' });
          const sop = ds.string('x00080018')!;
          const syntax = ds.string('x00020010')!;
          received.push({ sop, syntax });
          const item = { '00081155': { vr: 'UI', Value: [sop] } };
          if (syntax === JPEG_LS) failed.push({ ...item, '00081197': { vr: 'US', Value: [0xc122] } });
          else referenced.push(item);
        }
        const body: Record<string, unknown> = {};
        if (failed.length > 0) body['00081198'] = { vr: 'SQ', Value: failed };
        if (referenced.length > 0) body['00081199'] = { vr: 'SQ', Value: referenced };
        res.writeHead(referenced.length === 0 ? 409 : failed.length > 0 ? 202 : 200, { 'content-type': 'application/dicom+json' });
        res.end(JSON.stringify(body));
      })().catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web` };
  };

  it('sends an instance refused in JPEG-LS (0xC122) once more as stored', async () => {
    const us = await startTestArchive();
    const narrow = await startNarrowPeer();
    try {
      await expectStored(us, FILES.slice(0, 3));
      const peer = await addPeer(us, { name: 'Narrow', baseUrl: narrow.url, auth: { kind: 'none' }, sendSyntax: JPEG_LS });
      const job = await requestTransfer(us, { peerId: peer.id, studyInstanceUID: STUDY });
      const ended = await waitForEnd(us, job.id);
      expect(ended).toMatchObject({ status: 'done', progress: { instancesDone: 3, instancesFailed: 0 } });
      const sops = [...new Set(narrow.received.map((r) => r.sop))];
      expect(sops).toHaveLength(3);
      for (const sop of sops) {
        expect(narrow.received.filter((r) => r.sop === sop).map((r) => r.syntax)).toEqual([JPEG_LS, IMPLICIT_VR_LITTLE_ENDIAN]);
      }
    } finally {
      narrow.server.close();
      await us.stop();
    }
  });
});

describe('send to something that is not a DICOMweb archive', () => {
  it('does not take a 200 that names nothing for stored when the peer cannot confirm it (a captive portal)', async () => {
    // A hotel-style captive portal: 200 and a sign-in page to every request, whatever it is.
    let posts = 0;
    const portal = http.createServer((req, res) => {
      if (req.method === 'POST') posts++;
      req.resume();
      req.on('end', () =>
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in to the hospital Wi-Fi</body></html>'),
      );
    });
    await new Promise<void>((resolve) => portal.listen(0, '127.0.0.1', resolve));
    const us = await startTestArchive();
    try {
      await expectStored(us, FILES.slice(0, 3));
      const url = `http://127.0.0.1:${(portal.address() as AddressInfo).port}/dicom-web`;
      const peer = await addPeer(us, { name: 'Portal', baseUrl: url, auth: { kind: 'none' } });
      const job = await requestTransfer(us, { peerId: peer.id, studyInstanceUID: STUDY });
      const ended = await waitForEnd(us, job.id);
      expect(ended).toMatchObject({ status: 'failed', progress: { instancesDone: 0 } });
      expect(ended.lastError).toMatch(
        /^the peer answered 200 to STOW-RS without saying what it stored, and its QIDO-RS cannot confirm it \(.+\): is the base URL a DICOMweb service\?$/,
      );
      expect(posts).toBe(1);
    } finally {
      portal.close();
      await us.stop();
    }
  });
});
