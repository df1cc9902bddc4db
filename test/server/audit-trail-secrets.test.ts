import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuthorization } from '../helpers/signed-in-fetch';
import { bearer, call, createShare, sessionCookieOf, storeAs, type HeaderMap } from '../helpers/access-client';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { TEST_ADMIN, type TestArchive } from '../helpers/start-app';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

/**
 * The audit trail and the output of a real server process (issue 5): neither holds a patient name
 * or a token. What the trail records: audit-trail-records.test.ts.
 */

const CT = corpusEntry('transfer-syntaxes/ct1-1.2.1_explicit-vr-le.dcm');
const STUDY = CT.studyInstanceUID!;
const ROOT = path.resolve(import.meta.dirname, '../..');

describe('audit trail and server output of a real server process', () => {
  let dataDir: string;
  let child: ChildProcess | undefined;
  let output = '';
  let url = '';

  beforeAll(async () => {
    dataDir = await makeTempDir('audit-main');
    child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        PACS_PORT: '0',
        PACS_DIMSE_PORT: '0',
        PACS_DATA_DIR: dataDir,
        PACS_LOG_LEVEL: 'info',
        PACS_ADMIN_USER: TEST_ADMIN.username,
        PACS_ADMIN_PASSWORD: TEST_ADMIN.password,
      },
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 30_000;
    while (!/listening on (http:\/\/\S+)/.test(output)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the server did not start: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    url = /listening on (http:\/\/\S+)/.exec(output)![1]!;
  }, 40_000);
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (dataDir) await removeTempDir(dataDir);
  });

  it('never writes a patient name or a token to the trail or to stdout/stderr', async () => {
    const admin: HeaderMap = { authorization: basicAuthorization(TEST_ADMIN.username, TEST_ADMIN.password) };
    const server = { url, dicomWeb: `${url}/dicom-web` } as TestArchive;
    expect((await storeAs(server, admin, [corpusFile(CT.path)])).status).toBe(200);
    const name = 'MISTER^CT';
    const found = await call(server, 'GET', `/dicom-web/studies?PatientName=${encodeURIComponent(name)}`, admin);
    expect(found.status).toBe(200);
    expect(found.text).toContain('MISTER');
    // Failing requests with the name in the query.
    const failing = await call(
      server,
      'GET',
      `/dicom-web/studies?PatientName=${encodeURIComponent(name)}&NoSuchKey=${encodeURIComponent(name)}`,
      admin,
    );
    expect(failing.status).toBe(400);
    expect((await call(server, 'GET', `/dicom-web/studies?PatientName=${encodeURIComponent(name)}`)).status).toBe(401);
    const share = await createShare(Object.assign(server, { adminAuthorization: admin.authorization! }), {
      studyInstanceUID: STUDY,
      anonymize: true,
    });
    const anonymized = await call(server, 'GET', `/dicom-web/studies?PatientName=${encodeURIComponent(name)}`, bearer(share.token));
    expect(anonymized.status).toBe(400);
    expect(anonymized.text).not.toContain('MISTER');
    const wrongToken = `${share.token.slice(0, -4)}AAAA`;
    expect((await call(server, 'GET', '/dicom-web/studies', bearer(wrongToken))).status).toBe(401);
    const login = await call(server, 'POST', '/api/login', {}, { username: TEST_ADMIN.username, password: TEST_ADMIN.password });
    const cookie = sessionCookieOf(login);
    const token = await call(server, 'POST', '/api/tokens', { ...admin }, { name: 'script' });
    const apiToken = (token.json as { token: string }).token;
    expect((await call(server, 'GET', '/dicom-web/studies', bearer(apiToken))).status).toBe(200);
    expect((await call(server, 'POST', '/api/login', {}, { username: TEST_ADMIN.username, password: 'MISTER^CT-is-not-it' })).status).toBe(
      401,
    );

    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child!.kill('SIGTERM');
    await exited;

    const secrets = [
      'MISTER',
      share.token,
      share.token.slice(4),
      wrongToken.slice(4),
      apiToken.slice(4),
      cookie.cookie!.split('=')[1]!,
      TEST_ADMIN.password,
    ];
    const db = new Database(path.join(dataDir, 'audit.sqlite'), { readonly: true });
    try {
      const rows = db.prepare('SELECT * FROM audit_events').all() as Array<Record<string, unknown>>;
      expect(rows.length).toBeGreaterThan(8);
      expect(rows.map((r) => r.action)).toEqual(
        expect.arrayContaining(['application-start', 'store', 'query', 'login', 'share-create', 'share-use', 'application-stop']),
      );
      const text = JSON.stringify(rows);
      for (const secret of secrets) expect(text.includes(secret), `audit trail holds ${secret.slice(0, 10)}…`).toBe(false);
    } finally {
      db.close();
    }
    expect(output).toMatch(/listening on/);
    for (const secret of secrets) expect(output.includes(secret), `server output holds ${secret.slice(0, 10)}…`).toBe(false);
    expect((await fs.readdir(dataDir)).sort()).toEqual(expect.arrayContaining(['access.sqlite', 'audit.sqlite', 'index.sqlite']));
  }, 60_000);
});
