import { describe, expect, it } from 'vitest';
import { FailureThrottle } from '../../server/auth/failure-throttle';
import { admin, archive, PASSWORD, useArchiveWithCt } from '../helpers/access-archive';
import { basic, call, createUser, errorOf } from '../helpers/access-client';
import { TEST_ADMIN } from '../helpers/start-app';

/**
 * Sign-ins over real HTTP (issue 5): new HTTP Basic credentials are checked once, and failed
 * sign-ins lock the account, for longer after each further failure. The archive runs anonymous:
 * every request carries only the credentials written here.
 */

describe('access control', () => {
  useArchiveWithCt();

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
});
