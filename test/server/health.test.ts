import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readiness, type Readiness } from '../../server/ops/health';
import { storedKeys } from '../helpers/backends';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

describe('health endpoints', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await startTestArchive();
  });
  afterAll(async () => {
    await archive.stop();
  });

  it('GET /health/live answers 200 without an account', async () => {
    const response = await fetch(`${archive.url}/health/live`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('no-store');
    const body = (await response.json()) as { status: string; uptimeSeconds: number };
    expect(body.status).toBe('live');
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('GET /health/ready checks every dependency, without an account, and leaves no probe object behind', async () => {
    const response = await fetch(`${archive.url}/health/ready`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Readiness;
    expect(body.status).toBe('ready');
    expect(Object.keys(body.checks).sort()).toEqual(['access', 'audit', 'dimse', 'disk', 'index', 'storage', 'transfers']);
    for (const check of Object.values(body.checks)) {
      expect(check.status).toBe('ok');
      expect(check.ms).toBeGreaterThanOrEqual(0);
    }
    expect(body.checks.dimse!.detail).toBe(`listening on port ${archive.dimse!.port}, 0 associations`);
    expect(body.checks.disk!.detail).toMatch(/^\d+ MiB free of \d+ MiB, floor \d+ MiB$/);
    expect(body.checks.storage!.detail).toBe(archive.blobStore.description);
    expect(await storedKeys(archive)).toEqual([]);
  });
});

describe('readiness', () => {
  it('fails a check that does not answer in time, and one that throws, and says why', async () => {
    const result = await readiness(
      [
        { name: 'quick', run: () => 'fine' },
        { name: 'slow', run: () => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1_000)) },
        {
          name: 'broken',
          run: () => {
            throw new Error('the file is gone', { cause: new Error('ENOENT') });
          },
        },
      ],
      50,
    );
    expect(result.status).toBe('not-ready');
    expect(result.checks.quick).toMatchObject({ status: 'ok', detail: 'fine' });
    expect(result.checks.slow).toMatchObject({ status: 'fail', error: 'no answer within 50 ms' });
    expect(result.checks.slow!.ms).toBeLessThan(900);
    expect(result.checks.broken).toMatchObject({ status: 'fail', error: 'the file is gone: ENOENT' });
  });
});
