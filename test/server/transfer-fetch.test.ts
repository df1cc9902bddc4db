import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/api/audit-events';
import type { PeerSummary, TransferInstanceFailure, TransferJob } from '../../shared/api/exchange';
import { Tag } from '../../shared/dicom/tags';
import { call, createUser, type HeaderMap } from '../helpers/access-client';
import { startArchiveProcess, type ArchiveProcess } from '../helpers/archive-process';
import { corpusEntry, corpusFile, corpusInstanceUrl } from '../helpers/corpus';
import { expectStored, getMultipart, withZeroPreamble } from '../helpers/dicomweb-http';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { startOrthanc } from '../helpers/orthanc';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * Fetch (pull) from a peer (issue 13 item 3): a real CT series retrieved from a second archive
 * running as its own process, through a counting proxy, stored here byte for byte as the peer
 * holds it; only what is missing is asked for; bad peers (refused credentials, no DICOMweb,
 * garbage multipart, an instance of another study, an endless body) fail the job or its
 * instances with a clear reason and never take the archive down.
 */

const CT_DIR = 'series/ct-abdomen-philips-tcia';
const CT_FILES = Array.from({ length: 16 }, (_, n) => `${CT_DIR}/1-0${36 + n}.dcm`);
const CT = corpusEntry(CT_FILES[0]!);
const STUDY = CT.studyInstanceUID!;
const SERIES = CT.seriesInstanceUID!;
const PASSWORD = 'district-a-password-1';
const AS_STORED = 'multipart/related; type="application/dicom"; transfer-syntax=*';

describe('fetch from a peer', () => {
  let us: TestArchive;
  let peer: ArchiveProcess;
  let proxy: FaultProxy;
  let central: PeerSummary;
  const servers: http.Server[] = [];

  const admin = (): HeaderMap => ({ authorization: us.adminAuthorization });
  const addPeer = async (archive: TestArchive, name: string, baseUrl: string, auth: unknown = { kind: 'none' }) => {
    const answer = await call(archive, 'POST', '/api/peers', { authorization: archive.adminAuthorization }, { name, baseUrl, auth });
    expect(answer.status, answer.text).toBe(201);
    return answer.json as PeerSummary;
  };
  /** Queues a fetch and waits until it has ended; the job and its failures. */
  const fetchJob = async (archive: TestArchive, request: Record<string, unknown>) => {
    const created = await call(
      archive,
      'POST',
      '/api/transfers',
      { authorization: archive.adminAuthorization },
      { direction: 'fetch', ...request },
    );
    expect(created.status, created.text).toBe(201);
    const id = (created.json as TransferJob).id;
    const started = performance.now();
    for (;;) {
      const job = (await call(archive, 'GET', `/api/transfers/${id}`, { authorization: archive.adminAuthorization })).json as TransferJob;
      if (job.status === 'done' || job.status === 'failed') {
        const failures = (await call(archive, 'GET', `/api/transfers/${id}/failures`, { authorization: archive.adminAuthorization }))
          .json as TransferInstanceFailure[];
        return { job, failures, seconds: (performance.now() - started) / 1000 };
      }
      if (performance.now() - started > 60_000) throw new Error(`job ${id} still ${job.status}: ${JSON.stringify(job)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  /** The WADO-RS requests the peer received through the proxy since startCapture (captures are kept per connection, so they are counted off). */
  let capturedBefore: string[] = [];
  const targets = () => proxy.capturedRequests().map((r) => r.target);
  const startCapture = () => {
    capturedBefore = targets();
    proxy.capture(true);
  };
  const retrievals = () => {
    const left = [...capturedBefore];
    return targets()
      .filter((t) => {
        const at = left.indexOf(t);
        if (at >= 0) left.splice(at, 1);
        return at < 0;
      })
      .filter((t) => /\/series\/[\d.]+(\/instances\/[\d.]+)?$/.test(t));
  };
  const fakePeer = async (handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<string> => {
    const server = http.createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web`;
  };
  const auditOf = async (action: string): Promise<AuditRecord[]> =>
    ((await call(us, 'GET', `/api/audit?action=${action}&limit=100`, admin())).json as { records: AuditRecord[] }).records;

  beforeAll(async () => {
    [us, peer] = await Promise.all([startTestArchive(), startArchiveProcess()]);
    await createUser(peer as unknown as TestArchive, { username: 'district-a', password: PASSWORD, role: 'radiologist' });
    await expectStored(peer, CT_FILES.map(corpusFile));
    proxy = await startFaultProxy(peer.port);
    central = await addPeer(us, 'Central hospital', `${proxy.url}/dicom-web`, {
      kind: 'basic',
      username: 'district-a',
      password: PASSWORD,
    });
  }, 90_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await proxy?.close();
    await Promise.all([us?.stop(), peer?.dispose()]);
  });

  it('fetches a 16-slice CT study in one series request, stored byte for byte as the peer holds it, and audits it', async () => {
    startCapture();
    const { job, failures, seconds } = await fetchJob(us, { peerId: central.id, studyInstanceUID: STUDY });
    proxy.capture(false);
    expect(job.status, job.lastError ?? '').toBe('done');
    expect(failures).toEqual([]);
    const sizes = CT_FILES.reduce((sum, f) => sum + corpusEntry(f).bytes, 0);
    expect(job.progress).toMatchObject({ instancesTotal: 16, instancesDone: 16, instancesFailed: 0, bytesDone: sizes });
    expect(retrievals()).toEqual([`/dicom-web/studies/${STUDY}/series/${SERIES}`]);
    console.log(
      `fetch of 16 CT slices (${(sizes / 2 ** 20).toFixed(1)} MiB) on loopback: ${(16 / seconds).toFixed(1)} instances/s, job to done in ${seconds.toFixed(2)} s`,
    );

    for (const file of CT_FILES) {
      const url = (base: string) => corpusInstanceUrl(base, corpusEntry(file));
      const [ours, theirs] = await Promise.all([
        getMultipart(us, url(us.dicomWeb), AS_STORED),
        getMultipart(peer, url(peer.dicomWeb), AS_STORED),
      ]);
      expect(ours.parts).toHaveLength(1);
      expect(Buffer.compare(ours.parts[0]!.body, theirs.parts[0]!.body)).toBe(0);
    }

    const begin = (await auditOf('transfer-begin')).find((r) => r.detail.includes(job.id))!;
    expect(begin).toMatchObject({ eventId: '110102', principalId: 'admin', studyUid: STUDY });
    const fetched = (await auditOf('transfer-fetch')).filter((r) => r.detail.includes(job.id));
    expect(fetched).toHaveLength(1);
    expect(fetched[0]).toMatchObject({ eventId: '110104', actionCode: 'C', outcome: 0, studyUid: STUDY });
    expect(fetched[0]!.detail).toBe(
      `fetch job ${job.id} from peer "Central hospital" (${proxy.url}/dicom-web): 16 instance(s) stored (${sizes} bytes), 0 already held, 0 failed`,
    );
    expect(JSON.stringify(await auditOf('transfer-fetch'))).not.toContain(PASSWORD);
  });

  it('fetches only the missing half of a study half present here, instance by instance', async () => {
    expect((await us.fetch(`${us.dicomWeb}/studies/${STUDY}`, { method: 'DELETE' })).status).toBe(204);
    const present = CT_FILES.filter((_, n) => n % 2 === 0);
    const missing = CT_FILES.filter((_, n) => n % 2 === 1);
    await expectStored(us, present.map(corpusFile));
    startCapture();
    const downBefore = proxy.bytes('downstream');
    const { job } = await fetchJob(us, { peerId: central.id, studyInstanceUID: STUDY });
    const down = proxy.bytes('downstream') - downBefore;
    proxy.capture(false);
    expect(job.status, job.lastError ?? '').toBe('done');
    const missingBytes = missing.reduce((sum, f) => sum + corpusEntry(f).bytes, 0);
    expect(job.progress).toMatchObject({ instancesTotal: 16, instancesDone: 16, bytesDone: missingBytes });
    expect(retrievals().sort()).toEqual(
      missing.map((f) => `/dicom-web/studies/${STUDY}/series/${SERIES}/instances/${corpusEntry(f).sopInstanceUID}`).sort(),
    );
    // What crossed the link: the missing half, plus headers and the listing (a few KiB).
    expect(down).toBeGreaterThan(missingBytes);
    expect(down).toBeLessThan(missingBytes + 64 * 1024);
    const held = await call(us, 'GET', `/dicom-web/studies/${STUDY}/instances`, admin());
    expect((held.json as unknown[]).length).toBe(16);

    // Everything held: the job is done without a single retrieval.
    startCapture();
    const again = await fetchJob(us, { peerId: central.id, studyInstanceUID: STUDY, seriesInstanceUID: SERIES });
    proxy.capture(false);
    expect(again.job.status).toBe('done');
    expect(again.job.progress).toMatchObject({ instancesDone: 16, bytesDone: 0 });
    expect(retrievals()).toEqual([]);
  });

  it('resumes after the link is cut in the middle of the series: re-lists, skips what was stored, fetches the rest', async () => {
    await us.fetch(`${us.dicomWeb}/studies/${STUDY}`, { method: 'DELETE' }); // what the test before fetched
    startCapture();
    const downBefore = proxy.bytes('downstream');
    proxy.cutAfter(3 * 2 ** 20, 'downstream');
    const { job, failures } = await fetchJob(us, { peerId: central.id, studyInstanceUID: STUDY });
    const down = proxy.bytes('downstream') - downBefore;
    proxy.capture(false);
    proxy.clearFaults();
    expect(failures).toEqual([]);
    expect(job).toMatchObject({ status: 'done', progress: { instancesTotal: 16, instancesDone: 16, instancesFailed: 0 } });
    expect(job.attempts).toBeGreaterThanOrEqual(2);
    const all = retrievals();
    expect(all.filter((t) => !t.includes('/instances/'))).toEqual([`/dicom-web/studies/${STUDY}/series/${SERIES}`]);
    // After the cut: only the instances not stored yet, one by one; about 3 MiB of them came in the first answer.
    const rest = all.filter((t) => t.includes('/instances/'));
    expect(rest.length).toBeGreaterThanOrEqual(10);
    expect(rest.length).toBeLessThan(16);
    expect(new Set(rest).size).toBe(rest.length);
    // Each run's audit record counts what it stored: 16 in all, none twice.
    const runs = (await auditOf('transfer-fetch')).filter((r) => r.detail.includes(job.id)).sort((a, b) => a.id - b.id);
    expect(runs.length).toBe(job.attempts);
    const stored = runs.map((r) => Number(/: (\d+) instance\(s\) stored/.exec(r.detail)![1]));
    expect(stored.reduce((a, b) => a + b, 0)).toBe(16);
    expect(stored.at(-1)).toBe(rest.length);
    expect(
      runs.some(
        (r) => r.outcome === 8 && /stopped: .*the connection was cut|stopped: .*other side closed|stopped: .*terminated/.test(r.detail),
      ),
    ).toBe(true);
    expect(down).toBeGreaterThan(3 * 2 ** 20);
    for (const file of CT_FILES) {
      const ours = await getMultipart(us, corpusInstanceUrl(us.dicomWeb, corpusEntry(file)), AS_STORED);
      expect(Buffer.compare(ours.parts[0]!.body, withZeroPreamble(corpusFile(file)))).toBe(0);
    }
  });

  it('fails with a clear reason for refused credentials, a base URL that is no DICOMweb service and a study the peer lacks', async () => {
    const wrong = await addPeer(us, 'Wrong password', `${peer.dicomWeb}`, {
      kind: 'basic',
      username: 'district-a',
      password: 'not-it-123',
    });
    const refused = await fetchJob(us, { peerId: wrong.id, studyInstanceUID: STUDY });
    expect(refused.job).toMatchObject({ status: 'failed', lastError: 'the peer refused our credentials (401)' });

    const root = await addPeer(us, 'Web root', peer.url, { kind: 'basic', username: 'district-a', password: PASSWORD });
    const notDicomWeb = await fetchJob(us, { peerId: root.id, studyInstanceUID: STUDY });
    expect(notDicomWeb.job.status).toBe('failed');
    expect(notDicomWeb.job.lastError).toMatch(
      /^the peer has no such study \(404 to the search for the study's instances; or its base URL is not a DICOMweb service\)$/,
    );

    const lacking = await fetchJob(us, { peerId: central.id, studyInstanceUID: '1.2.826.0.1.3680043.8.498.1' });
    expect(lacking.job).toMatchObject({ status: 'failed', lastError: 'the peer has no such study' });
  });

  it('fetches a series from Orthanc 1.10.1 (its QIDO-RS and its WADO-RS as stored), byte for byte', async () => {
    const orthanc = await startOrthanc({ users: { 'district-b': PASSWORD } });
    try {
      const files = CT_FILES.slice(0, 10);
      for (const file of files) {
        const res = await orthanc.fetch('/instances', { method: 'POST', body: corpusFile(file) });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
      const third = await addPeer(us, 'Orthanc', orthanc.dicomWeb, { kind: 'basic', username: 'district-b', password: PASSWORD });
      await us.fetch(`${us.dicomWeb}/studies/${STUDY}`, { method: 'DELETE' }); // what the tests before fetched
      const { job, failures, seconds } = await fetchJob(us, { peerId: third.id, studyInstanceUID: STUDY, seriesInstanceUID: SERIES });
      expect(failures).toEqual([]);
      expect(job.status, job.lastError ?? '').toBe('done');
      expect(job.progress).toMatchObject({ instancesTotal: 10, instancesDone: 10 });
      console.log(`fetch of 10 CT slices from Orthanc: ${(10 / seconds).toFixed(1)} instances/s`);
      for (const file of files) {
        const ours = await getMultipart(us, corpusInstanceUrl(us.dicomWeb, corpusEntry(file)), AS_STORED);
        expect(Buffer.compare(ours.parts[0]!.body, withZeroPreamble(corpusFile(file)))).toBe(0);
      }
    } finally {
      await orthanc.stop();
    }
  }, 60_000);

  describe('from peers that answer badly', () => {
    const BAD_STUDY = '1.2.826.0.1.3680043.8.498.100';
    const BAD_SERIES = `${BAD_STUDY}.1`;
    const SOPS = [`${BAD_SERIES}.1`, `${BAD_SERIES}.2`];
    /** A peer listing SOPS and answering every retrieval with `retrieve`; it counts the retrievals. */
    const badPeer = async (archive: TestArchive, name: string, retrieve: (res: http.ServerResponse) => void) => {
      const counted = { retrievals: 0 };
      const base = await fakePeer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://peer');
        if (url.pathname.endsWith('/instances') && url.searchParams.has('limit')) {
          const page =
            url.searchParams.get('offset') === '0'
              ? SOPS.map((sop) => ({
                  [Tag.StudyInstanceUID]: { vr: 'UI', Value: [BAD_STUDY] },
                  [Tag.SeriesInstanceUID]: { vr: 'UI', Value: [BAD_SERIES] },
                  [Tag.SOPInstanceUID]: { vr: 'UI', Value: [sop] },
                }))
              : [];
          res.writeHead(200, { 'content-type': 'application/dicom+json' }).end(JSON.stringify(page));
          return;
        }
        counted.retrievals++;
        retrieve(res);
      });
      return { peer: await addPeer(archive, name, base), counted };
    };

    it('a body that is not multipart, or garbage multipart: each instance is tried once more alone, then fails with the reason', async () => {
      const garbage = await badPeer(us, 'Garbage', (res) =>
        res
          .writeHead(200, { 'content-type': 'multipart/related; type="application/dicom"; boundary=b0undary' })
          .end('no parts in here\r\n'),
      );
      const broken = await fetchJob(us, { peerId: garbage.peer.id, studyInstanceUID: BAD_STUDY });
      expect(broken.job).toMatchObject({ status: 'failed', lastError: '2 of 2 instances failed' });
      expect(broken.failures.map((f) => f.sopInstanceUID).sort()).toEqual(SOPS);
      for (const failure of broken.failures)
        expect(failure.reason).toMatch(
          /^the peer's answer to the retrieval of instance [\d.]+ is not valid multipart: The multipart body contains no delimiter line "--b0undary"/,
        );
      expect(garbage.counted.retrievals).toBe(1 + 2); // the series, then each instance once more alone

      const html = await badPeer(us, 'Web page', (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'));
      const page = await fetchJob(us, { peerId: html.peer.id, studyInstanceUID: BAD_STUDY });
      expect(page.job.status).toBe('failed');
      expect(page.failures[0]!.reason).toMatch(
        /^the peer answered the retrieval of instance [\d.]+ with text\/html, not multipart\/related of application\/dicom/,
      );
      const held = await call(us, 'GET', `/dicom-web/studies/${BAD_STUDY}/instances`, admin());
      expect(held.json).toEqual([]);
    });

    it('a peer that cannot send as stored (406 to transfer-syntax=*) is asked again for its default syntax', async () => {
      const file = 'other-modalities/pt-pet-jpeg-lossless.dcm';
      const pt = corpusEntry(file);
      const accepts: string[] = [];
      const base = await fakePeer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://peer');
        if (url.pathname.endsWith('/instances')) {
          const listing = url.searchParams.get('offset') === '0' ? [pt] : [];
          const page = listing.map((e) => ({
            [Tag.SeriesInstanceUID]: { vr: 'UI', Value: [e.seriesInstanceUID] },
            [Tag.SOPInstanceUID]: { vr: 'UI', Value: [e.sopInstanceUID] },
          }));
          res.writeHead(200, { 'content-type': 'application/dicom+json' }).end(JSON.stringify(page));
          return;
        }
        accepts.push(req.headers.accept ?? '');
        if (req.headers.accept?.includes('transfer-syntax=*')) return void res.writeHead(406).end();
        res.writeHead(200, { 'content-type': 'multipart/related; type="application/dicom"; boundary=ok' });
        res.end(
          Buffer.concat([Buffer.from('--ok\r\nContent-Type: application/dicom\r\n\r\n'), corpusFile(file), Buffer.from('\r\n--ok--')]),
        );
      });
      const picky = await addPeer(us, 'Picky', base);
      const { job } = await fetchJob(us, { peerId: picky.id, studyInstanceUID: pt.studyInstanceUID });
      expect(job).toMatchObject({ status: 'done', progress: { instancesDone: 1 } });
      expect(accepts).toEqual([AS_STORED, 'multipart/related; type="application/dicom"']);
      const ours = await getMultipart(us, corpusInstanceUrl(us.dicomWeb, pt), AS_STORED);
      expect(Buffer.compare(ours.parts[0]!.body, withZeroPreamble(corpusFile(file)))).toBe(0);
    });

    it('an instance of another study in place of the one listed is refused, not stored', async () => {
      const other = corpusFile('radiography/dx-for-presentation-mono1.dcm');
      const swapped = await badPeer(us, 'Swapped', (res) => {
        res.writeHead(200, { 'content-type': 'multipart/related; type="application/dicom"; boundary=swap' });
        res.end(Buffer.concat([Buffer.from('--swap\r\nContent-Type: application/dicom\r\n\r\n'), other, Buffer.from('\r\n--swap--\r\n')]));
      });
      const { job, failures } = await fetchJob(us, { peerId: swapped.peer.id, studyInstanceUID: BAD_STUDY });
      expect(job.status).toBe('failed');
      expect(failures).toHaveLength(2);
      for (const failure of failures)
        expect(failure.reason).toBe(
          'the peer sent something else: The instance belongs to a different study than the one in the request URL.',
        );
      const dx = corpusEntry('radiography/dx-for-presentation-mono1.dcm');
      const stored = await call(us, 'GET', `/dicom-web/studies/${dx.studyInstanceUID}/instances`, admin());
      expect(stored.json).toEqual([]);
    });

    it('an endless instance is cut at PACS_FETCH_MAX_INSTANCE_MB and fails within seconds, memory bounded', async () => {
      const small = await startTestArchive({ PACS_FETCH_MAX_INSTANCE_MB: '1' });
      try {
        let written = 0;
        const endless = await badPeer(small, 'Endless', (res) => {
          res.writeHead(200, { 'content-type': 'multipart/related; type="application/dicom"; boundary=never' });
          res.write('--never\r\nContent-Type: application/dicom\r\n\r\n');
          const chunk = Buffer.alloc(64 * 1024);
          const pour = () => {
            while (!res.destroyed) {
              written += chunk.length;
              if (!res.write(chunk)) break;
            }
            if (!res.destroyed) res.once('drain', pour);
          };
          pour();
        });
        const rssBefore = process.memoryUsage().rss;
        const { job, failures, seconds } = await fetchJob(small, { peerId: endless.peer.id, studyInstanceUID: BAD_STUDY });
        const rssGrowth = process.memoryUsage().rss - rssBefore;
        console.log(
          `endless body: failed in ${seconds.toFixed(2)} s, ${(written / 2 ** 20).toFixed(1)} MiB written by the peer, RSS +${(rssGrowth / 2 ** 20).toFixed(1)} MiB`,
        );
        expect(job.status).toBe('failed');
        expect(failures.map((f) => f.reason)).toEqual(SOPS.map(() => 'the instance is larger than 1 MiB (PACS_FETCH_MAX_INSTANCE_MB)'));
        expect(seconds).toBeLessThan(10);
        expect(endless.counted.retrievals).toBe(3); // the series, then each instance once: too large is final
        expect(written).toBeLessThan(3 * 16 * 2 ** 20); // cut soon after 1 MiB each time (what sits in socket buffers besides)
        expect(rssGrowth).toBeLessThan(100 * 2 ** 20);
        const held = await call(small, 'GET', `/dicom-web/studies/${BAD_STUDY}/instances`, { authorization: small.adminAuthorization });
        expect(held.json).toEqual([]);
      } finally {
        await small.stop();
      }
    });
  });
});
