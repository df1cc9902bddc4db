import fs from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeerSummary, PeerTestResult } from '../../shared/api/exchange';
import { call, createUser, errorOf, type Answer, type HeaderMap } from '../helpers/access-client';
import { startArchiveProcess, type ArchiveProcess } from '../helpers/archive-process';
import { freeLoopbackPort } from '../helpers/free-port';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { makeTestCertificates, type TestCertificates } from '../helpers/test-ca';

/**
 * Peers (issue 13 item 1): the admin API, its refusals, secrets that never come back, and the
 * connection test against a second real archive (Basic with a real account, Bearer with a real
 * API token), a web page, a closed port, a failing and an oversized peer, and HTTPS under a
 * private CA. Our archive runs as a real process, so its stderr and its files on disk are read.
 */

const PASSWORD = 'peer-password-Zq81xK';
const WRONG = 'not-the-password-77';
const RADIOLOGIST = { username: 'dr-lan', password: 'radiologist-pass-1', role: 'radiologist' };

describe('peers API', () => {
  let us: ArchiveProcess;
  let peer: TestArchive;
  let token: string;
  let admin: HeaderMap;
  let radiologist: HeaderMap;
  let certs: TestCertificates;
  /** Every answer our archive gave, searched for secrets at the end. */
  const answers: string[] = [];
  const servers: http.Server[] = [];

  const api = async (method: string, route: string, body?: unknown, as: HeaderMap = admin): Promise<Answer> => {
    const answer = await call(us as unknown as TestArchive, method, `/api${route}`, as, body);
    answers.push(answer.text);
    return answer;
  };
  const testDraft = async (input: unknown) => {
    const answer = await api('POST', '/peers/test', input);
    expect(answer.status, answer.text).toBe(200);
    return answer.json as PeerTestResult;
  };
  const serve = async (server: http.Server): Promise<string> => {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    [us, peer, certs] = await Promise.all([startArchiveProcess({ PACS_LOG_LEVEL: 'info' }), startTestArchive(), makeTestCertificates()]);
    admin = { authorization: us.adminAuthorization };
    radiologist = await createUser(us as unknown as TestArchive, RADIOLOGIST);
    // The account the central hospital gave us on its archive, and an API token of it.
    const remote = await createUser(peer, { username: 'district-a', password: PASSWORD, role: 'radiologist' });
    const created = await call(peer, 'POST', '/api/tokens', remote, { name: 'exchange' });
    expect(created.status).toBe(201);
    token = (created.json as { token: string }).token;
  }, 90_000);

  afterAll(async () => {
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await Promise.all([us?.dispose(), peer?.stop()]);
  });

  it('adds, lists, changes, pauses and removes a peer; refuses bad input with a precise message', async () => {
    const input = {
      name: 'Central hospital',
      baseUrl: `${peer.dicomWeb}/`,
      auth: { kind: 'basic', username: 'district-a', password: PASSWORD },
    };
    const refusals: Array<[unknown, RegExp]> = [
      [{ ...input, name: '' }, /^name must be 1 to 64 characters\.$/],
      [{ ...input, baseUrl: 'ftp://pacs.example/dicom-web' }, /^baseUrl must be an http or https URL\.$/],
      [{ ...input, baseUrl: 'pacs.example' }, /^baseUrl is not an absolute URL\.$/],
      [{ ...input, baseUrl: 'https://u:p@pacs.example/' }, /^baseUrl must not hold credentials/],
      [{ ...input, auth: { kind: 'basic', username: 'district-a' } }, /^A peer with basic authentication needs its password\.$/],
      [{ ...input, auth: { kind: 'bearer' } }, /^A peer with bearer authentication needs its token\.$/],
      [{ ...input, auth: { kind: 'digest' } }, /^auth\.kind must be none, basic or bearer\.$/],
      [{ ...input, auth: { kind: 'basic', username: 'a:b', password: 'x' } }, /without a colon/],
      [{ ...input, auth: { kind: 'basic', username: 'a', password: 'x\r\nX-Evil: 1' } }, /no control characters/],
      [{ ...input, bandwidthKbps: 10 }, /^bandwidthKbps must be null or an integer from 64 to 100000000/],
      [{ ...input, maxConnections: 0 }, /^maxConnections must be an integer from 1 to 16\.$/],
      [{ ...input, sendSyntax: '1.2.840.10008.1.2.4.50' }, /^sendSyntax must be one of as-stored, /],
      [{ ...input, caCertificate: 'not a certificate' }, /^caCertificate is not a PEM certificate\.$/],
      [[input], /^The body must be a JSON object\.$/],
    ];
    for (const [body, message] of refusals) {
      const answer = await api('POST', '/peers', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(errorOf(answer).message).toMatch(message);
    }

    const created = await api('POST', '/peers', { ...input, bandwidthKbps: 2048, caCertificate: '  ' });
    expect(created.status, created.text).toBe(201);
    const saved = created.json as PeerSummary;
    expect(saved).toMatchObject({
      name: 'Central hospital',
      baseUrl: peer.dicomWeb,
      auth: { kind: 'basic', username: 'district-a', secretSet: true },
      bandwidthKbps: 2048,
      caSubject: null,
      maxConnections: 2,
      sendSyntax: 'as-stored',
      pausedAt: null,
    });
    expect(created.text).not.toContain(PASSWORD);
    const duplicate = await api('POST', '/peers', { ...input, name: 'CENTRAL HOSPITAL' });
    expect(duplicate.status).toBe(409);
    expect(errorOf(duplicate).message).toBe('A peer named "CENTRAL HOSPITAL" exists already.');

    // A radiologist picks peers for "Send to…" but manages none.
    const listed = await api('GET', '/peers', undefined, radiologist);
    expect(listed.status).toBe(200);
    expect((listed.json as PeerSummary[]).map((p) => p.name)).toEqual(['Central hospital']);
    expect((await api('GET', `/peers/${saved.id}`, undefined, radiologist)).status).toBe(200);
    for (const [method, route] of [
      ['POST', '/peers'],
      ['PATCH', `/peers/${saved.id}`],
      ['DELETE', `/peers/${saved.id}`],
      ['POST', `/peers/${saved.id}/pause`],
      ['POST', `/peers/${saved.id}/resume`],
      ['POST', `/peers/${saved.id}/test`],
      ['POST', '/peers/test'],
    ] as const) {
      const refused = await api(method, route, method === 'DELETE' ? undefined : input, radiologist);
      expect(refused.status, `${method} ${route}`).toBe(403);
      expect(errorOf(refused).message).toBe('The radiologist role does not allow that (admin).');
    }

    // A PATCH keeps what it does not name, the secret included.
    const renamed = await api('PATCH', `/peers/${saved.id}`, { name: 'BV Trung ương', maxConnections: 4 });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.json).toMatchObject({
      name: 'BV Trung ương',
      auth: { kind: 'basic', username: 'district-a', secretSet: true },
      maxConnections: 4,
    });
    const tested = await api('POST', `/peers/${saved.id}/test`);
    expect(tested.json).toMatchObject({ ok: true, outcome: 'ok', status: 200 });
    // A saved password goes only to the server it was given for.
    const moved = await api('PATCH', `/peers/${saved.id}`, { baseUrl: 'http://127.0.0.2:9/dicom-web' });
    expect(moved.status).toBe(400);
    expect(errorOf(moved).message).toBe(
      'The base URL moves to another server: enter the password again (a saved one is only sent to the server it was given for).',
    );
    const sameServer = await api('PATCH', `/peers/${saved.id}`, { baseUrl: `${peer.url}/dicom-web/` });
    expect(sameServer.status).toBe(200);

    const paused = await api('POST', `/peers/${saved.id}/pause`);
    expect((paused.json as PeerSummary).pausedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(((await api('POST', `/peers/${saved.id}/resume`)).json as PeerSummary).pausedAt).toBeNull();
    expect((await api('POST', '/peers/nope/pause')).status).toBe(404);

    expect((await api('DELETE', `/peers/${saved.id}`)).status).toBe(204);
    expect((await api('GET', `/peers/${saved.id}`)).status).toBe(404);
    expect((await api('GET', '/peers')).json).toEqual([]);
  });

  it('tests the connection to a real archive with Basic and Bearer, and says what is wrong otherwise', async () => {
    const base = { name: 'draft', baseUrl: peer.dicomWeb };
    const basicOk = await testDraft({ ...base, auth: { kind: 'basic', username: 'district-a', password: PASSWORD } });
    expect(basicOk).toMatchObject({ ok: true, outcome: 'ok', status: 200 });
    expect(basicOk.roundTripMs).toBeGreaterThan(0);
    expect(basicOk.message).toBe(`OK: the peer answered a DICOMweb search in ${basicOk.roundTripMs} ms.`);
    expect(await testDraft({ ...base, auth: { kind: 'bearer', token } })).toMatchObject({ ok: true, outcome: 'ok', status: 200 });

    expect(await testDraft({ ...base, auth: { kind: 'basic', username: 'district-a', password: WRONG } })).toEqual({
      ok: false,
      outcome: 'credentials',
      status: 401,
      roundTripMs: expect.any(Number) as number,
      message: 'The peer refused the credentials (401): check the username and password, or the token.',
    });
    expect(await testDraft({ ...base, auth: { kind: 'none' } })).toMatchObject({
      ok: false,
      outcome: 'credentials',
      message: 'The peer asks for credentials (401): choose Basic or Bearer authentication.',
    });

    // The archive's root instead of its DICOMweb root.
    const root = await testDraft({ ...base, baseUrl: peer.url, auth: { kind: 'bearer', token } });
    expect(root).toMatchObject({ ok: false, outcome: 'not-dicomweb', status: 404 });
    expect(root.message).toMatch(/^No DICOMweb service at this URL \(404 on \/studies\): check the base URL/);

    const page = await serve(
      http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Router</title>')),
    );
    expect(await testDraft({ ...base, baseUrl: `http://${page}/dicom-web` })).toMatchObject({
      ok: false,
      outcome: 'not-dicomweb',
      status: 200,
      message: expect.stringMatching(/^The peer answered with a web page, not DICOM JSON/) as string,
    });

    const closed = await freeLoopbackPort();
    expect(await testDraft({ ...base, baseUrl: `http://127.0.0.1:${closed}/dicom-web` })).toEqual({
      ok: false,
      outcome: 'unreachable',
      status: null,
      roundTripMs: null,
      message: `Nothing answers at 127.0.0.1:${closed} (connection refused): check the address and port, and that the peer's archive runs.`,
    });

    // A peer that compresses its answer though nobody asked for it (some front proxies do).
    const gzipped = await serve(
      http.createServer((_req, res) =>
        res.writeHead(200, { 'content-type': 'application/dicom+json', 'content-encoding': 'gzip' }).end(gzipSync('[{}]')),
      ),
    );
    expect(await testDraft({ ...base, baseUrl: `http://${gzipped}` })).toMatchObject({ ok: true, outcome: 'ok', status: 200 });

    // Accepts the connection, never answers: the test gives up after its 10 s step timeout.
    const silent = await serve(http.createServer(() => undefined));
    const stalled = await testDraft({ ...base, baseUrl: `http://${silent}` });
    expect(stalled).toEqual({
      ok: false,
      outcome: 'unreachable',
      status: null,
      roundTripMs: null,
      message: `${silent} accepted the connection but did not answer within 10 s.`,
    });

    const failing = await serve(http.createServer((_req, res) => res.writeHead(503).end('maintenance')));
    expect(await testDraft({ ...base, baseUrl: `http://${failing}` })).toMatchObject({ ok: false, outcome: 'peer-error', status: 503 });

    // A "search" answering 5 MiB: read up to the limit, then refused.
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const huge = await serve(
      http.createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/dicom+json' });
        res.write('[');
        for (let i = 0; i < 80; i++) res.write(chunk);
        res.end(']');
      }),
    );
    expect(await testDraft({ ...base, baseUrl: `http://${huge}` })).toMatchObject({ ok: false, outcome: 'too-large', status: 200 });

    expect((await api('POST', '/peers/test', { ...base, baseUrl: 'gopher://x' })).status).toBe(400);
  }, 90_000);

  it('trusts an HTTPS peer under a private CA only when its CA certificate is given', async () => {
    // The central hospital's archive behind its HTTPS front, signed by the hospital's own CA.
    const front = https.createServer({ key: certs.serverKeyPem, cert: certs.serverCertPem }, (req, res) => {
      const upstream = http.request(`${peer.url}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    const address = await serve(front);
    const input = { name: 'Central over HTTPS', baseUrl: `https://${address}/dicom-web`, auth: { kind: 'bearer', token } };

    const untrusted = await testDraft(input);
    expect(untrusted).toMatchObject({ ok: false, outcome: 'tls', status: null, roundTripMs: null });
    expect(untrusted.message).toMatch(
      /^The peer's HTTPS certificate is not trusted \([A-Z_]+\): .* paste that CA certificate \(PEM\) in the custom CA field\.$/,
    );

    const created = await api('POST', '/peers', { ...input, caCertificate: certs.caPem });
    expect(created.status, created.text).toBe(201);
    const saved = created.json as PeerSummary;
    expect(saved.caSubject).toBe('O=Test Hospital, CN=Test Hospital CA');
    expect(saved.auth).toEqual({ kind: 'bearer', secretSet: true });
    const trusted = await api('POST', `/peers/${saved.id}/test`);
    expect(trusted.json).toMatchObject({ ok: true, outcome: 'ok', status: 200 });
    // Testing an edit before saving it: without the CA again, with the stored token.
    expect((await api('POST', `/peers/${saved.id}/test`, { caCertificate: null })).json).toMatchObject({ ok: false, outcome: 'tls' });
    // HTTPS to a plain-HTTP port.
    expect(await testDraft({ ...input, baseUrl: `https://${new URL(peer.url).host}/dicom-web` })).toMatchObject({
      ok: false,
      outcome: 'tls',
      message: expect.stringMatching(
        /^The peer does not speak HTTPS at 127\.0\.0\.1:\d+ \(ERR_SSL_WRONG_VERSION_NUMBER\): try http:\/\/, or check the port\.$/,
      ) as string,
    });
    // Plain HTTP to the HTTPS front, which redirects as many do.
    const redirecting = await serve(
      http.createServer((req, res) => res.writeHead(301, { location: `https://${address}${req.url}` }).end()),
    );
    expect(await testDraft({ ...input, baseUrl: `http://${redirecting}/dicom-web` })).toMatchObject({
      ok: false,
      outcome: 'not-dicomweb',
      status: 301,
      message: `The peer redirects to https://${address}/dicom-web (301): use that address as the base URL.`,
    });
    expect((await api('DELETE', `/peers/${saved.id}`)).status).toBe(204);
  }, 60_000);

  it('never gives a secret back: not in an answer, the audit trail, the server output or the files on disk', async () => {
    const created = await api('POST', '/peers', {
      name: 'Secret keeper',
      baseUrl: peer.dicomWeb,
      auth: { kind: 'basic', username: 'district-a', password: PASSWORD },
    });
    const id = (created.json as PeerSummary).id;
    expect((await api('PATCH', `/peers/${id}`, { auth: { kind: 'bearer', token } })).status).toBe(200);
    expect((await api('POST', `/peers/${id}/test`)).json).toMatchObject({ ok: true });
    await api('GET', '/peers');
    await api('GET', `/peers/${id}`);

    const trail = await api('GET', '/audit?action=peer-change&limit=100');
    const details = (trail.json as { records: Array<{ detail: string }> }).records.map((r) => r.detail);
    expect(details).toEqual(
      expect.arrayContaining([
        `peer added: "Secret keeper" ${peer.dicomWeb}`,
        `peer changed: "Secret keeper" ${peer.dicomWeb}: authentication basic → bearer, new token`,
        `peer paused: "BV Trung ương" ${peer.dicomWeb}`,
        expect.stringMatching(/^peer removed: "Central over HTTPS" https:\/\/127\.0\.0\.1:\d+\/dicom-web$/) as string,
      ]),
    );

    await us.stop();
    const secrets = [PASSWORD, WRONG, token, Buffer.from(`district-a:${PASSWORD}`).toString('base64')];
    const files = (await fs.readdir(us.dataDir)).filter((f) => f.endsWith('.sqlite') || f.includes('.sqlite-'));
    expect(files).toEqual(expect.arrayContaining(['access.sqlite', 'audit.sqlite']));
    for (const file of files) {
      const bytes = await fs.readFile(path.join(us.dataDir, file));
      for (const secret of secrets) expect(bytes.includes(secret), `${file} holds a secret`).toBe(false);
    }
    for (const secret of secrets) {
      expect(
        answers.some((text) => text.includes(secret)),
        'an answer holds a secret',
      ).toBe(false);
      expect(us.stderr.includes(secret), 'stderr holds a secret').toBe(false);
    }
  }, 60_000);
});
