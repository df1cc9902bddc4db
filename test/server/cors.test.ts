import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

const VIEWER = 'https://viewer.hospital.example';

describe('CORS', () => {
  let open: TestArchive;
  let closed: TestArchive;
  beforeAll(async () => {
    open = await startTestArchive({ PACS_CORS_ORIGINS: `${VIEWER}, http://localhost:3000` });
    closed = await startTestArchive();
  });
  afterAll(async () => {
    await open?.stop();
    await closed?.stop();
  });

  it('answers the preflight of a configured origin and lets it read the results', async () => {
    const preflight = await open.fetch(`${open.dicomWeb}/studies`, {
      method: 'OPTIONS',
      headers: { origin: VIEWER, 'access-control-request-method': 'GET', 'access-control-request-headers': 'accept' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(VIEWER);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Accept');

    const search = await open.fetch(`${open.dicomWeb}/studies`, { headers: { origin: VIEWER } });
    expect(search.status).toBe(200);
    expect(search.headers.get('access-control-allow-origin')).toBe(VIEWER);
    expect(search.headers.get('access-control-expose-headers')).toContain('Warning');
    expect(search.headers.get('vary')).toContain('Origin');
  });

  it('gives no CORS headers to other origins, nor to anyone when none is configured', async () => {
    const other = await open.fetch(`${open.dicomWeb}/studies`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const off = await closed.fetch(`${closed.dicomWeb}/studies`, { headers: { origin: VIEWER } });
    expect(off.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await closed.fetch(`${closed.dicomWeb}/studies`, {
      method: 'OPTIONS',
      headers: { origin: VIEWER, 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a malformed origin in the configuration', () => {
    expect(() => loadConfig({ PACS_CORS_ORIGINS: 'viewer.hospital.example' })).toThrow(/PACS_CORS_ORIGINS/);
    expect(() => loadConfig({ PACS_CORS_ORIGINS: 'https://viewer.example/path' })).toThrow(/PACS_CORS_ORIGINS/);
    expect(loadConfig({ PACS_CORS_ORIGINS: 'https://a.example, http://b.example:8080' }).corsOrigins).toEqual([
      'https://a.example',
      'http://b.example:8080',
    ]);
  });
});
