import http from 'node:http';
import { describe, expect, it } from 'vitest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { admin, archive, SERIES, SOP, STUDY, useArchiveWithCt } from '../helpers/access-archive';
import { call, errorOf, type Answer, type HeaderMap } from '../helpers/access-client';

/**
 * The anonymous caller over real HTTP (issue 5): every route of the DICOMweb route table and every
 * private /api route answers 401, and HTTP Basic is offered to a program, not to a browser. The
 * archive runs anonymous: every request carries only the credentials written here.
 */

interface CapabilityResource {
  path: string;
  methods: Array<{ name: string }>;
  resources: CapabilityResource[];
}

/** Every (method, path) of the DICOMweb route table, from Retrieve Capabilities (built from that table). */
function routeTable(resources: CapabilityResource[], prefix = ''): Array<{ method: string; path: string }> {
  return resources.flatMap((r) => {
    const path = `${prefix}/${r.path.replace(/^\//, '')}`;
    return [...r.methods.map((m) => ({ method: m.name, path })), ...routeTable(r.resources, path)];
  });
}

/** A route template with real UIDs of a stored study filled in. */
function concrete(path: string): string {
  return path
    .replace('{study}', STUDY)
    .replace('{series}', SERIES)
    .replace('{instance}', SOP)
    .replace('{frames}', '1')
    .replace(/\{\*?path\}/, '7FE00010');
}

/** A request through node:http, which (unlike fetch) sends no Sec-Fetch-Mode: what a program sends. */
function plainRequest(url: string, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function expectUnauthorized(answer: Answer, what: string): void {
  expect(answer.status, what).toBe(401);
  expect(answer.headers.get('content-type'), what).toMatch(/^application\/json/);
  expect(errorOf(answer).code, what).toBe('UNAUTHORIZED');
  expect(answer.headers.get('www-authenticate'), what).toMatch(/Bearer realm="PACS"/);
}

describe('access control', () => {
  useArchiveWithCt();

  it('answers every route of the DICOMweb route table and every private /api route 401 without credentials', async () => {
    const capabilities = await call(archive, 'OPTIONS', '/dicom-web', { ...admin(), accept: 'application/json' });
    expect(capabilities.status).toBe(200);
    const routes = routeTable((capabilities.json as { resources: CapabilityResource[] }).resources);
    const paths = new Set(routes.map((r) => r.path));
    // The table as router.ts declares it: QIDO, retrieve, metadata, frames, rendered, thumbnail, bulkdata, WADO-URI.
    for (const expected of [
      '/studies',
      '/series',
      '/instances',
      '/studies/{study}/series/{series}/instances/{instance}/frames/{frames}',
      '/studies/{study}/thumbnail',
      '/studies/{study}/series/{series}/instances/{instance}/frames/{frames}/rendered',
      '/wado',
    ]) {
      expect(paths, expected).toContain(expected);
    }
    expect([...paths].some((p) => p.includes('/bulkdata/'))).toBe(true);
    expect(routes.filter((r) => r.method === 'DELETE')).toHaveLength(3);
    expect(routes.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(routes.length).toBeGreaterThanOrEqual(28);

    const requests: Array<{ method: string; path: string; headers?: HeaderMap }> = [
      ...routes.map((r) => ({ method: r.method, path: `/dicom-web${concrete(r.path)}` })),
      ...[...paths].map((p) => ({ method: 'OPTIONS', path: `/dicom-web${concrete(p)}` })),
      { method: 'OPTIONS', path: '/dicom-web' },
      { method: 'GET', path: `/dicom-web/studies/${STUDY}?accept=application/zip` },
      { method: 'GET', path: `/dicom-web/studies/${STUDY}`, headers: { accept: 'application/zip' } },
      {
        method: 'GET',
        path: `/wado?requestType=WADO&studyUID=${STUDY}&seriesUID=${SERIES}&objectUID=${SOP}&contentType=application/dicom`,
      },
      { method: 'GET', path: `/dicom-web/wado?requestType=WADO&studyUID=${STUDY}&seriesUID=${SERIES}&objectUID=${SOP}` },
      {
        method: 'POST',
        path: `/dicom-web/studies/${STUDY}`,
        headers: { 'content-type': 'multipart/related; type="application/dicom"; boundary=x' },
      },
      { method: 'GET', path: '/api/session' },
      { method: 'POST', path: '/api/password' },
      { method: 'GET', path: '/api/users' },
      { method: 'POST', path: '/api/users' },
      { method: 'PATCH', path: '/api/users/admin' },
      { method: 'GET', path: '/api/tokens' },
      { method: 'POST', path: '/api/tokens' },
      { method: 'DELETE', path: '/api/tokens/abc' },
      { method: 'GET', path: '/api/shares' },
      { method: 'POST', path: '/api/shares' },
      { method: 'DELETE', path: '/api/shares/abc' },
      { method: 'GET', path: '/api/audit' },
      { method: 'GET', path: '/api/audit?format=csv' },
      { method: 'GET', path: '/api/consultations' },
      { method: 'POST', path: '/api/consultations' },
      { method: 'GET', path: '/api/consultations/abc' },
      { method: 'POST', path: '/api/consultations/abc/opinion' },
      { method: 'POST', path: '/api/consultations/abc/close' },
      { method: 'GET', path: `/api/studies/${STUDY}/annotations` },
      { method: 'POST', path: `/api/studies/${STUDY}/annotations` },
      { method: 'PUT', path: `/api/studies/${STUDY}/annotations/abc` },
      { method: 'DELETE', path: `/api/studies/${STUDY}/annotations/abc` },
      { method: 'GET', path: '/api/no-such-route' },
    ];
    for (const { method, path, headers } of requests) expectUnauthorized(await call(archive, method, path, headers), `${method} ${path}`);

    // The study is still there: the anonymous DELETEs did nothing.
    const search = await call(archive, 'GET', `/dicom-web/studies?StudyInstanceUID=${STUDY}`, admin());
    expect(search.json as DicomJson[]).toHaveLength(1);
    // The public /api routes answer without an account.
    expect((await call(archive, 'POST', '/api/logout')).status).toBe(204);
    expect((await call(archive, 'POST', '/api/shares/open', {}, { token: 'psh_unknown' })).status).toBe(401);
  });

  it('offers HTTP Basic to a program but not to a browser (which would pop up its own dialog)', async () => {
    const program = await plainRequest(`${archive.dicomWeb}/studies`);
    expect(program.status).toBe(401);
    expect(program.headers['www-authenticate']).toMatch(/^Basic realm="PACS"/);
    expect(JSON.parse(program.body)).toMatchObject({ code: 'UNAUTHORIZED' });
    const browser = await call(archive, 'GET', '/dicom-web/studies'); // Node's fetch sends Sec-Fetch-Mode: cors
    expect(browser.headers.get('www-authenticate')).toBe('Bearer realm="PACS"');
  });
});
