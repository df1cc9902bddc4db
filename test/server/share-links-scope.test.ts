import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import {
  adminHeaders,
  bearer,
  call,
  createShare,
  errorOf,
  storeAs,
  type Answer,
  type CreatedShare,
  type HeaderMap,
} from '../helpers/access-client';
import { corpusFile } from '../helpers/corpus';
import { firstValue } from '../helpers/dicomweb-http';
import { A, A1, A_SERIES_1, A_SERIES_2, A_STUDY, B, mrSeries, randomUid, uidsOf } from '../helpers/share-studies';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * What a share link reaches, over real HTTP (issue 5): a guest's token reaches one study (or some
 * of its series) and nothing else — anything outside answers exactly like a UID that does not
 * exist — with `download` governing Part 10 and ZIP; the token itself is never stored or shown
 * again. Expiry, revocation and the PIN: share-links-lifetime.test.ts.
 */

/** Every kind of request a guest can make of one instance's study, series and instance. */
function requestsFor(study: string, series: string, sop: string): Array<{ name: string; path: string; headers?: HeaderMap }> {
  const s = `/dicom-web/studies/${study}`;
  const se = `${s}/series/${series}`;
  const i = `${se}/instances/${sop}`;
  return [
    { name: 'study retrieve', path: s, headers: { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' } },
    { name: 'series retrieve', path: se, headers: { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' } },
    { name: 'instance retrieve', path: i, headers: { accept: 'multipart/related; type="application/dicom"' } },
    { name: 'study metadata', path: `${s}/metadata` },
    { name: 'series metadata', path: `${se}/metadata` },
    { name: 'instance metadata', path: `${i}/metadata` },
    { name: 'frames', path: `${i}/frames/1`, headers: { accept: 'multipart/related; type="application/octet-stream"' } },
    { name: 'instance rendered', path: `${i}/rendered` },
    { name: 'frame rendered', path: `${i}/frames/1/rendered` },
    { name: 'study rendered', path: `${s}/rendered` },
    { name: 'study thumbnail', path: `${s}/thumbnail` },
    { name: 'series thumbnail', path: `${se}/thumbnail` },
    { name: 'bulkdata', path: `${i}/bulkdata/7FE00010` },
    { name: 'study series (QIDO)', path: `${s}/series` },
    { name: 'study instances (QIDO)', path: `${s}/instances` },
    { name: 'series instances (QIDO)', path: `${se}/instances` },
    { name: 'study ZIP', path: `${s}?accept=application/zip` },
    { name: 'instance ZIP', path: i, headers: { accept: 'application/zip' } },
    { name: 'WADO-URI', path: `/wado?requestType=WADO&studyUID=${study}&seriesUID=${series}&objectUID=${sop}` },
    {
      name: 'WADO-URI Part 10',
      path: `/dicom-web/wado?requestType=WADO&studyUID=${study}&seriesUID=${series}&objectUID=${sop}&contentType=application/dicom`,
    },
  ];
}

const summary = (answer: Answer) => ({ status: answer.status, code: errorOf(answer).code, message: errorOf(answer).message });

describe('share links', () => {
  let archive: TestArchive;
  let readOnly: CreatedShare;
  let download: CreatedShare;
  let oneSeries: CreatedShare;

  beforeAll(async () => {
    archive = await startTestArchive();
    const stored = await storeAs(
      archive,
      adminHeaders(archive),
      [...A, B].map((e) => corpusFile(e.path)),
    );
    expect(stored.status).toBe(200);
    readOnly = await createShare(archive, { studyInstanceUID: A_STUDY, permissions: ['read'], note: 'for Dr Lan' });
    download = await createShare(archive, { studyInstanceUID: A_STUDY, permissions: ['read', 'download'] });
    oneSeries = await createShare(archive, {
      studyInstanceUID: A_STUDY,
      seriesInstanceUIDs: [A_SERIES_2],
      permissions: ['read', 'download'],
    });
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('gives the link once, with the token in the URL fragment', () => {
    expect(readOnly.token).toMatch(/^psh_[A-Za-z0-9_-]{43}$/);
    expect(readOnly.url).toBe(`${archive.url}/share#${readOnly.token}`);
    expect(readOnly).toMatchObject({
      studyInstanceUID: A_STUDY,
      permissions: ['read'],
      anonymize: false,
      pinRequired: false,
      note: 'for Dr Lan',
      createdBy: 'admin',
      revokedAt: null,
      useCount: 0,
    });
    expect(Math.abs(Date.parse(readOnly.expiresAt) - Date.parse(readOnly.createdAt as string) - 168 * 3600_000)).toBeLessThan(50);
  });

  it('finds only the shared study through QIDO-RS', async () => {
    const guest = bearer(readOnly.token);
    const studies = await call(archive, 'GET', '/dicom-web/studies', guest);
    expect(studies.status).toBe(200);
    expect(uidsOf(studies.json as DicomJson[], '0020000D')).toEqual([A_STUDY]);
    expect(firstValue((studies.json as DicomJson[])[0], '00201208')).toBe(4);
    expect((await call(archive, 'GET', `/dicom-web/studies?StudyInstanceUID=${B.studyInstanceUID}`, guest)).json).toEqual([]);
    expect((await call(archive, 'GET', `/dicom-web/studies?PatientID=${encodeURIComponent('2178309')}`, guest)).json).toEqual([]);
    const series = await call(archive, 'GET', '/dicom-web/series', guest);
    expect(uidsOf(series.json as DicomJson[], '0020000E')).toEqual([...mrSeries].sort());
    const instances = await call(archive, 'GET', '/dicom-web/instances', guest);
    expect(uidsOf(instances.json as DicomJson[], '00080018')).toEqual(A.map((e) => e.sopInstanceUID!).sort());
    expect((await call(archive, 'GET', `/dicom-web/instances?SOPInstanceUID=${B.sopInstanceUID}`, guest)).json).toEqual([]);
    // The admin sees both studies.
    expect(((await call(archive, 'GET', '/dicom-web/studies', adminHeaders(archive))).json as DicomJson[]).length).toBe(2);
  });

  it('answers every request about another study exactly like one about a UID that does not exist', async () => {
    const guest = bearer(download.token);
    const other = requestsFor(B.studyInstanceUID!, B.seriesInstanceUID!, B.sopInstanceUID!);
    const missing = requestsFor(randomUid(), randomUid(), randomUid());
    for (const [n, request] of other.entries()) {
      const answer = await call(archive, 'GET', request.path, { ...guest, ...request.headers });
      const nothing = await call(archive, 'GET', missing[n]!.path, { ...guest, ...missing[n]!.headers });
      expect(summary(answer), request.name).toEqual(summary(nothing));
      expect(answer.status, request.name).toBe(404);
      expect(answer.text, request.name).not.toContain(B.studyInstanceUID!);
      // The admin reaches B by the same request: it exists.
      expect(
        (await call(archive, 'GET', request.path, { ...adminHeaders(archive), ...request.headers })).status,
        `admin ${request.name}`,
      ).toBeLessThan(300);
    }
    // A's study with B's series or instance is no different.
    const mixed = await call(archive, 'GET', `/dicom-web/studies/${A_STUDY}/series/${B.seriesInstanceUID}/metadata`, guest);
    const mixedMissing = await call(archive, 'GET', `/dicom-web/studies/${A_STUDY}/series/${randomUid()}/metadata`, guest);
    expect(summary(mixed)).toEqual(summary(mixedMissing));
    expect(mixed.status).toBe(404);
  });

  it('serves the shared study to the guest', async () => {
    const guest = bearer(readOnly.token);
    for (const request of requestsFor(A_STUDY, A_SERIES_1, A1.sopInstanceUID!).filter((r) => !/retrieve|ZIP|Part 10/.test(r.name))) {
      const answer = await call(archive, 'GET', request.path, { ...guest, ...request.headers });
      expect(answer.status, request.name).toBe(200);
    }
    const metadata = await call(archive, 'GET', `/dicom-web/studies/${A_STUDY}/metadata`, guest);
    expect(uidsOf(metadata.json as DicomJson[], '00080018')).toEqual(A.map((e) => e.sopInstanceUID!).sort());
    const frame = await fetch(`${archive.dicomWeb}/studies/${A_STUDY}/series/${A_SERIES_1}/instances/${A1.sopInstanceUID}/frames/1`, {
      headers: { ...guest, accept: 'application/octet-stream' },
    });
    expect(frame.status).toBe(200);
    expect((await frame.arrayBuffer()).byteLength).toBe(256 * 256 * 2);
  });

  it('lets Part 10 and ZIP out only with the download permission', async () => {
    const retrievals = requestsFor(A_STUDY, A_SERIES_1, A1.sopInstanceUID!).filter((r) => /retrieve|ZIP|Part 10/.test(r.name));
    expect(retrievals).toHaveLength(6);
    for (const request of retrievals) {
      const refused = await call(archive, 'GET', request.path, { ...bearer(readOnly.token), ...request.headers });
      expect(refused.status, request.name).toBe(403);
      expect(errorOf(refused), request.name).toEqual({ code: 'FORBIDDEN', message: 'This share link does not allow that (download).' });
      const allowed = await fetch(`${archive.url}${request.path}`, { headers: { ...bearer(download.token), ...request.headers } });
      expect(allowed.status, request.name).toBe(200);
      const bytes = Buffer.from(await allowed.arrayBuffer());
      if (/ZIP/.test(request.name)) expect(bytes.subarray(0, 4).toString('latin1'), request.name).toBe('PK\u0003\u0004');
      else expect(bytes.includes(Buffer.from('DICM')), request.name).toBe(true);
    }
    // A read-only guest's rendered image through WADO-URI is a view, not a download.
    const rendered = await call(
      archive,
      'GET',
      `/wado?requestType=WADO&studyUID=${A_STUDY}&seriesUID=${A_SERIES_1}&objectUID=${A1.sopInstanceUID}`,
      bearer(readOnly.token),
    );
    expect(rendered.status).toBe(200);
    expect(rendered.headers.get('content-type')).toBe('image/jpeg');
  });

  it('refuses STOW-RS and DELETE to any guest', async () => {
    for (const share of [readOnly, download]) {
      const stow = await storeAs(archive, bearer(share.token), [corpusFile(A1.path)]);
      expect(stow.status).toBe(403);
      expect(errorOf(stow).code).toBe('FORBIDDEN');
      for (const target of [
        `/studies/${A_STUDY}`,
        `/studies/${A_STUDY}/series/${A_SERIES_1}`,
        `/studies/${A_STUDY}/series/${A_SERIES_1}/instances/${A1.sopInstanceUID}`,
      ]) {
        expect((await call(archive, 'DELETE', `/dicom-web${target}`, bearer(share.token))).status, target).toBe(403);
      }
    }
    expect(
      ((await call(archive, 'GET', `/dicom-web/studies/${A_STUDY}/instances`, adminHeaders(archive))).json as DicomJson[]).length,
    ).toBe(4);
  });

  it('hides the other series of the study from a series-limited share', async () => {
    const guest = bearer(oneSeries.token);
    const hiddenSops = A.filter((e) => e.seriesInstanceUID === A_SERIES_1).map((e) => e.sopInstanceUID!);
    const series = await call(archive, 'GET', `/dicom-web/studies/${A_STUDY}/series`, guest);
    expect(uidsOf(series.json as DicomJson[], '0020000E')).toEqual([A_SERIES_2]);
    const instances = await call(archive, 'GET', `/dicom-web/studies/${A_STUDY}/instances`, guest);
    expect(uidsOf(instances.json as DicomJson[], '0020000E')).toEqual([A_SERIES_2, A_SERIES_2]);
    expect(
      ((await call(archive, 'GET', '/dicom-web/instances', guest)).json as DicomJson[]).every(
        (i) => firstValue(i, '0020000E') === A_SERIES_2,
      ),
    ).toBe(true);
    // The study's counts are those of the shared series.
    const study = await call(archive, 'GET', `/dicom-web/studies?StudyInstanceUID=${A_STUDY}`, guest);
    expect(firstValue((study.json as DicomJson[])[0], '00201208')).toBe(2);
    expect(firstValue((study.json as DicomJson[])[0], '00201206')).toBe(1);

    // Study-level answers hold the shared series only.
    const metadata = await call(archive, 'GET', `/dicom-web/studies/${A_STUDY}/metadata`, guest);
    expect(metadata.status).toBe(200);
    expect(uidsOf(metadata.json as DicomJson[], '0020000E')).toEqual([A_SERIES_2, A_SERIES_2]);
    const bytesOf = async (url: string, headers: HeaderMap) => {
      const res = await fetch(url, { headers: { ...guest, ...headers } });
      expect(res.status, url).toBe(200);
      return Buffer.from(await res.arrayBuffer());
    };
    const rendered = await bytesOf(`${archive.dicomWeb}/studies/${A_STUDY}/rendered`, {});
    expect(rendered.toString('latin1').match(/Content-Type: image\/jpeg/gi)).toHaveLength(2);
    const retrieved = await bytesOf(`${archive.dicomWeb}/studies/${A_STUDY}`, {
      accept: 'multipart/related; type="application/dicom"; transfer-syntax=*',
    });
    const zip = await bytesOf(`${archive.dicomWeb}/studies/${A_STUDY}?accept=application/zip`, {});
    for (const [name, bytes] of Object.entries({ rendered, retrieved, zip })) {
      for (const sop of hiddenSops) expect(bytes.includes(Buffer.from(sop)), `${name} holds a hidden instance`).toBe(false);
    }
    expect(retrieved.toString('latin1').match(/Content-Type: application\/dicom/gi)).toHaveLength(2);
    expect(zip.toString('latin1').match(/PK\u0003\u0004/g)).toHaveLength(2);
    // The study's thumbnail comes from the shared series, not from the study's first series.
    const studyThumbnail = await bytesOf(`${archive.dicomWeb}/studies/${A_STUDY}/thumbnail`, {});
    expect(studyThumbnail.equals(await bytesOf(`${archive.dicomWeb}/studies/${A_STUDY}/series/${A_SERIES_2}/thumbnail`, {}))).toBe(true);

    // The hidden series answers like a series that does not exist.
    const hidden = requestsFor(A_STUDY, A_SERIES_1, A1.sopInstanceUID!).filter((r) => r.path.includes(A_SERIES_1));
    const missing = requestsFor(A_STUDY, randomUid(), randomUid()).filter((r) => !r.name.startsWith('study'));
    expect(hidden.length).toBe(missing.length);
    for (const [n, request] of hidden.entries()) {
      const answer = await call(archive, 'GET', request.path, { ...guest, ...request.headers });
      expect(answer.status, request.name).toBe(404);
      expect(summary(answer), request.name).toEqual(
        summary(await call(archive, 'GET', missing[n]!.path, { ...guest, ...missing[n]!.headers })),
      );
    }
  });

  it('counts uses in GET /api/shares and never shows the token there again', async () => {
    const share = await createShare(archive, { studyInstanceUID: A_STUDY });
    const listed = async () => {
      const answer = await call(archive, 'GET', '/api/shares', adminHeaders(archive));
      expect(answer.status).toBe(200);
      expect(answer.text).not.toContain(share.token);
      expect(answer.text).not.toContain(share.token.slice(4));
      return (answer.json as Array<{ id: string; useCount: number; lastUsedAt: string | null }>).find((s) => s.id === share.id)!;
    };
    expect(await listed()).toMatchObject({ useCount: 0, lastUsedAt: null });
    const before = Date.now();
    expect((await call(archive, 'GET', '/dicom-web/studies', bearer(share.token))).status).toBe(200);
    const once = await listed();
    expect(once.useCount).toBe(1);
    expect(Date.parse(once.lastUsedAt!)).toBeGreaterThanOrEqual(before - 1000);
    expect((await call(archive, 'POST', '/api/shares/open', {}, { token: share.token })).status).toBe(200);
    expect((await listed()).useCount).toBe(2);
    expect(Object.keys(await listed())).not.toContain('token');
  });

  it('stores the token nowhere: neither in the access database nor in the audit trail', async () => {
    const tokens = [readOnly, download, oneSeries].map((s) => s.token);
    const audit = await call(archive, 'GET', '/api/audit?limit=1000', adminHeaders(archive));
    expect((audit.json as { total: number }).total).toBeGreaterThan(20);
    const csv = await call(archive, 'GET', '/api/audit?format=csv', adminHeaders(archive));
    for (const file of ['access.sqlite', 'audit.sqlite']) {
      const db = new Database(path.join(archive.dataDir, file), { readonly: true });
      try {
        const cells = everyCell(db);
        expect(cells.length, file).toBeGreaterThan(10);
        for (const token of tokens) {
          expect(
            cells.some((cell) => cell.includes(token) || cell.includes(token.slice(4))),
            `${file} holds a token`,
          ).toBe(false);
        }
      } finally {
        db.close();
      }
    }
    for (const token of tokens) {
      expect(audit.text).not.toContain(token.slice(4));
      expect(csv.text).not.toContain(token.slice(4));
    }
  });
});

/** Every text and blob value of every table, blobs also as base64url and hex. */
function everyCell(db: Database.Database): string[] {
  const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all();
  const cells: string[] = [];
  for (const { name } of tables) {
    for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>) {
      for (const value of Object.values(row)) {
        if (typeof value === 'string') cells.push(value);
        if (Buffer.isBuffer(value)) cells.push(value.toString('latin1'), value.toString('base64url'), value.toString('hex'));
      }
    }
  }
  return cells;
}
