import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusFile } from '../helpers/corpus';
import { createAccount } from '../helpers/accounts';
import { runDcmtk } from '../helpers/dcmtk';
import { addRemoteAe } from '../helpers/remote-aes';
import { stowFiles } from '../helpers/dicomweb-http';
import { basicAuthorization } from '../helpers/signed-in-fetch';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { histogramOf, parsePrometheusText, sampleValue, type MetricFamily } from '../helpers/prometheus-text';

const TOKEN = 'metrics-token-0123456789abcdefghijklmnop';
const CT = ['1-036.dcm', '1-037.dcm', '1-038.dcm', '1-039.dcm', '1-040.dcm'].map((name) =>
  corpusFile(`series/ct-abdomen-philips-tcia/${name}`),
);
const OTHER_STUDY = corpusFile('charsets/iso-2022-ir-100-elscint-ct.dcm');
const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

async function scrape(archive: TestArchive): Promise<Map<string, MetricFamily>> {
  const res = await fetch(`${archive.url}/metrics`); // no credentials: the loopback rule
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe(PROMETHEUS_TEXT);
  return parsePrometheusText(await res.text());
}

describe('GET /metrics: who may read it', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    // The floor over any real disk's free space: every STOW-RS is refused early (503 STORAGE_FULL).
    archive = await startTestArchive({ PACS_METRICS_TOKEN: TOKEN, PACS_MIN_FREE_PERCENT: '99', PACS_MIN_FREE_MB: String(2 ** 30) });
    await createAccount(archive, { username: 'scraper', password: 'scraper-password-1', role: 'metrics' });
    await createAccount(archive, { username: 'reader', password: 'reader-password-1', role: 'radiologist' });
  });
  afterAll(() => archive.stop());

  const get = (path: string, authorization?: string) => fetch(`${archive.url}${path}`, authorization ? { headers: { authorization } } : {});

  it('serves the configured bearer token, an admin, a metrics account and an anonymous loopback caller', async () => {
    for (const authorization of [
      `Bearer ${TOKEN}`,
      archive.adminAuthorization,
      basicAuthorization('scraper', 'scraper-password-1'),
      undefined,
    ]) {
      const res = await get('/metrics', authorization);
      expect(res.status, authorization).toBe(200);
      expect(res.headers.get('content-type')).toBe(PROMETHEUS_TEXT);
      expect(await res.text()).toMatch(/^# HELP /);
    }
  });

  it('refuses a wrong token (401) and a role without the right (403), on loopback too, and counts the token failure', async () => {
    const wrong = await get('/metrics', `Bearer ${TOKEN.replace('0', '1')}`);
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { code: string }).code).toBe('UNAUTHORIZED');
    const reader = await get('/metrics', basicAuthorization('reader', 'reader-password-1'));
    expect(reader.status).toBe(403);
    expect(((await reader.json()) as { code: string }).code).toBe('FORBIDDEN');
    const badPassword = await get('/metrics', basicAuthorization('scraper', 'not-the-password'));
    expect(badPassword.status).toBe(401);

    const metrics = await scrape(archive);
    expect(sampleValue(metrics, 'pacs_auth_failures_total', { kind: 'metrics_token' })).toBe(1);
    expect(sampleValue(metrics, 'pacs_auth_failures_total', { kind: 'password' })).toBe(1);
  });

  it('gives a metrics account nothing of the archive', async () => {
    const scraper = basicAuthorization('scraper', 'scraper-password-1');
    expect((await get('/dicom-web/studies', scraper)).status).toBe(403);
    expect((await get('/api/users', scraper)).status).toBe(403);
  });

  it('counts a STOW-RS refused by the free-space floor', async () => {
    const result = await stowFiles(archive, CT.slice(0, 1));
    expect(result.status).toBe(503);
    const metrics = await scrape(archive);
    expect(sampleValue(metrics, 'pacs_stow_requests_refused_storage_full_total')).toBe(1);
    expect(histogramOf(metrics, 'pacs_http_request_duration_seconds', { family: 'stow', status: '5xx' }).count).toBe(1);
    expect(sampleValue(metrics, 'pacs_ingest_instances_total', { outcome: 'stored' })).toBe(0);
  });
});

describe('GET /metrics from another machine', () => {
  // The loopback rule is the socket's address: an anonymous caller reaching us over the LAN address is refused.
  const lan = Object.values(os.networkInterfaces())
    .flat()
    .find((address) => address?.family === 'IPv4' && !address.internal)?.address;
  let archive: TestArchive;
  beforeAll(async () => {
    expect(lan, 'a non-loopback IPv4 address to call ourselves on').toBeDefined();
    archive = await startTestArchive({ PACS_HOST: '0.0.0.0', PACS_METRICS_TOKEN: TOKEN });
  });
  afterAll(() => archive.stop());

  it('needs credentials when the caller is not on loopback, even with X-Forwarded-For: 127.0.0.1', async () => {
    const url = `http://${lan}:${new URL(archive.url).port}/metrics`;
    const anonymous = await fetch(url, { headers: { 'x-forwarded-for': '127.0.0.1' } });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { code: string }).code).toBe('UNAUTHORIZED');
    expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await fetch(url, { headers: { authorization: archive.adminAuthorization } })).status).toBe(200);
  });
});

describe('GET /metrics: the series move with the work', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await startTestArchive();
  });
  afterAll(() => archive.stop());

  it('counts stored and refused instances and their bytes exactly, and the index size agrees with QIDO-RS', async () => {
    const stored = await stowFiles(archive, [...CT, OTHER_STUDY]);
    expect(stored.status).toBe(200);
    const notDicom = await stowFiles(archive, [Buffer.from('this is not a DICOM file at all, only text '.repeat(10))]);
    expect(notDicom.status).toBe(409);
    const again = await stowFiles(archive, CT.slice(0, 2));
    expect(again.status).toBe(200);

    const metrics = await scrape(archive);
    const bytes = [...CT, OTHER_STUDY].reduce((sum, file) => sum + file.length, 0);
    expect(sampleValue(metrics, 'pacs_ingest_instances_total', { outcome: 'stored' })).toBe(6);
    expect(sampleValue(metrics, 'pacs_ingest_bytes_total', { outcome: 'stored' })).toBe(bytes);
    expect(sampleValue(metrics, 'pacs_ingest_instances_total', { outcome: 'already_stored' })).toBe(2);
    expect(sampleValue(metrics, 'pacs_ingest_bytes_total', { outcome: 'already_stored' })).toBe(CT[0]!.length + CT[1]!.length);
    expect(sampleValue(metrics, 'pacs_ingest_refused_total', { reason: 'cannot_understand' })).toBe(1);
    expect(sampleValue(metrics, 'pacs_ingest_refused_total', { reason: 'out_of_resources' })).toBe(0);
    expect(histogramOf(metrics, 'pacs_http_request_duration_seconds', { family: 'stow', status: '2xx' }).count).toBe(2);
    expect(histogramOf(metrics, 'pacs_http_request_duration_seconds', { family: 'stow', status: '4xx' }).count).toBe(1);
    // Every instance's object was put (a re-sent identical one too, then dropped); the text's put was
    // abandoned by the ingest, which is no storage failure.
    expect(histogramOf(metrics, 'pacs_storage_operation_duration_seconds', { operation: 'put' }).count).toBe(9);
    expect(sampleValue(metrics, 'pacs_storage_errors_total', { operation: 'put', kind: 'aborted' })).toBe(1);
    expect(sampleValue(metrics, 'pacs_storage_errors_total', { operation: 'put', kind: 'failure' })).toBe(0);

    const count = async (path: string) => ((await (await archive.fetch(`/dicom-web${path}`)).json()) as unknown[]).length;
    expect(sampleValue(metrics, 'pacs_index_studies')).toBe(await count('/studies'));
    expect(sampleValue(metrics, 'pacs_index_series')).toBe(await count('/series'));
    expect(sampleValue(metrics, 'pacs_index_instances')).toBe(await count('/instances'));
    expect(sampleValue(metrics, 'pacs_index_studies')).toBe(2);
    expect(sampleValue(metrics, 'pacs_index_instances')).toBe(6);
    expect(sampleValue(metrics, 'pacs_index_bytes')).toBe(bytes);
  });

  it('puts one QIDO-RS request in its histogram: count +1, every bucket at or over its duration +1, the others +0', async () => {
    const labels = { family: 'qido', status: '2xx' };
    const before = histogramOf(await scrape(archive), 'pacs_http_request_duration_seconds', labels);
    expect((await archive.fetch('/dicom-web/studies?ModalitiesInStudy=CT')).status).toBe(200);
    const after = histogramOf(await scrape(archive), 'pacs_http_request_duration_seconds', labels);

    expect(after.count - before.count).toBe(1);
    const seconds = after.sum - before.sum;
    expect(seconds).toBeGreaterThan(0);
    expect(after.buckets.map((bucket) => bucket.le)).toEqual([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, Infinity]);
    after.buckets.forEach((bucket, i) => {
      expect(bucket.count - before.buckets[i]!.count, `le=${bucket.le}`).toBe(seconds <= bucket.le ? 1 : 0);
      if (i > 0) expect(bucket.count).toBeGreaterThanOrEqual(after.buckets[i - 1]!.count);
    });
    expect(after.buckets.at(-1)!.count).toBe(after.count);
  });

  it('counts DIMSE associations as they end, by outcome', async () => {
    await addRemoteAe(archive, { aeTitle: 'WARD_US', mayStore: true });
    const port = String(archive.dimse!.port);
    expect((await runDcmtk('echoscu', ['-aet', 'WARD_US', '-aec', 'PACS', '127.0.0.1', port])).code).toBe(0);
    expect((await runDcmtk('echoscu', ['-aet', 'STRANGER', '-aec', 'PACS', '127.0.0.1', port])).code).not.toBe(0);
    // The listener tells of an association once its socket is done, which may trail the tool's exit.
    let metrics = await scrape(archive);
    for (
      let attempt = 0;
      attempt < 100 && sampleValue(metrics, 'pacs_dimse_associations_ended_total', { outcome: 'rejected' }) < 1;
      attempt++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      metrics = await scrape(archive);
    }
    expect(sampleValue(metrics, 'pacs_dimse_associations_ended_total', { outcome: 'released' })).toBe(1);
    expect(sampleValue(metrics, 'pacs_dimse_associations_ended_total', { outcome: 'rejected' })).toBe(1);
    expect(sampleValue(metrics, 'pacs_dimse_associations_active')).toBe(0);
  });

  it('counts refused API tokens and share links by kind', async () => {
    const unknown = (token: string) => fetch(`${archive.dicomWeb}/studies`, { headers: { authorization: `Bearer ${token}` } });
    expect((await unknown('pat_not-a-token-this-archive-ever-made')).status).toBe(401);
    expect((await unknown('psh_not-a-share-link-this-archive-made')).status).toBe(401);
    expect((await unknown('psh_not-a-share-link-this-archive-made')).status).toBe(401);
    const metrics = await scrape(archive);
    expect(sampleValue(metrics, 'pacs_auth_failures_total', { kind: 'api_token' })).toBe(1);
    expect(sampleValue(metrics, 'pacs_auth_failures_total', { kind: 'share_link' })).toBe(2);
    expect(sampleValue(metrics, 'pacs_auth_failures_total', { kind: 'password' })).toBe(0);
  });

  it('reports the process, the disk, the start-up sweep, DIMSE, shares and transfers', async () => {
    const metrics = await scrape(archive);
    for (const name of ['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds']) {
      expect(sampleValue(metrics, name)).toBeGreaterThan(0);
    }
    expect(sampleValue(metrics, 'pacs_disk_free_bytes')).toBeGreaterThan(0);
    expect(sampleValue(metrics, 'pacs_disk_floor_bytes')).toBeGreaterThan(0);
    expect(sampleValue(metrics, 'pacs_startup_swept_objects')).toBe(0);
    expect(sampleValue(metrics, 'pacs_dimse_associations_active')).toBe(0);
    expect(sampleValue(metrics, 'pacs_shares_active')).toBe(0);
    expect(sampleValue(metrics, 'pacs_transfer_jobs', { status: 'queued' })).toBe(0);
    // Labels stay bounded: no UID, path or user name in any label value.
    for (const family of metrics.values()) {
      for (const sample of family.samples)
        for (const value of Object.values(sample.labels)) expect(value).not.toMatch(/\d+\.\d+\.\d+\.\d+\.|\/|admin/);
    }
  });
});

describe('PACS_METRICS=false', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await startTestArchive({ PACS_METRICS: 'false' });
  });
  afterAll(() => archive.stop());

  it('has no /metrics', async () => {
    expect((await archive.fetch('/metrics')).status).toBe(404);
    expect((await fetch(`${archive.url}/metrics`)).status).toBe(404);
  });
});
