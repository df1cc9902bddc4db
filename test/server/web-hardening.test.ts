import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archive, admin, STUDY, useArchiveWithCt } from '../helpers/access-archive';
import { adminHeaders, call } from '../helpers/access-client';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * Web hardening over real HTTP (issue 5): the security headers on every kind of answer, and
 * CORS only for the configured origins.
 */

describe('security headers', () => {
  useArchiveWithCt();

  it('sends the document headers on the viewer and the short data policy on DICOMweb answers and errors', async () => {
    const viewer = await call(archive, 'GET', '/');
    const csp = viewer.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(viewer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(viewer.headers.get('referrer-policy')).toBe('no-referrer');
    expect(viewer.headers.get('x-frame-options')).toBe('DENY');
    expect(viewer.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    // A worker runs under the policy of its own script: scripts keep the viewer's.
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(viewer.text)?.[1];
    expect(script).toBeDefined();
    const scriptAnswer = await call(archive, 'GET', script!);
    expect(scriptAnswer.status).toBe(200);
    expect(scriptAnswer.headers.get('content-security-policy')).toBe(csp);

    const answers = {
      studies: await call(archive, 'GET', '/dicom-web/studies', admin()),
      unauthorized: await call(archive, 'GET', '/dicom-web/studies'),
      notFound: await call(archive, 'GET', `/dicom-web/studies/${STUDY}.999/metadata`, admin()),
      badUid: await call(archive, 'GET', '/dicom-web/studies/not-a-uid/metadata', admin()),
      metadata: await call(archive, 'GET', `/dicom-web/studies/${STUDY}/metadata`, admin()),
    };
    expect(answers.studies.status).toBe(200);
    expect(answers.notFound.status).toBe(404);
    expect(answers.badUid.status).toBe(400);
    for (const [name, answer] of Object.entries(answers)) {
      expect(answer.headers.get('content-security-policy'), name).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(answer.headers.get('x-content-type-options'), name).toBe('nosniff');
      // Headers that act only on documents are not sent with data.
      expect(answer.headers.get('referrer-policy'), name).toBeNull();
      expect(answer.headers.get('cross-origin-opener-policy'), name).toBeNull();
    }
  });
});

describe('CORS with access control', () => {
  const VIEWER = 'https://viewer.hospital.example';
  let corsArchive: TestArchive;
  beforeAll(async () => {
    corsArchive = await startTestArchive({ PACS_CORS_ORIGINS: VIEWER });
  });
  afterAll(async () => {
    await corsArchive?.stop();
  });

  it('gives CORS headers to the configured origin only, also on a 401', async () => {
    const allowed = await call(corsArchive, 'GET', '/dicom-web/studies', { ...adminHeaders(corsArchive), origin: VIEWER });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(VIEWER);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    const refused = await call(corsArchive, 'GET', '/dicom-web/studies', { origin: VIEWER });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(VIEWER);
    const other = await call(corsArchive, 'GET', '/dicom-web/studies', { ...adminHeaders(corsArchive), origin: 'https://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('access-control-allow-credentials')).toBeNull();
    // A configured origin may also make state-changing calls.
    expect(
      (await call(corsArchive, 'POST', '/api/tokens', { ...adminHeaders(corsArchive), origin: VIEWER }, { name: 'viewer' })).status,
    ).toBe(201);
  });
});
