import dns from 'node:dns';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/api/audit-events';
import type { DimseStatus, RemoteAe } from '../../shared/api/dimse';
import { openAccessDb, type AccessDb } from '../../server/auth/access-db';
import { ConfigError, loadConfig } from '../../server/config';
import { RemoteAeStore } from '../../server/dimse/remote-ae-store';
import { call, createUser, errorOf, type HeaderMap } from '../helpers/access-client';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { makeTestCertificates } from '../helpers/test-ca';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

/**
 * Known remote AEs and the DIMSE settings (issue 14 items 1 and 8): the PACS_DIMSE_* variables
 * and their refusals (accept-any off loopback, TLS files), the admin API with its precise 400s and
 * audit, and the store's decision on an association (address, IPv4-mapped and IPv6 forms, a host
 * name through the system resolver, its cache) and on a C-MOVE destination.
 */

/** The problems loadConfig reports for `env`, or [] when it starts. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/pacs');
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('DIMSE configuration', () => {
  let dir: string;
  const file = (name: string) => path.join(dir, name);

  beforeAll(async () => {
    dir = await makeTempDir('dimse-config');
    const [one, other] = await Promise.all([makeTestCertificates(), makeTestCertificates()]);
    await fs.writeFile(file('cert.pem'), one.serverCertPem);
    await fs.writeFile(file('key.pem'), one.serverKeyPem);
    await fs.writeFile(file('other-key.pem'), other.serverKeyPem);
  }, 30_000);
  afterAll(() => removeTempDir(dir));

  it('is on by default at port 11112 as PACS, on PACS_HOST, known AEs only, without TLS', () => {
    expect(loadConfig({}, '/srv/pacs').dimse).toEqual({ port: 11112, aeTitle: 'PACS', acceptAny: false, tls: undefined });
    const config = loadConfig({ PACS_DIMSE_PORT: 'OFF', PACS_DIMSE_AE_TITLE: ' BV_TINH-01 ' });
    expect(config.dimse).toMatchObject({ port: null, aeTitle: 'BV_TINH-01' });
    expect(Object.isFrozen(config.dimse)).toBe(true);
    expect(loadConfig({ PACS_DIMSE_PORT: '0' }).dimse.port).toBe(0);
    expect(loadConfig({ PACS_DIMSE_AE_TITLE: 'A'.repeat(16) }).dimse.aeTitle).toBe('AAAAAAAAAAAAAAAA');
  });

  it('refuses a bad port, a bad AE title and the HTTP port, naming each', () => {
    expect(problemsOf({ PACS_DIMSE_PORT: '104x' })).toEqual(['PACS_DIMSE_PORT="104x" must be off or an integer from 0 to 65535']);
    expect(problemsOf({ PACS_DIMSE_PORT: '70000' })).toEqual(['PACS_DIMSE_PORT="70000" must be off or an integer from 0 to 65535']);
    expect(problemsOf({ PACS_DIMSE_PORT: '8080' })).toEqual([
      'PACS_DIMSE_PORT=8080 is also PACS_PORT: DIMSE and HTTP need their own ports',
    ]);
    expect(problemsOf({ PACS_DIMSE_AE_TITLE: 'A'.repeat(17) })).toEqual([
      `PACS_DIMSE_AE_TITLE="${'A'.repeat(17)}" is not an AE title: it has more than 16 characters`,
    ]);
    expect(problemsOf({ PACS_DIMSE_AE_TITLE: 'PACS\\1' })).toEqual([
      'PACS_DIMSE_AE_TITLE="PACS\\1" is not an AE title: it holds a backslash',
    ]);
    expect(problemsOf({ PACS_DIMSE_AE_TITLE: 'PA\x01CS' })[0]).toMatch(
      /^PACS_DIMSE_AE_TITLE=".*" is not an AE title: it holds a control character/,
    );
    expect(problemsOf({ PACS_DIMSE_AE_TITLE: 'CHỤP' })[0]).toMatch(/outside ASCII$/);
  });

  it('refuses to accept any calling AE unless bound to loopback (or DIMSE is off)', () => {
    expect(problemsOf({ PACS_DIMSE_ACCEPT_ANY: 'true', PACS_HOST: '0.0.0.0' })).toEqual([
      'PACS_DIMSE_ACCEPT_ANY=true is refused with PACS_HOST=0.0.0.0: any machine could store and retrieve; list the remote AEs in the Admin UI instead',
    ]);
    expect(problemsOf({ PACS_DIMSE_ACCEPT_ANY: 'true', PACS_HOST: '10.0.5.2' })).toHaveLength(1);
    expect(problemsOf({ PACS_DIMSE_ACCEPT_ANY: 'maybe' })).toEqual(['PACS_DIMSE_ACCEPT_ANY="maybe" must be true or false']);
    for (const host of ['127.0.0.1', '::1', 'localhost'])
      expect(loadConfig({ PACS_DIMSE_ACCEPT_ANY: 'true', PACS_HOST: host }).dimse.acceptAny).toBe(true);
    expect(loadConfig({ PACS_DIMSE_ACCEPT_ANY: 'true', PACS_HOST: '0.0.0.0', PACS_DIMSE_PORT: 'off' }).dimse.acceptAny).toBe(true);
  });

  it('reads the TLS certificate and key at start: both or neither, present, PEM, and of each other', () => {
    const tls = loadConfig({ PACS_DIMSE_TLS_CERT: 'cert.pem', PACS_DIMSE_TLS_KEY: file('key.pem') }, dir).dimse.tls;
    expect(tls).toEqual({ certFile: file('cert.pem'), keyFile: file('key.pem') });
    expect(problemsOf({ PACS_DIMSE_TLS_CERT: file('cert.pem') })).toEqual([
      'PACS_DIMSE_TLS_CERT and PACS_DIMSE_TLS_KEY go together: set both or neither',
    ]);
    expect(problemsOf({ PACS_DIMSE_TLS_CERT: file('missing.pem'), PACS_DIMSE_TLS_KEY: file('key.pem') })).toEqual([
      `PACS_DIMSE_TLS_CERT="${file('missing.pem')}" does not exist`,
    ]);
    expect(problemsOf({ PACS_DIMSE_TLS_CERT: dir, PACS_DIMSE_TLS_KEY: file('key.pem') })).toEqual([
      `PACS_DIMSE_TLS_CERT="${dir}" is a folder`,
    ]);
    expect(problemsOf({ PACS_DIMSE_TLS_CERT: file('key.pem'), PACS_DIMSE_TLS_KEY: file('key.pem') })).toEqual([
      `PACS_DIMSE_TLS_CERT="${file('key.pem')}" is not a PEM certificate`,
    ]);
    expect(problemsOf({ PACS_DIMSE_TLS_CERT: file('cert.pem'), PACS_DIMSE_TLS_KEY: file('cert.pem') })).toEqual([
      `PACS_DIMSE_TLS_KEY="${file('cert.pem')}" is not an unencrypted PEM private key`,
    ]);
    expect(problemsOf({ PACS_DIMSE_TLS_CERT: file('cert.pem'), PACS_DIMSE_TLS_KEY: file('other-key.pem') })).toEqual([
      `PACS_DIMSE_TLS_KEY="${file('other-key.pem')}" is not the key of PACS_DIMSE_TLS_CERT`,
    ]);
  });
});

describe('remote AEs API', () => {
  let archive: TestArchive;
  let admin: HeaderMap;
  let radiologist: HeaderMap;
  const api = (method: string, route: string, body?: unknown, as: HeaderMap = admin) =>
    call(archive, method, `/api/dimse${route}`, as, body);

  beforeAll(async () => {
    archive = await startTestArchive({ PACS_DIMSE_AE_TITLE: 'BV_HUYEN' });
    admin = { authorization: archive.adminAuthorization };
    radiologist = await createUser(archive, { username: 'dr-lan', password: 'radiologist-pass-1', role: 'radiologist' });
  }, 60_000);
  afterAll(() => archive?.stop());

  it('shows our AE title, address, port, TLS and accept-any to admins only', async () => {
    const status = await api('GET', '/status');
    expect(status.status).toBe(200);
    // The port the listener really took (the test archive asks for a free one).
    expect(archive.dimse!.port).toBeGreaterThan(0);
    expect(status.json as DimseStatus).toEqual({
      aeTitle: 'BV_HUYEN',
      host: '127.0.0.1',
      port: archive.dimse!.port,
      tls: false,
      acceptAny: false,
    });
    expect((await api('GET', '/status', undefined, radiologist)).status).toBe(403);
    expect((await api('GET', '/status', undefined, {})).status).toBe(401);
  });

  it('adds, lists, changes and removes remote AEs; refuses bad input precisely; admins only; audited', async () => {
    const created = await api('POST', '/remote-aes', {
      aeTitle: ' CT_PHILIPS ',
      host: '10.0.5.21',
      port: 104,
      description: 'CT 64 dãy, tầng 2',
    });
    expect(created.status, created.text).toBe(201);
    const ct = created.json as RemoteAe;
    expect(ct).toMatchObject({
      aeTitle: 'CT_PHILIPS',
      host: '10.0.5.21',
      port: 104,
      description: 'CT 64 dãy, tầng 2',
      mayStore: true,
      mayQuery: false,
      mayRetrieve: false,
    });
    const workstation = await api('POST', '/remote-aes', {
      aeTitle: 'WS-DOC',
      host: 'WS-Doc1.Hospital.lan.',
      mayQuery: true,
      mayRetrieve: true,
      mayStore: false,
    });
    expect(workstation.status, workstation.text).toBe(201);
    expect(workstation.json).toMatchObject({ host: 'ws-doc1.hospital.lan', port: null, description: '', mayStore: false });
    const v6 = await api('POST', '/remote-aes', { aeTitle: 'ORTHANC', host: '[2001:DB8:0::1]', port: 4242 });
    expect(v6.json).toMatchObject({ host: '2001:db8::1' });

    const refusals: Array<[unknown, string]> = [
      [{ host: '10.0.0.1' }, 'aeTitle is required: the AE title the device calls with (1 to 16 characters).'],
      [{ aeTitle: '    ', host: '10.0.0.1' }, 'aeTitle "    " is not an AE title: it is empty or all spaces.'],
      [
        { aeTitle: 'MR_SIEMENS_AVANTO', host: '10.0.0.1' },
        'aeTitle "MR_SIEMENS_AVANTO" is not an AE title: it has more than 16 characters.',
      ],
      [{ aeTitle: 'MR\\1', host: '10.0.0.1' }, 'aeTitle "MR\\1" is not an AE title: it holds a backslash.'],
      [
        { aeTitle: 'MR\t1', host: '10.0.0.1' },
        'aeTitle "MR\t1" is not an AE title: it holds a control character or a character outside ASCII.',
      ],
      [{ aeTitle: 'MR1' }, 'host is required: the host name or IP address of the device.'],
      [
        { aeTitle: 'MR1', host: 'mr_1.hospital.lan' },
        'host "mr_1.hospital.lan" is neither an IPv4 or IPv6 address nor a host name (letters, digits, hyphens, dots).',
      ],
      [{ aeTitle: 'MR1', host: '10.0.5.256' }, 'host "10.0.5.256" is not a valid IPv4 address.'],
      [
        { aeTitle: 'MR1', host: 'http://10.0.5.2' },
        'host "http://10.0.5.2" is neither an IPv4 or IPv6 address nor a host name (letters, digits, hyphens, dots).',
      ],
      [{ aeTitle: 'MR1', host: '10.0.5.2', port: 0 }, 'port must be null or an integer from 1 to 65535.'],
      [{ aeTitle: 'MR1', host: '10.0.5.2', port: '104' }, 'port must be null or an integer from 1 to 65535.'],
      [{ aeTitle: 'MR1', host: '10.0.5.2', mayStore: 'yes' }, 'mayStore must be true or false.'],
      [{ aeTitle: 'MR1', host: '10.0.5.2', description: 'a\nb' }, 'description must be one line of at most 256 characters.'],
      [
        { aeTitle: 'MR1', host: '10.0.5.2', calledAeTitle: 'PACS' },
        'Unknown field calledAeTitle: a remote AE has aeTitle, host, port, description, mayStore, mayQuery, mayRetrieve.',
      ],
      [['MR1'], 'The body must be a JSON object.'],
    ];
    for (const [body, message] of refusals) {
      const answer = await api('POST', '/remote-aes', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(errorOf(answer)).toEqual({ code: 'BAD_REQUEST', message });
    }
    const twin = await api('POST', '/remote-aes', { aeTitle: 'ct_philips', host: '10.0.5.22' });
    expect(twin.status).toBe(409);
    expect(errorOf(twin).message).toBe('A remote AE titled "ct_philips" exists already (titles differing only in case are not allowed).');
    expect((await api('POST', '/remote-aes', { aeTitle: 'MR1', host: '10.0.5.2' }, radiologist)).status).toBe(403);
    expect((await api('GET', '/remote-aes', undefined, radiologist)).status).toBe(403);

    const listed = (await api('GET', '/remote-aes')).json as RemoteAe[];
    expect(listed.map((ae) => ae.aeTitle)).toEqual(['CT_PHILIPS', 'ORTHANC', 'WS-DOC']);

    const changed = await api('PATCH', `/remote-aes/${ct.id}`, { port: null, mayQuery: true });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json).toMatchObject({ aeTitle: 'CT_PHILIPS', host: '10.0.5.21', port: null, mayStore: true, mayQuery: true });
    expect((changed.json as RemoteAe).updatedAt >= ct.updatedAt).toBe(true);
    const badPatch = await api('PATCH', `/remote-aes/${ct.id}`, { host: '' });
    expect(errorOf(badPatch).message).toBe('host is required: the host name or IP address of the device.');
    expect((await api('PATCH', '/remote-aes/no-such-id', { port: 104 })).status).toBe(404);
    expect((await api('GET', `/remote-aes/${ct.id}`)).json).toMatchObject({ port: null, mayQuery: true });

    expect((await api('DELETE', `/remote-aes/${(v6.json as RemoteAe).id}`)).status).toBe(204);
    expect((await api('DELETE', `/remote-aes/${(v6.json as RemoteAe).id}`)).status).toBe(404);
    expect(((await api('GET', '/remote-aes')).json as RemoteAe[]).map((ae) => ae.aeTitle)).toEqual(['CT_PHILIPS', 'WS-DOC']);

    const audit = await call(archive, 'GET', '/api/audit?action=peer-change&limit=100', admin);
    const records = (audit.json as { records: AuditRecord[] }).records;
    expect(records.map((r) => r.detail).reverse()).toEqual([
      'DICOM remote AE added: "CT_PHILIPS" 10.0.5.21:104 (store)',
      'DICOM remote AE added: "WS-DOC" ws-doc1.hospital.lan (query, retrieve)',
      'DICOM remote AE added: "ORTHANC" [2001:db8::1]:4242 (store)',
      'DICOM remote AE changed: "CT_PHILIPS" 10.0.5.21 (store, query): port was 104, rights were store',
      'DICOM remote AE removed: "ORTHANC" [2001:db8::1]:4242 (store)',
    ]);
    expect(records.every((r) => r.principalId === 'admin' && r.eventType === '110128 Network Configuration')).toBe(true);
  });
});

describe('RemoteAeStore: which association is known, where a C-MOVE goes', () => {
  let dir: string;
  let db: AccessDb;
  let store: RemoteAeStore;
  let clock = 1_000_000;
  const lookups: string[] = [];

  beforeAll(async () => {
    dir = await makeTempDir('remote-aes');
    db = openAccessDb(path.join(dir, 'access.sqlite'));
    // The system resolver (/etc/hosts, then DNS), counted.
    store = new RemoteAeStore(db, {
      lookup: (hostname) => {
        lookups.push(hostname);
        return dns.promises.lookup(hostname, { all: true, verbatim: true });
      },
      now: () => clock,
    });
    store.create({ aeTitle: 'CT1', host: '10.0.5.21', port: 104 });
    store.create({ aeTitle: 'V6', host: '2001:db8::7' });
    store.create({ aeTitle: 'LOCAL_WS', host: 'localhost', port: 11113, mayRetrieve: true });
    store.create({ aeTitle: 'NOWHERE', host: 'no-such-host.invalid', mayRetrieve: true });
  });
  afterAll(async () => {
    db.close();
    await removeTempDir(dir);
  });

  it('knows a calling AE from its own address only, in any written form of it', async () => {
    expect(await store.find('CT1', '10.0.5.21')).toMatchObject({ known: true, remoteAe: { aeTitle: 'CT1', mayStore: true } });
    expect(await store.find('CT1       ', '::ffff:10.0.5.21')).toMatchObject({ known: true });
    expect(await store.find('V6', '2001:0DB8:0000::0007')).toMatchObject({ known: true });
    expect(await store.find('CT1', '10.0.5.22')).toEqual({
      known: false,
      reason: 'wrong-host',
      message: 'calling AE "CT1" is known at 10.0.5.21, not at 10.0.5.22',
    });
    expect(await store.find('MR9', '10.0.5.21')).toEqual({
      known: false,
      reason: 'unknown-ae',
      message: 'calling AE title "MR9" is not a known remote AE',
    });
    expect(await store.find('ct1', '10.0.5.21')).toEqual({
      known: false,
      reason: 'unknown-ae',
      message: 'calling AE title "ct1" is not a known remote AE (titles are case-sensitive: "CT1" is known)',
    });
    expect(lookups).toEqual([]);
  });

  it('resolves a host name once for concurrent associations, keeps it 60 s, and takes a failed lookup for no match', async () => {
    const checks = await Promise.all([
      store.find('LOCAL_WS', '127.0.0.1'),
      store.find('LOCAL_WS', '::ffff:127.0.0.1'),
      store.find('LOCAL_WS', '10.0.5.21'),
    ]);
    expect(checks.map((c) => c.known)).toEqual([true, true, false]);
    expect(checks[2]).toMatchObject({ reason: 'wrong-host', message: 'calling AE "LOCAL_WS" is known at localhost, not at 10.0.5.21' });
    expect(lookups).toEqual(['localhost']);
    clock += 59_000;
    expect((await store.find('LOCAL_WS', '127.0.0.1')).known).toBe(true);
    expect(lookups).toEqual(['localhost']);
    clock += 2_000;
    expect((await store.find('LOCAL_WS', '127.0.0.1')).known).toBe(true);
    expect(lookups).toEqual(['localhost', 'localhost']);

    expect(await store.find('NOWHERE', '127.0.0.1')).toMatchObject({ known: false, reason: 'wrong-host' });
    expect(await store.find('NOWHERE', '127.0.0.1')).toMatchObject({ known: false });
    expect(lookups.filter((h) => h === 'no-such-host.invalid')).toHaveLength(1);
    // A change to the list forgets what was resolved.
    store.update(store.list().find((ae) => ae.aeTitle === 'CT1')!.id, { description: 'CT tầng 2' });
    expect((await store.find('LOCAL_WS', '127.0.0.1')).known).toBe(true);
    expect(lookups).toEqual(['localhost', 'localhost', 'no-such-host.invalid', 'localhost']);
  });

  it('sends a C-MOVE only to a known AE that may receive and has a port, with a short error comment otherwise', () => {
    expect(store.destination('LOCAL_WS')).toEqual({ ok: true, aeTitle: 'LOCAL_WS', host: 'localhost', port: 11113 });
    const refusals = [store.destination('WS9'), store.destination('CT1'), store.destination('NOWHERE'), store.destination('local_ws')];
    expect(refusals).toEqual([
      { ok: false, comment: 'Unknown move destination WS9' },
      { ok: false, comment: 'CT1 may not receive retrieved images' },
      { ok: false, comment: 'NOWHERE has no port configured' },
      { ok: false, comment: 'Unknown move destination local_ws' },
    ]);
    for (const refusal of refusals) expect(refusal.ok || refusal.comment.length <= 64).toBe(true);
  });
});
