import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStored } from '../helpers/dicomweb-http';
import { parsePrometheusText, sampleValue, type MetricFamily } from '../helpers/prometheus-text';
import { startTestArchive, TEST_ADMIN, type TestArchive } from '../helpers/start-app';
import { addPeer, CT_STUDY, ctSlices, requestTransfer, waitForEnd } from '../helpers/transfer-jobs';

const SLICES = 4;

async function scrape(archive: TestArchive): Promise<Map<string, MetricFamily>> {
  return parsePrometheusText(await (await fetch(`${archive.url}/metrics`)).text());
}

/** The transfer queue in /metrics: a send slowed by its peer's bandwidth cap is seen running with its progress, then done. */
describe('transfer metrics', () => {
  let source: TestArchive;
  let target: TestArchive;
  beforeAll(async () => {
    [source, target] = await Promise.all([startTestArchive(), startTestArchive()]);
    await expectStored(source, ctSlices(SLICES));
  });
  afterAll(async () => {
    await Promise.all([source?.stop(), target?.stop()]);
  });

  it('shows a running send with instances done of listed, then the job done and what the peer stored', async () => {
    // ~2 MiB at 4 Mbit/s: about four seconds on the wire.
    const peer = await addPeer(source, {
      name: 'Target',
      baseUrl: target.dicomWeb,
      auth: { kind: 'basic', username: TEST_ADMIN.username, password: TEST_ADMIN.password },
      bandwidthKbps: 4000,
    });
    const job = await requestTransfer(source, { peerId: peer.id, studyInstanceUID: CT_STUDY });

    let metrics = await scrape(source);
    const deadline = Date.now() + 20_000;
    while (sampleValue(metrics, 'pacs_transfer_running_instances', { state: 'total' }) < SLICES && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      metrics = await scrape(source);
    }
    expect(sampleValue(metrics, 'pacs_transfer_jobs', { status: 'running' })).toBe(1);
    expect(sampleValue(metrics, 'pacs_transfer_running_instances', { state: 'total' })).toBe(SLICES);
    expect(sampleValue(metrics, 'pacs_transfer_running_instances', { state: 'done' })).toBeLessThan(SLICES);
    expect(sampleValue(metrics, 'pacs_transfer_running_bytes', { state: 'total' })).toBe(
      ctSlices(SLICES).reduce((sum, file) => sum + file.length, 0),
    );

    expect((await waitForEnd(source, job.id)).status).toBe('done');
    metrics = await scrape(source);
    expect(sampleValue(metrics, 'pacs_transfer_jobs', { status: 'done' })).toBe(1);
    expect(sampleValue(metrics, 'pacs_transfer_jobs', { status: 'running' })).toBe(0);
    expect(sampleValue(metrics, 'pacs_transfer_running_instances', { state: 'total' })).toBe(0);
    const received = await scrape(target);
    expect(sampleValue(received, 'pacs_ingest_instances_total', { outcome: 'stored' })).toBe(SLICES);
  });
});
