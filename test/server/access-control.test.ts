import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { FailureThrottle } from '../../server/auth/failure-throttle';
import {
  adminHeaders,
  basic,
  bearer,
  call,
  createUser,
  errorOf,
  sessionCookieOf,
  storeAs,
  type Answer,
  type HeaderMap,
} from '../helpers/access-client';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { firstValue } from '../helpers/dicomweb-http';
import { startTestArchive, TEST_ADMIN, type TestArchive } from '../helpers/start-app';

/**
 * Access control over real HTTP (issue 5): accounts and roles, the anonymous caller, failed
 * sign-ins, browser sessions with CSRF protection, API tokens (headers and CORS: web-hardening.test.ts).
 * The archive runs anonymous: every request carries only the credentials written here.
 */

const CT = corpusEntry('transfer-syntaxes/ct1-1.2.1_explicit-vr-le.dcm');
const STUDY = CT.studyInstanceUID!;
const SERIES = CT.seriesInstanceUID!;
const SOP = CT.sopInstanceUID!;
const PASSWORD = 'a-long-enough-password';

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
  let archive: TestArchive;
  const admin = () => adminHeaders(archive);

  beforeAll(async () => {
    archive = await startTestArchive();
    expect((await storeAs(archive, admin(), [corpusFile(CT.path)])).status).toBe(200);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('a device account stores through STOW-RS with HTTP Basic but cannot search', async () => {
    const device = await createUser(archive, { username: 'ct-scanner', password: PASSWORD, role: 'device' });
    const other = corpusEntry('transfer-syntaxes/ct1-1.2.4.50_jpeg-baseline.dcm');
    const stored = await storeAs(archive, device, [corpusFile(other.path)]);
    expect(stored.status).toBe(200);
    const referenced = (stored.json as DicomJson)['00081199']?.Value as DicomJson[];
    expect(referenced.map((r) => firstValue(r, '00081155'))).toEqual([other.sopInstanceUID]);

    const search = await call(archive, 'GET', '/dicom-web/studies', device);
    expect(search.status).toBe(403);
    expect(errorOf(search)).toEqual({ code: 'FORBIDDEN', message: expect.stringContaining('device') as string });
    expect((await call(archive, 'GET', `/dicom-web/studies/${STUDY}/metadata`, device)).status).toBe(403);
    // The admin sees what the device stored.
    const instances = await call(archive, 'GET', `/dicom-web/studies/${STUDY}/instances`, admin());
    expect((instances.json as DicomJson[]).map((i) => firstValue(i, '00080018')).sort()).toEqual([SOP, other.sopInstanceUID].sort());
  });

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

  it('lets a clinician search and retrieve but not delete', async () => {
    const clinician = await createUser(archive, { username: 'dr-lan', password: PASSWORD, role: 'clinician' });
    const search = await call(archive, 'GET', `/dicom-web/studies?StudyInstanceUID=${STUDY}`, clinician);
    expect(search.status).toBe(200);
    expect((search.json as DicomJson[]).map((s) => firstValue(s, '0020000D'))).toEqual([STUDY]);
    const metadata = await call(archive, 'GET', `/dicom-web/studies/${STUDY}/series/${SERIES}/instances/${SOP}/metadata`, clinician);
    expect(firstValue((metadata.json as DicomJson[])[0], '00080018')).toBe(SOP);
    const res = await fetch(`${archive.dicomWeb}/studies/${STUDY}/series/${SERIES}/instances/${SOP}/frames/1`, {
      headers: { ...clinician, accept: 'multipart/related; type="application/octet-stream"' },
    });
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(512 * 512 * 2);

    const refused = await call(archive, 'DELETE', `/dicom-web/studies/${STUDY}`, clinician);
    expect(refused.status).toBe(403);
    expect(errorOf(refused).code).toBe('FORBIDDEN');
    expect((await call(archive, 'DELETE', `/dicom-web/studies/${STUDY}/series/${SERIES}/instances/${SOP}`, clinician)).status).toBe(403);
    expect((await call(archive, 'POST', '/api/shares', clinician, { studyInstanceUID: STUDY })).status).toBe(403);
    const after = await call(archive, 'GET', `/dicom-web/studies/${STUDY}/instances`, admin());
    expect((after.json as DicomJson[]).map((i) => firstValue(i, '00080018'))).toContain(SOP);
  });

  it('keeps a radiologist out of account management', async () => {
    const radiologist = await createUser(archive, { username: 'dr-minh', password: PASSWORD, role: 'radiologist' });
    const users = await call(archive, 'GET', '/api/users', radiologist);
    expect(users.status).toBe(403);
    expect(errorOf(users).code).toBe('FORBIDDEN');
    expect(
      (await call(archive, 'POST', '/api/users', radiologist, { username: 'intruder', password: PASSWORD, role: 'admin' })).status,
    ).toBe(403);
    expect((await call(archive, 'GET', '/api/audit', radiologist)).status).toBe(403);
    const list = await call(archive, 'GET', '/api/users', admin());
    expect((list.json as Array<{ username: string }>).map((u) => u.username)).not.toContain('intruder');
  });

  it('checks new HTTP Basic credentials once when several requests bring them at the same moment', async () => {
    const scanner = await createUser(archive, { username: 'ct-scanner-2', password: PASSWORD, role: 'clinician' });
    const answers = await Promise.all(Array.from({ length: 4 }, () => call(archive, 'GET', '/dicom-web/studies', scanner)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    const logins = await call(archive, 'GET', '/api/audit?user=ct-scanner-2&action=login', admin());
    expect((logins.json as { total: number }).total).toBe(1);
  });

  it('refuses a wrong password, locks the account after 5 failures (429 with Retry-After, even with the right password), then lets it in again', async () => {
    await createUser(archive, { username: 'dr-hoa', password: PASSWORD, role: 'clinician' });
    // A one-second first lock instead of 30 s, so that the end of the lock is seen here.
    archive.access.throttles.account = new FailureThrottle(5, 15 * 60_000, 1_000);
    for (let i = 0; i < 5; i++) {
      const wrong = await call(archive, 'GET', '/dicom-web/studies', basic('dr-hoa', `wrong-password-${i}`));
      expect(wrong.status).toBe(401);
      expect(errorOf(wrong).code).toBe('UNAUTHORIZED');
    }
    const locked = await call(archive, 'GET', '/dicom-web/studies', basic('dr-hoa', PASSWORD));
    expect(locked.status).toBe(429);
    expect(errorOf(locked).code).toBe('TOO_MANY_REQUESTS');
    expect(Number(locked.headers.get('retry-after'))).toBe(1);
    const login = await call(archive, 'POST', '/api/login', {}, { username: 'DR-HOA', password: PASSWORD });
    expect(login.status).toBe(429); // usernames are case-insensitive, and so is the lock
    // Another account is not locked.
    expect((await call(archive, 'GET', '/dicom-web/studies', basic(TEST_ADMIN.username, TEST_ADMIN.password))).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await call(archive, 'GET', '/dicom-web/studies', basic('dr-hoa', PASSWORD))).status).toBe(200);
  });

  it('doubles the lock with each further failure, up to the maximum, and forgets after a success', () => {
    const throttle = new FailureThrottle(5, 15 * 60_000, 30_000, 15 * 60_000);
    const t0 = 1_000_000;
    for (let i = 0; i < 4; i++) throttle.fail('dr-hoa', t0);
    expect(() => throttle.check('dr-hoa', t0)).not.toThrow();
    throttle.fail('dr-hoa', t0);
    const retryAfter = (now: number) => {
      try {
        throttle.check('dr-hoa', now);
        return 0;
      } catch (error) {
        return (error as { retryAfterSeconds: number }).retryAfterSeconds;
      }
    };
    expect(retryAfter(t0)).toBe(30);
    expect(retryAfter(t0 + 30_000)).toBe(0);
    throttle.fail('dr-hoa', t0 + 30_000);
    expect(retryAfter(t0 + 30_000)).toBe(60);
    throttle.fail('dr-hoa', t0 + 90_000);
    expect(retryAfter(t0 + 90_000)).toBe(120);
    for (let i = 0; i < 10; i++) throttle.fail('dr-hoa', t0 + 100_000);
    expect(retryAfter(t0 + 100_000)).toBe(15 * 60);
    expect(retryAfter(t0 + 100_000)).toBe(900);
    throttle.succeed('dr-hoa');
    expect(retryAfter(t0 + 100_000)).toBe(0);
  });

  it('signs in with an HttpOnly SameSite=Strict cookie; state-changing calls need the CSRF token and our own origin', async () => {
    await createUser(archive, { username: 'dr-thu', password: PASSWORD, role: 'radiologist' });
    const login = await call(archive, 'POST', '/api/login', {}, { username: 'dr-thu', password: PASSWORD });
    expect(login.status).toBe(200);
    const setCookie = login.headers.getSetCookie().find((c) => c.startsWith('pacs_session='))!;
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Strict/i);
    expect(setCookie).toMatch(/; Path=\//i);
    expect(setCookie).not.toMatch(/; Secure/i); // plain http on loopback
    const view = login.json as { kind: string; user: { username: string; role: string }; permissions: string[]; csrfToken: string };
    expect(view).toMatchObject({ kind: 'user', user: { username: 'dr-thu', role: 'radiologist' } });
    expect(view.permissions).toEqual(['search', 'read', 'download', 'store', 'annotate', 'share']);
    expect(view.csrfToken.length).toBeGreaterThanOrEqual(20);
    const cookie = sessionCookieOf(login);

    expect((await call(archive, 'GET', '/dicom-web/studies', cookie)).status).toBe(200);
    const session = await call(archive, 'GET', '/api/session', cookie);
    expect(session.json).toMatchObject({ kind: 'user', csrfToken: view.csrfToken });

    const noToken = await call(archive, 'POST', '/api/tokens', cookie, { name: 'script' });
    expect(noToken.status).toBe(403);
    expect(errorOf(noToken).message).toMatch(/X-CSRF-Token/);
    expect((await call(archive, 'POST', '/api/tokens', { ...cookie, 'x-csrf-token': 'forged' }, { name: 'script' })).status).toBe(403);
    const stowRefused = await storeAs(archive, cookie, [corpusFile(CT.path)]);
    expect(stowRefused.status).toBe(403);
    const withToken = await call(archive, 'POST', '/api/tokens', { ...cookie, 'x-csrf-token': view.csrfToken }, { name: 'script' });
    expect(withToken.status).toBe(201);
    expect((await storeAs(archive, { ...cookie, 'x-csrf-token': view.csrfToken }, [corpusFile(CT.path)])).status).toBe(200);

    // Another site's page cannot make a state-changing call, whatever credentials ride along.
    const foreign = { origin: 'https://evil.example' };
    const cross = await call(archive, 'POST', '/api/tokens', { ...cookie, 'x-csrf-token': view.csrfToken, ...foreign }, { name: 'x' });
    expect(cross.status).toBe(403);
    expect(errorOf(cross).message).toMatch(/another site/);
    expect((await call(archive, 'DELETE', `/dicom-web/studies/${STUDY}`, { ...admin(), ...foreign })).status).toBe(403);
    expect((await call(archive, 'POST', '/api/login', foreign, { username: 'dr-thu', password: PASSWORD })).status).toBe(403);
    // Reading from another origin is not state-changing (CORS decides what its page may read).
    expect((await call(archive, 'GET', '/dicom-web/studies', { ...admin(), ...foreign })).status).toBe(200);
    // Our own origin is fine.
    expect(
      (
        await call(
          archive,
          'POST',
          '/api/tokens',
          { ...cookie, 'x-csrf-token': view.csrfToken, origin: new URL(archive.url).origin },
          { name: 'y' },
        )
      ).status,
    ).toBe(201);

    const logout = await call(archive, 'POST', '/api/logout', { ...cookie, 'x-csrf-token': view.csrfToken });
    expect(logout.status).toBe(204);
    expect((await call(archive, 'GET', '/dicom-web/studies', cookie)).status).toBe(401);
  });

  it('accepts an API token as Bearer until it is revoked', async () => {
    const clinician = await createUser(archive, { username: 'gateway', password: PASSWORD, role: 'clinician' });
    const created = await call(archive, 'POST', '/api/tokens', clinician, { name: 'nightly export', expiresInDays: 30 });
    expect(created.status).toBe(201);
    const token = created.json as { id: string; name: string; token: string; expiresAt: string; createdAt: string };
    expect(token.name).toBe('nightly export');
    expect(token.token).toMatch(/^pat_[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(token.expiresAt) - Date.parse(token.createdAt)).toBe(30 * 86_400_000);
    const search = await call(archive, 'GET', `/dicom-web/studies?StudyInstanceUID=${STUDY}`, bearer(token.token));
    expect(search.status).toBe(200);
    expect(search.json as DicomJson[]).toHaveLength(1);
    // The token has the rights of its account: a clinician's token cannot delete.
    expect((await call(archive, 'DELETE', `/dicom-web/studies/${STUDY}`, bearer(token.token))).status).toBe(403);
    const listed = await call(archive, 'GET', '/api/tokens', clinician);
    expect(listed.text).not.toContain(token.token);
    expect((listed.json as Array<{ id: string; lastUsedAt: string | null }>).find((t) => t.id === token.id)?.lastUsedAt).not.toBeNull();

    expect((await call(archive, 'DELETE', `/api/tokens/${token.id}`, clinician)).status).toBe(204);
    const revoked = await call(archive, 'GET', '/dicom-web/studies', bearer(token.token));
    expect(revoked.status).toBe(401);
    expect(errorOf(revoked).message).toMatch(/unknown, expired or revoked/);
    expect((await call(archive, 'GET', '/dicom-web/studies', bearer('pat_not-a-token'))).status).toBe(401);
    expect((await call(archive, 'POST', '/api/tokens', clinician, { name: 'too long', expiresInDays: 367 })).status).toBe(400);
  });

  it('ends the sessions of a disabled account at once', async () => {
    const basicAuth = await createUser(archive, { username: 'dr-nam', password: PASSWORD, role: 'clinician' });
    const login = await call(archive, 'POST', '/api/login', {}, { username: 'dr-nam', password: PASSWORD });
    const cookie = sessionCookieOf(login);
    expect((await call(archive, 'GET', '/dicom-web/studies', cookie)).status).toBe(200);
    expect((await call(archive, 'GET', '/dicom-web/studies', basicAuth)).status).toBe(200); // now in the Basic cache

    const disabled = await call(archive, 'PATCH', '/api/users/dr-nam', admin(), { disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.json).toMatchObject({ username: 'dr-nam', disabled: true });
    expect((await call(archive, 'GET', '/dicom-web/studies', cookie)).status).toBe(401);
    expect((await call(archive, 'GET', '/api/session', cookie)).status).toBe(401);
    expect((await call(archive, 'GET', '/dicom-web/studies', basicAuth)).status).toBe(401);
    expect((await call(archive, 'POST', '/api/login', {}, { username: 'dr-nam', password: PASSWORD })).status).toBe(401);

    await call(archive, 'PATCH', '/api/users/dr-nam', admin(), { disabled: false });
    expect((await call(archive, 'GET', '/dicom-web/studies', basicAuth)).status).toBe(200);
    expect((await call(archive, 'GET', '/dicom-web/studies', cookie)).status).toBe(401); // the old session stays ended
  });

  it('keeps an account with a one-time password at 403 until it sets a new one', async () => {
    await createUser(archive, { username: 'dr-tam', password: PASSWORD, role: 'radiologist', mustChangePassword: true });
    const login = await call(archive, 'POST', '/api/login', {}, { username: 'dr-tam', password: PASSWORD });
    expect(login.status).toBe(200);
    const view = login.json as { user: { mustChangePassword: boolean }; permissions: string[]; csrfToken: string };
    expect(view.user.mustChangePassword).toBe(true);
    expect(view.permissions).toEqual([]);
    const cookie = { ...sessionCookieOf(login), 'x-csrf-token': view.csrfToken };
    for (const [method, path] of [
      ['GET', '/dicom-web/studies'],
      ['GET', `/dicom-web/studies/${STUDY}/metadata`],
      ['GET', '/api/shares'],
      ['POST', '/api/tokens'],
    ] as const) {
      const answer = await call(archive, method, path, cookie, method === 'POST' ? { name: 'x' } : undefined);
      expect(answer.status, `${method} ${path}`).toBe(403);
    }
    expect(errorOf(await call(archive, 'GET', '/dicom-web/studies', cookie)).message).toMatch(/POST \/api\/password/);

    expect((await call(archive, 'POST', '/api/password', cookie, { currentPassword: PASSWORD, newPassword: 'short' })).status).toBe(400);
    const changed = await call(archive, 'POST', '/api/password', cookie, {
      currentPassword: PASSWORD,
      newPassword: 'a-brand-new-password',
    });
    expect(changed.status).toBe(200);
    const fresh = changed.json as { user: { mustChangePassword: boolean }; csrfToken: string };
    expect(fresh.user.mustChangePassword).toBe(false);
    expect(fresh.csrfToken).not.toBe(view.csrfToken);
    const newCookie = sessionCookieOf(changed);
    expect((await call(archive, 'GET', '/dicom-web/studies', newCookie)).status).toBe(200);
    expect((await call(archive, 'GET', '/dicom-web/studies', cookie)).status).toBe(401); // the old session ended
    expect((await call(archive, 'GET', '/dicom-web/studies', basic('dr-tam', 'a-brand-new-password'))).status).toBe(200);
    expect((await call(archive, 'GET', '/dicom-web/studies', basic('dr-tam', PASSWORD))).status).toBe(401);
  });

  it('treats a right one-time password over HTTP Basic as signed in but limited to POST /api/password', async () => {
    const oneTime = await createUser(archive, { username: 'ris-gateway', password: PASSWORD, role: 'clinician', mustChangePassword: true });
    const search = await call(archive, 'GET', '/dicom-web/studies', oneTime);
    expect(search.status).toBe(403);
    expect(errorOf(search).message).toMatch(/POST \/api\/password/);
    expect((await call(archive, 'GET', '/dicom-web/studies', basic('ris-gateway', 'not-the-password'))).status).toBe(401);
    expect(
      (await call(archive, 'POST', '/api/password', oneTime, { currentPassword: PASSWORD, newPassword: 'gateway-password-2' })).status,
    ).toBe(204);
    expect((await call(archive, 'GET', '/dicom-web/studies', oneTime)).status).toBe(401);
    expect((await call(archive, 'GET', '/dicom-web/studies', basic('ris-gateway', 'gateway-password-2'))).status).toBe(200);
  });
});
