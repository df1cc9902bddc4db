import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../server/audit/audit-log';
import { adminHeaders, basic, bearer, call, createUser, storeAs } from '../helpers/access-client';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { startTestArchive, TEST_ADMIN, type TestArchive } from '../helpers/start-app';
import { pn, syntheticSeries } from '../helpers/synthetic-series';

/**
 * The audit trail over real HTTP (issue 5; DICOM PS3.15 A.5 event IDs): what is recorded for
 * each kind of request, how GET /api/audit filters and exports it, and that the file is
 * append-only. That neither the trail nor the server's output holds patient names or tokens:
 * audit-trail-secrets.test.ts.
 */

const CT = corpusEntry('transfer-syntaxes/ct1-1.2.1_explicit-vr-le.dcm');
const OTHER = corpusEntry('series/ct-abdomen-philips-tcia/1-036.dcm');
const STUDY = CT.studyInstanceUID!;
const SERIES = CT.seriesInstanceUID!;
const SOP = CT.sopInstanceUID!;
const PASSWORD = 'a-long-enough-password';

describe('audit trail', () => {
  let archive: TestArchive;
  const admin = () => adminHeaders(archive);
  const audit = async (query: string): Promise<{ total: number; records: AuditRecord[] }> => {
    const answer = await call(archive, 'GET', `/api/audit?${query}`, admin());
    expect(answer.status, query).toBe(200);
    return answer.json as { total: number; records: AuditRecord[] };
  };
  /**
   * The record of `action` with this request id (every response carries X-Request-Id). A request
   * is recorded when its response has finished on the server, which may be just after the client
   * has read it all: a few tries.
   */
  const recordOf = async (requestId: string | null, action: string) => {
    let found: AuditRecord[] = [];
    for (let attempt = 0; attempt < 20 && found.length === 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25));
      found = (await audit(`action=${action}&limit=1000`)).records.filter((r) => r.requestId === requestId);
    }
    expect(found, `${action} ${requestId}`).toHaveLength(1);
    return found[0]!;
  };

  beforeAll(async () => {
    archive = await startTestArchive();
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('records sign-ins, DICOMweb transactions and share links with their PS3.15 event, outcome and principal', async () => {
    const radiologist = await createUser(archive, { username: 'dr-lan', password: PASSWORD, role: 'radiologist' });
    const login = await call(archive, 'POST', '/api/login', {}, { username: 'dr-lan', password: PASSWORD });
    expect(await recordOf(login.headers.get('x-request-id'), 'login')).toMatchObject({
      eventId: '110114',
      eventName: 'User Authentication',
      eventType: '110122 Login',
      actionCode: 'E',
      outcome: 0,
      principalKind: 'user',
      principalId: 'dr-lan',
      role: 'radiologist',
      clientAddress: '127.0.0.1',
    });
    const failed = await call(archive, 'POST', '/api/login', {}, { username: 'dr-lan', password: 'not-the-password' });
    expect(failed.status).toBe(401);
    const failure = await recordOf(failed.headers.get('x-request-id'), 'login');
    expect(failure).toMatchObject({ eventId: '110114', outcome: 4, principalId: 'dr-lan' });
    expect(failure.detail).not.toContain('not-the-password');

    const stored = await storeAs(archive, radiologist, [corpusFile(CT.path)]);
    expect(stored.status).toBe(200);
    expect(await recordOf(stored.headers.get('x-request-id'), 'store')).toMatchObject({
      eventId: '110104',
      eventName: 'DICOM Instances Transferred',
      actionCode: 'C',
      outcome: 0,
      principalId: 'dr-lan',
      studyUid: STUDY,
    });

    const query = await call(archive, 'GET', `/dicom-web/studies?StudyInstanceUID=${STUDY}`, radiologist);
    const queried = await recordOf(query.headers.get('x-request-id'), 'query');
    expect(queried).toMatchObject({ eventId: '110112', eventName: 'Query', actionCode: 'E', outcome: 0, principalId: 'dr-lan' });
    expect(queried.detail).toContain('keys=StudyInstanceUID');

    const view = await call(archive, 'GET', `/dicom-web/studies/${STUDY}/metadata`, radiologist);
    expect(await recordOf(view.headers.get('x-request-id'), 'view')).toMatchObject({
      eventId: '110103',
      eventName: 'DICOM Instances Accessed',
      actionCode: 'R',
      outcome: 0,
      studyUid: STUDY,
      principalId: 'dr-lan',
    });

    const retrieve = await fetch(`${archive.dicomWeb}/studies/${STUDY}/series/${SERIES}/instances/${SOP}`, {
      headers: { ...radiologist, accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' },
    });
    await retrieve.arrayBuffer();
    expect(await recordOf(retrieve.headers.get('x-request-id'), 'retrieve')).toMatchObject({
      eventId: '110104',
      actionCode: 'R',
      outcome: 0,
      studyUid: STUDY,
    });

    const zip = await fetch(`${archive.dicomWeb}/studies/${STUDY}?accept=application/zip`, { headers: radiologist });
    await zip.arrayBuffer();
    expect(await recordOf(zip.headers.get('x-request-id'), 'download')).toMatchObject({
      eventId: '110106',
      eventName: 'Export',
      outcome: 0,
      studyUid: STUDY,
    });

    // Shares: creation, use (opening the link), a refused request outside its study, revocation.
    expect((await storeAs(archive, admin(), [corpusFile(OTHER.path)])).status).toBe(200);
    const created = await call(archive, 'POST', '/api/shares', radiologist, { studyInstanceUID: STUDY });
    expect(created.status).toBe(201);
    const share = created.json as { id: string; token: string };
    expect(await recordOf(created.headers.get('x-request-id'), 'share-create')).toMatchObject({
      eventId: '110113',
      eventType: '110135 Object Security Attributes Changed',
      actionCode: 'C',
      outcome: 0,
      principalId: 'dr-lan',
      studyUid: STUDY,
    });
    const opened = await call(archive, 'POST', '/api/shares/open', {}, { token: share.token });
    expect(await recordOf(opened.headers.get('x-request-id'), 'share-use')).toMatchObject({
      eventId: '110114',
      outcome: 0,
      principalKind: 'share',
      principalId: share.id,
      role: 'guest',
      studyUid: STUDY,
    });
    const guestQuery = await call(archive, 'GET', '/dicom-web/studies', bearer(share.token));
    expect(await recordOf(guestQuery.headers.get('x-request-id'), 'query')).toMatchObject({
      outcome: 0,
      principalKind: 'share',
      principalId: share.id,
    });
    const outside = await call(archive, 'GET', `/dicom-web/studies/${OTHER.studyInstanceUID}/metadata`, bearer(share.token));
    expect(outside.status).toBe(404);
    expect(await recordOf(outside.headers.get('x-request-id'), 'view')).toMatchObject({
      eventId: '110103',
      outcome: 4,
      principalKind: 'share',
      principalId: share.id,
      studyUid: OTHER.studyInstanceUID,
    });
    const forbidden = await fetch(`${archive.dicomWeb}/studies/${STUDY}`, { headers: bearer(share.token) });
    expect(forbidden.status).toBe(403);
    expect(await recordOf(forbidden.headers.get('x-request-id'), 'retrieve')).toMatchObject({ outcome: 4, principalKind: 'share' });
    const revoked = await call(archive, 'DELETE', `/api/shares/${share.id}`, radiologist);
    expect(revoked.status).toBe(204);
    expect(await recordOf(revoked.headers.get('x-request-id'), 'share-revoke')).toMatchObject({
      eventId: '110113',
      actionCode: 'D',
      outcome: 0,
      principalId: 'dr-lan',
      studyUid: STUDY,
    });
    const afterRevoke = await call(archive, 'GET', '/dicom-web/studies', bearer(share.token));
    expect(afterRevoke.status).toBe(401);
    expect(await recordOf(afterRevoke.headers.get('x-request-id'), 'share-use')).toMatchObject({ outcome: 4, principalKind: 'share' });

    // A refused delete is recorded as refused; the admin's delete of the study as 110105.
    const refused = await call(archive, 'DELETE', `/dicom-web/studies/${STUDY}`, radiologist);
    expect(refused.status).toBe(403);
    expect(await recordOf(refused.headers.get('x-request-id'), 'delete-study')).toMatchObject({
      eventId: '110105',
      outcome: 4,
      principalId: 'dr-lan',
      studyUid: STUDY,
    });
    const wado = await fetch(
      `${archive.url}/wado?requestType=WADO&studyUID=${STUDY}&seriesUID=${SERIES}&objectUID=${SOP}&contentType=application/dicom`,
      { headers: radiologist },
    );
    expect(wado.status).toBe(200);
    await wado.arrayBuffer();
    expect(await recordOf(wado.headers.get('x-request-id'), 'retrieve')).toMatchObject({
      eventId: '110104',
      outcome: 0,
      principalId: 'dr-lan',
      studyUid: STUDY,
    });
    const deleted = await call(archive, 'DELETE', `/dicom-web/studies/${STUDY}`, admin());
    expect(deleted.status).toBe(204);
    expect(await recordOf(deleted.headers.get('x-request-id'), 'delete-study')).toMatchObject({
      eventId: '110105',
      eventName: 'DICOM Study Deleted',
      actionCode: 'D',
      outcome: 0,
      principalId: TEST_ADMIN.username,
      role: 'admin',
      studyUid: STUDY,
    });
  });

  it('filters by user, study, action and time, and pages', async () => {
    const clinician = await createUser(archive, { username: 'dr-binh', password: PASSWORD, role: 'clinician' });
    expect((await call(archive, 'GET', '/api/session', clinician)).status).toBe(200); // recorded as a login only
    await new Promise((resolve) => setTimeout(resolve, 5));
    const before = new Date().toISOString();
    for (let i = 0; i < 3; i++) await call(archive, 'GET', `/dicom-web/studies?StudyInstanceUID=${OTHER.studyInstanceUID}`, clinician);
    await call(archive, 'GET', `/dicom-web/studies/${OTHER.studyInstanceUID}/metadata`, clinician);
    for (let attempt = 0; attempt < 20 && (await audit('user=dr-binh')).total < 5; attempt++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    const after = new Date(Date.now() + 1).toISOString();

    const byUser = await audit('user=dr-binh');
    expect(byUser.records.every((r) => r.principalId === 'dr-binh')).toBe(true);
    expect(byUser.records.map((r) => r.action).sort()).toEqual(['login', 'query', 'query', 'query', 'view']);
    expect(byUser.total).toBe(5);
    const queries = await audit('user=dr-binh&action=query');
    expect(queries.total).toBe(3);
    const byStudy = await audit(`study=${OTHER.studyInstanceUID}&user=dr-binh`);
    expect(byStudy.records.map((r) => r.action)).toEqual(['view']);
    const all = await audit(`study=${OTHER.studyInstanceUID}`);
    expect(all.records.every((r) => r.studyUid === OTHER.studyInstanceUID)).toBe(true);
    expect(all.records.map((r) => r.action)).toEqual(expect.arrayContaining(['store', 'view']));
    const inWindow = await audit(`from=${before}&to=${after}&user=dr-binh`);
    expect(inWindow.total).toBe(4);
    expect((await audit(`to=${before}&user=dr-binh`)).records.map((r) => r.action)).toEqual(['login']);
    expect((await audit(`from=${after}&user=dr-binh`)).total).toBe(0);
    // Newest first, paged.
    const page = await audit('user=dr-binh&limit=2&offset=1');
    expect(page.records.map((r) => r.id)).toEqual(byUser.records.slice(1, 3).map((r) => r.id));
    expect(byUser.records.map((r) => r.id)).toEqual([...byUser.records.map((r) => r.id)].sort((a, b) => b - a));

    for (const bad of ['action=teleport', 'from=yesterday', 'study=not-a-uid', 'limit=-1']) {
      const answer = await call(archive, 'GET', `/api/audit?${bad}`, admin());
      expect(answer.status, bad).toBe(400);
    }
    // Reading the trail is itself recorded (110101).
    expect((await audit('action=audit-read&limit=1')).records[0]).toMatchObject({ eventId: '110101', principalId: TEST_ADMIN.username });
  });

  it('exports CSV with its header and one row per record', async () => {
    const res = await fetch(`${archive.url}/api/audit?format=csv&user=dr-binh`, { headers: admin() });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-\d{4}-\d\d-\d\d\.csv"$/);
    const lines = (await res.text()).split('\r\n').filter(Boolean);
    expect(lines[0]).toBe(
      'time,eventId,eventName,eventType,actionCode,outcome,action,principalKind,principalId,role,clientAddress,studyUid,detail,requestId',
    );
    expect(lines).toHaveLength(1 + 5);
    const view = lines.find((l) => l.includes(',view,'))!;
    expect(view).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT[^,]+,110103,DICOM Instances Accessed,,R,0,view,user,dr-binh,clinician,127\\.0\\.0\\.1,${OTHER.studyInstanceUID!.replace(/\./g, '\\.')},`,
      ),
    );
    // A cell a spreadsheet would run as a formula is quoted away.
    await call(archive, 'POST', '/api/login', {}, { username: '=HYPERLINK("http://evil.example")', password: 'whatever-it-is' });
    const csv = await (await fetch(`${archive.url}/api/audit?format=csv&action=login`, { headers: admin() })).text();
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
    // Only admins read the trail.
    expect((await call(archive, 'GET', '/api/audit?format=csv', basic('dr-binh', PASSWORD))).status).toBe(403);
  });

  it('finds the records of a patient by name (any case and accents) or part of the ID through the index, and of users by part of the name', async () => {
    const hoa = syntheticSeries(1, { PatientName: pn('Nguyễn^Thị Hoa'), PatientID: 'BN-2024-0815' });
    expect((await storeAs(archive, admin(), hoa.files)).status).toBe(200);
    const nurse = await createUser(archive, { username: 'dd-hoa.tran', password: PASSWORD, role: 'clinician' });
    await call(archive, 'GET', `/dicom-web/studies/${hoa.studyUid}/metadata`, nurse);
    for (let attempt = 0; attempt < 20 && (await audit('user=hoa.tran&action=view')).total < 1; attempt++)
      await new Promise((resolve) => setTimeout(resolve, 25));

    for (const patient of ['nguyen thi hoa', 'HOA NGUYỄN', '2024-08', 'BN-2024-0815']) {
      const found = await audit(`patient=${encodeURIComponent(patient)}`);
      expect(found.total, patient).toBeGreaterThanOrEqual(2);
      expect(
        found.records.every((r) => r.studyUid === hoa.studyUid),
        patient,
      ).toBe(true);
      expect(
        found.records.map((r) => r.action),
        patient,
      ).toEqual(expect.arrayContaining(['store', 'view']));
    }
    expect((await audit(`patient=${encodeURIComponent('Trần Văn Nam')}`)).total).toBe(0);
    expect((await audit('patient=nguyen&action=view')).records.map((r) => r.principalId)).toEqual(['dd-hoa.tran']);
    // A part of the user name, any case; % and _ are characters here, not wildcards.
    expect((await audit('user=HOA.T&action=view')).records.map((r) => r.principalId)).toEqual(['dd-hoa.tran']);
    expect((await audit('user=dr-&action=login')).records.map((r) => r.principalId)).toEqual(expect.arrayContaining(['dr-lan', 'dr-binh']));
    expect((await audit('user=d_-hoa')).total).toBe(0);
    expect((await audit('user=%25')).total).toBe(0);
  });

  it('exports CSV as UTF-8 with a byte order mark, so that a spreadsheet opens it as UTF-8', async () => {
    const res = await fetch(`${archive.url}/api/audit?format=csv&user=dr-binh`, { headers: admin() });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toMatch(/^time,eventId,eventName,/);
  });

  it('refuses UPDATE and DELETE in the audit database', () => {
    const db = new Database(path.join(archive.dataDir, 'audit.sqlite'));
    try {
      const count = () => (db.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n;
      const n = count();
      expect(n).toBeGreaterThan(20);
      expect(() => db.prepare("UPDATE audit_events SET principal_id = 'nobody'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit_events WHERE id = (SELECT min(id) FROM audit_events)').run()).toThrow(/append-only/);
      expect(count()).toBe(n);
      expect(db.prepare("SELECT count(*) AS n FROM audit_events WHERE principal_id = 'nobody'").get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});
