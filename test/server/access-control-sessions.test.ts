import { describe, expect, it } from 'vitest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { admin, archive, CT, PASSWORD, STUDY, useArchiveWithCt } from '../helpers/access-archive';
import { basic, bearer, call, createUser, errorOf, sessionCookieOf, storeAs } from '../helpers/access-client';
import { corpusFile } from '../helpers/corpus';

/**
 * Sessions and API tokens over real HTTP (issue 5): the browser session cookie and its CSRF
 * protection, API tokens as Bearer until revoked, and what ends a session at once (a disabled
 * account, a one-time password replaced). Headers and CORS: web-hardening.test.ts. The archive
 * runs anonymous: every request carries only the credentials written here.
 */

describe('access control', () => {
  useArchiveWithCt();

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
    expect(view.permissions).toEqual(['search', 'read', 'download', 'store', 'annotate', 'share', 'transfer']);
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
