import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeerSummary, TransferJob } from '../../shared/api/exchange';
import { expectStored } from '../helpers/dicomweb-http';
import { corpusFile, corpusEntry } from '../helpers/corpus';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

const CT = 'series/ct-abdomen-philips-tcia/1-036.dcm';

/**
 * The transfer API (issue 13 items 2, 5): a send is validated before it is queued (UIDs, the
 * peer, what this archive holds), jobs are listed newest first by status, and cancel / retry
 * move a job only where that makes sense.
 */
describe('transfer queue API', () => {
  let us: TestArchive;
  let peer: PeerSummary;
  const entry = corpusEntry(CT);

  const post = async (route: string, body?: unknown) => {
    const res = await us.fetch(`/api${route}`, {
      method: 'POST',
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const get = async (route: string) => {
    const res = await us.fetch(`/api${route}`);
    return { status: res.status, json: (await res.json()) as unknown };
  };

  beforeAll(async () => {
    us = await startTestArchive();
    await expectStored(us, [corpusFile(CT)]);
    // A peer whose transfers wait: paused, so the queue keeps the job queued.
    peer = us.exchange.peers.create({ name: 'Central', baseUrl: 'http://127.0.0.1:9/dicom-web' });
    us.exchange.peers.setPaused(peer.id, true);
  });
  afterAll(async () => {
    await us?.stop();
  });

  it('refuses a bad request with a precise 4xx', async () => {
    const study = entry.studyInstanceUID!;
    const cases: Array<[unknown, number, RegExp]> = [
      [{ direction: 'push', peerId: peer.id, studyInstanceUID: study }, 400, /direction/],
      [{ direction: 'send', peerId: peer.id, studyInstanceUID: '1.2.03' }, 400, /studyInstanceUID/],
      [{ direction: 'send', peerId: 'nope', studyInstanceUID: study }, 404, /peer/],
      [{ direction: 'send', peerId: peer.id, studyInstanceUID: '1.2.3.4' }, 404, /No such study/],
      [{ direction: 'send', peerId: peer.id, studyInstanceUID: study, sopInstanceUIDs: [entry.sopInstanceUID] }, 400, /seriesInstanceUID/],
      [
        {
          direction: 'send',
          peerId: peer.id,
          studyInstanceUID: study,
          seriesInstanceUID: entry.seriesInstanceUID,
          sopInstanceUIDs: ['1.2.3'],
        },
        404,
        /1 of the instances/,
      ],
    ];
    for (const [body, status, message] of cases) {
      const answer = await post('/transfers', body);
      expect(answer.status, JSON.stringify(body)).toBe(status);
      expect(answer.json.message).toMatch(message);
    }
  });

  it('queues a send, lists it, cancels it and retries it', async () => {
    const created = await post('/transfers', { direction: 'send', peerId: peer.id, studyInstanceUID: entry.studyInstanceUID });
    expect(created.status).toBe(201);
    const job = created.json as unknown as TransferJob;
    expect(job).toMatchObject({ status: 'queued', direction: 'send', peerName: 'Central', requestedBy: 'admin', attempts: 0 });
    expect(job.progress.instancesTotal).toBeNull();

    const queued = (await get('/transfers?status=queued')).json as TransferJob[];
    expect(queued.map((j) => j.id)).toContain(job.id);
    expect(((await get('/transfers?status=done')).json as TransferJob[]).map((j) => j.id)).not.toContain(job.id);
    expect((await get('/transfers?status=stuck')).status).toBe(400);
    expect((await get(`/transfers/${job.id}`)).json).toMatchObject({ id: job.id });
    expect((await get('/transfers/unknown-id')).status).toBe(404);

    expect((await post(`/transfers/${job.id}/retry`)).status).toBe(409);
    const cancelled = await post(`/transfers/${job.id}/cancel`);
    expect(cancelled.json).toMatchObject({ status: 'cancelled' });
    expect((await post(`/transfers/${job.id}/cancel`)).status).toBe(409);
    const retried = await post(`/transfers/${job.id}/retry`);
    expect(retried.json).toMatchObject({ status: 'queued', finishedAt: null });
    expect((await get(`/transfers/${job.id}/failures`)).json).toEqual([]);
  });
});
