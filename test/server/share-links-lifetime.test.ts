import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import {
  adminHeaders,
  bearer,
  call,
  createShare,
  createUser,
  errorOf,
  sessionCookieOf,
  storeAs,
  type HeaderMap,
} from '../helpers/access-client';
import { corpusFile } from '../helpers/corpus';
import { A, A_STUDY, B, randomUid, uidsOf } from '../helpers/share-studies';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * The lifetime of a share link, over real HTTP (issue 5): expiry, revocation and the PIN act at
 * once, also on the guest session a link opened; who lists and revokes which shares; malformed
 * share requests. What a link reaches: share-links-scope.test.ts.
 */

describe('share links: expiry, revocation and PIN', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await startTestArchive();
    expect(
      (
        await storeAs(
          archive,
          adminHeaders(archive),
          A.map((e) => corpusFile(e.path)),
        )
      ).status,
    ).toBe(200);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  const openShare = (body: Record<string, unknown>) => call(archive, 'POST', '/api/shares/open', {}, body);
  const GONE = 'This share link is unknown, has expired or was revoked.';

  it('refuses an expired link at once, also to the guest session it opened', async () => {
    const share = await createShare(archive, { studyInstanceUID: A_STUDY, expiresInHours: 0.0003 });
    expect(Math.abs(Date.parse(share.expiresAt) - Date.parse(share.createdAt as string) - 1080)).toBeLessThan(50);
    const opened = await openShare({ token: share.token });
    expect(opened.status).toBe(200);
    expect(opened.json).toMatchObject({
      kind: 'share',
      share: { id: share.id, studyInstanceUID: A_STUDY, permissions: ['read'] },
      permissions: ['search', 'read'],
    });
    const cookie = sessionCookieOf(opened);
    expect((await call(archive, 'GET', '/dicom-web/studies', cookie)).status).toBe(200);
    expect((await call(archive, 'GET', '/dicom-web/studies', bearer(share.token))).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const bearerAnswer = await call(archive, 'GET', '/dicom-web/studies', bearer(share.token));
    expect(bearerAnswer.status).toBe(401);
    expect(errorOf(bearerAnswer).code).toBe('UNAUTHORIZED');
    expect((await call(archive, 'GET', `/dicom-web/studies/${A_STUDY}/metadata`, cookie)).status).toBe(401);
    expect((await call(archive, 'GET', '/api/session', cookie)).status).toBe(401);
    const reopened = await openShare({ token: share.token });
    expect(reopened.status).toBe(401);
    expect(errorOf(reopened).message).toBe(GONE);
  });

  it('refuses a revoked link at once, also to the guest session it opened', async () => {
    const share = await createShare(archive, { studyInstanceUID: A_STUDY });
    const cookie = sessionCookieOf(await openShare({ token: share.token }));
    expect((await call(archive, 'GET', `/dicom-web/studies/${A_STUDY}/metadata`, cookie)).status).toBe(200);
    expect((await call(archive, 'GET', `/dicom-web/studies/${A_STUDY}/metadata`, bearer(share.token))).status).toBe(200);

    expect((await call(archive, 'DELETE', `/api/shares/${share.id}`, adminHeaders(archive))).status).toBe(204);
    expect((await call(archive, 'GET', `/dicom-web/studies/${A_STUDY}/metadata`, bearer(share.token))).status).toBe(401);
    expect((await call(archive, 'GET', `/dicom-web/studies/${A_STUDY}/metadata`, cookie)).status).toBe(401);
    expect(errorOf(await openShare({ token: share.token })).message).toBe(GONE);
    const listed = (await call(archive, 'GET', '/api/shares', adminHeaders(archive))).json as Array<{
      id: string;
      revokedAt: string | null;
    }>;
    expect(listed.find((s) => s.id === share.id)?.revokedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await call(archive, 'DELETE', '/api/shares/no-such-share', adminHeaders(archive))).status).toBe(404);
  });

  it('asks for the PIN, refuses a wrong one, and locks the link after 5 wrong PINs', async () => {
    const share = await createShare(archive, { studyInstanceUID: A_STUDY, pin: '4711' });
    expect(share.pinRequired).toBe(true);
    const noPin = await openShare({ token: share.token });
    expect(noPin.status).toBe(401);
    expect(errorOf(noPin).message).toBe('This share link needs its PIN.');
    expect(noPin.headers.getSetCookie()).toEqual([]);
    const wrong = await openShare({ token: share.token, pin: '1234' });
    expect(wrong.status).toBe(401);
    expect(errorOf(wrong).message).toBe('The PIN is wrong.');
    // Asking without a PIN first is no failure; 5 wrong PINs are.
    for (let i = 0; i < 4; i++) expect((await openShare({ token: share.token, pin: `000${i}` })).status).toBe(401);
    const locked = await openShare({ token: share.token, pin: '4711' });
    expect(locked.status).toBe(429);
    expect(errorOf(locked).code).toBe('TOO_MANY_REQUESTS');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(29);
    expect((await call(archive, 'GET', '/dicom-web/studies', { ...bearer(share.token), 'x-share-pin': '4711' })).status).toBe(429);
  });

  it('takes the PIN of a Bearer client in X-Share-PIN', async () => {
    const share = await createShare(archive, { studyInstanceUID: A_STUDY, pin: 'blue-heron' });
    const without = await call(archive, 'GET', '/dicom-web/studies', bearer(share.token));
    expect(without.status).toBe(401);
    expect(errorOf(without).message).toBe('This share link needs its PIN.');
    expect(errorOf(await call(archive, 'GET', '/dicom-web/studies', { ...bearer(share.token), 'x-share-pin': 'red-heron' })).message).toBe(
      'The PIN is wrong.',
    );
    const withPin = await call(archive, 'GET', '/dicom-web/studies', { ...bearer(share.token), 'x-share-pin': 'blue-heron' });
    expect(withPin.status).toBe(200);
    expect(uidsOf(withPin.json as DicomJson[], '0020000D')).toEqual([A_STUDY]);
    const opened = await openShare({ token: share.token, pin: 'blue-heron' });
    expect(opened.status).toBe(200);
    expect((await call(archive, 'GET', '/dicom-web/studies', sessionCookieOf(opened))).status).toBe(200);
  });

  it("lists a radiologist's own shares only, and lets only their creator or an admin revoke them", async () => {
    const users = [
      { username: 'dr-an', password: 'a-long-enough-password', role: 'radiologist' },
      { username: 'dr-bao', password: 'a-long-enough-password', role: 'radiologist' },
    ];
    const [an, bao] = await Promise.all(users.map((u) => createUser(archive, u)));
    const created = await call(archive, 'POST', '/api/shares', an!, { studyInstanceUID: A_STUDY });
    expect(created.status).toBe(201);
    const { id } = created.json as { id: string };
    const ids = async (headers: HeaderMap, query = '') =>
      ((await call(archive, 'GET', `/api/shares${query}`, headers)).json as Array<{ id: string }>).map((s) => s.id);
    expect(await ids(an!)).toEqual([id]);
    expect(await ids(bao!)).toEqual([]);
    expect(await ids(adminHeaders(archive), '?all=true')).toContain(id);
    expect(await ids(bao!, '?all=true')).toEqual([]);
    expect((await call(archive, 'DELETE', `/api/shares/${id}`, bao!)).status).toBe(404);
    expect((await call(archive, 'DELETE', `/api/shares/${id}`, an!)).status).toBe(204);
  });

  it('refuses malformed share requests with a precise 4xx', async () => {
    const cases: Array<[Record<string, unknown>, number]> = [
      [{ studyInstanceUID: 'not a uid' }, 400],
      [{ studyInstanceUID: randomUid() }, 404],
      [{ studyInstanceUID: A_STUDY, permissions: ['download'] }, 400],
      [{ studyInstanceUID: A_STUDY, expiresInHours: 0 }, 400],
      [{ studyInstanceUID: A_STUDY, expiresInHours: 100_000 }, 400],
      [{ studyInstanceUID: A_STUDY, pin: '12' }, 400],
      [{ studyInstanceUID: A_STUDY, seriesInstanceUIDs: [B.seriesInstanceUID] }, 404],
    ];
    for (const [body, status] of cases) {
      const answer = await call(archive, 'POST', '/api/shares', adminHeaders(archive), body);
      expect(answer.status, JSON.stringify(body)).toBe(status);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });
});
