import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runEntryPoint } from '../helpers/run-entry-point';
import { basicAuthorization } from '../helpers/signed-in-fetch';
import { startTestArchive } from '../helpers/start-app';

describe('accounts from the command line and at first start', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pacs-cli-'));
  });
  afterEach(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });
  const pacs = (args: string[], stdin?: string) => runEntryPoint('server/cli/pacs.ts', args, { PACS_DATA_DIR: dataDir }, { stdin });

  it('adds, lists, re-keys and disables accounts that the running server honours at once', async () => {
    expect(
      (
        await pacs(
          ['user', 'add', 'ct-hall-a', '--role', 'device', '--name', 'CT Siemens phòng A', '--password-stdin'],
          'device-password-1\n',
        )
      ).code,
    ).toBe(0);
    expect((await pacs(['user', 'add', 'bs.lan', '--role', 'radiologist', '--password-stdin'], 'radiologist-pass\n')).code).toBe(0);
    const listed = await pacs(['user', 'list']);
    expect(
      listed.stdout
        .split('\n')
        .slice(1, 3)
        .map((line) => line.split(/\s{2,}/)),
    ).toEqual([
      ['bs.lan', 'radiologist', 'active'],
      ['ct-hall-a', 'device', 'active', 'CT Siemens phòng A'],
    ]);
    // Mistakes are refused with a reason and a non-zero exit.
    const short = await pacs(['user', 'add', 'x', '--role', 'clinician', '--password-stdin'], 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('at least 10 characters');
    expect((await pacs(['user', 'add', 'y', '--role', 'janitor', '--password-stdin'], 'long-enough-pw\n')).stderr).toContain(
      'role must be one of',
    );
    expect((await pacs(['user', 'frobnicate'])).code).toBe(2);

    const archive = await startTestArchive({ PACS_DATA_DIR: dataDir });
    try {
      const studies = (authorization: string) => fetch(`${archive.dicomWeb}/studies`, { headers: { authorization } }).then((r) => r.status);
      const radiologist = basicAuthorization('bs.lan', 'radiologist-pass');
      expect(await studies(radiologist)).toBe(200);
      expect(await studies(basicAuthorization('ct-hall-a', 'device-password-1'))).toBe(403); // store only
      // The admin was still created at first start: accounts from the CLI are not admins.
      expect(await studies(archive.adminAuthorization)).toBe(200);

      expect((await pacs(['user', 'passwd', 'bs.lan', '--password-stdin'], 'a-new-radiologist-pass\n')).code).toBe(0);
      expect(await studies(radiologist)).toBe(401);
      expect(await studies(basicAuthorization('bs.lan', 'a-new-radiologist-pass'))).toBe(200);
      expect((await pacs(['user', 'disable', 'bs.lan'])).code).toBe(0);
      expect(await studies(basicAuthorization('bs.lan', 'a-new-radiologist-pass'))).toBe(401);
      const trail = (await (
        await fetch(`${archive.url}/api/audit?action=user-change`, { headers: { authorization: archive.adminAuthorization } })
      ).json()) as { records: Array<{ principalKind: string; detail: string }> };
      expect(trail.records.filter((r) => r.principalKind === 'cli').map((r) => r.detail)).toEqual([
        'user bs.lan: disabled',
        'user bs.lan: password reset',
        'user created: bs.lan (radiologist)',
        'user created: ct-hall-a (device)',
      ]);
    } finally {
      await archive.close();
    }
  });

  it('prints a one-time admin password once at first start; it only lets the admin choose a new one', async () => {
    const env = { PACS_PORT: '0', PACS_DIMSE_PORT: '0', PACS_DATA_DIR: dataDir };
    const first = await runEntryPoint('server/main.ts', [], env, { untilLine: /listening on/ });
    const match = /account "admin" with the one-time password (\S+)/.exec(first.stdout);
    expect(match).not.toBeNull();
    const second = await runEntryPoint('server/main.ts', [], env, { untilLine: /listening on/ });
    expect(second.stdout).not.toContain('one-time password');

    const archive = await startTestArchive({ PACS_DATA_DIR: dataDir, PACS_ADMIN_PASSWORD: '' });
    try {
      const oneTime = basicAuthorization('admin', match![1]!);
      // Signed in, but good for nothing until the password is changed.
      expect((await fetch(`${archive.dicomWeb}/studies`, { headers: { authorization: oneTime } })).status).toBe(403);
      const login = await fetch(`${archive.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: match![1] }),
      });
      const session = (await login.json()) as { user: { mustChangePassword: boolean }; csrfToken: string };
      expect(session.user.mustChangePassword).toBe(true);
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const headers = { cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' };
      expect((await fetch(`${archive.dicomWeb}/studies`, { headers: { cookie } })).status).toBe(403);
      const changed = await fetch(`${archive.url}/api/password`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ currentPassword: match![1], newPassword: 'the-admins-own-password' }),
      });
      expect(changed.status).toBe(200);
      expect(
        (await fetch(`${archive.dicomWeb}/studies`, { headers: { authorization: basicAuthorization('admin', 'the-admins-own-password') } }))
          .status,
      ).toBe(200);
    } finally {
      await archive.close();
    }
  });

  it('keeps an enabled admin, and refuses to listen on the network when no account can sign in', async () => {
    expect((await pacs(['user', 'add', 'root', '--role', 'admin', '--password-stdin'], 'admin-password-1\n')).code).toBe(0);
    expect((await pacs(['user', 'add', 'root2', '--role', 'admin', '--password-stdin'], 'admin-password-2\n')).code).toBe(0);
    expect((await pacs(['user', 'disable', 'root'])).code).toBe(0);
    // The last enabled admin cannot be disabled: the archive would have no way in.
    const last = await pacs(['user', 'disable', 'root2']);
    expect(last.code).toBe(1);
    expect(last.stderr).toContain('without an enabled admin');
    const network = { PACS_PORT: '0', PACS_DIMSE_PORT: '0', PACS_DATA_DIR: dataDir, PACS_HOST: '0.0.0.0' };
    expect((await runEntryPoint('server/main.ts', [], network, { untilLine: /listening on/ })).stdout).toContain('listening on');
    // A database whose every account was disabled behind the archive's back (hand-edited, restored…).
    const db = new Database(path.join(dataDir, 'access.sqlite'));
    db.prepare('UPDATE users SET disabled_at = 1').run();
    db.close();
    const refused = await runEntryPoint('server/main.ts', [], network, { untilLine: /listening on/ });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Refusing to listen on 0.0.0.0 without an enabled account');
    // On loopback it still starts, so that the operator can repair it from this machine.
    expect(
      (await runEntryPoint('server/main.ts', [], { ...network, PACS_HOST: '127.0.0.1' }, { untilLine: /listening on/ })).stdout,
    ).toContain('listening on');
  });
});
