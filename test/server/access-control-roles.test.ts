import { describe, expect, it } from 'vitest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { admin, archive, PASSWORD, SERIES, SOP, STUDY, useArchiveWithCt } from '../helpers/access-archive';
import { call, createUser, errorOf, storeAs } from '../helpers/access-client';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { firstValue } from '../helpers/dicomweb-http';

/**
 * Accounts and roles over real HTTP (issue 5): what a device, a clinician and a radiologist may
 * do and what they are refused. The archive runs anonymous: every request carries only the
 * credentials written here.
 */

describe('access control', () => {
  useArchiveWithCt();

  it('a device account stores through STOW-RS with HTTP Basic but cannot search', async () => {
    const device = await createUser(archive, { username: 'ct-scanner', password: PASSWORD, role: 'device' });
    const other = corpusEntry('transfer-syntaxes/ct1-1.2.4.50_jpeg-baseline.dcm');
    const stored = await storeAs(archive, device, [corpusFile(other.path)]);
    expect(stored.status).toBe(200);
    const referenced = (stored.json as DicomJson)['00081199']?.Value as DicomJson[];
    expect(referenced.map((r) => firstValue(r, '00081155'))).toEqual([other.sopInstanceUID]);

    const search = await call(archive, 'GET', '/dicom-web/studies', device);
    expect(search.status).toBe(403);
    expect(errorOf(search)).toEqual({ code: 'FORBIDDEN', message: expect.stringContaining('device') as string });
    expect((await call(archive, 'GET', `/dicom-web/studies/${STUDY}/metadata`, device)).status).toBe(403);
    // The admin sees what the device stored.
    const instances = await call(archive, 'GET', `/dicom-web/studies/${STUDY}/instances`, admin());
    expect((instances.json as DicomJson[]).map((i) => firstValue(i, '00080018')).sort()).toEqual([SOP, other.sopInstanceUID].sort());
  });

  it('lets a clinician search and retrieve but not delete', async () => {
    const clinician = await createUser(archive, { username: 'dr-lan', password: PASSWORD, role: 'clinician' });
    const search = await call(archive, 'GET', `/dicom-web/studies?StudyInstanceUID=${STUDY}`, clinician);
    expect(search.status).toBe(200);
    expect((search.json as DicomJson[]).map((s) => firstValue(s, '0020000D'))).toEqual([STUDY]);
    const metadata = await call(archive, 'GET', `/dicom-web/studies/${STUDY}/series/${SERIES}/instances/${SOP}/metadata`, clinician);
    expect(firstValue((metadata.json as DicomJson[])[0], '00080018')).toBe(SOP);
    const res = await fetch(`${archive.dicomWeb}/studies/${STUDY}/series/${SERIES}/instances/${SOP}/frames/1`, {
      headers: { ...clinician, accept: 'multipart/related; type="application/octet-stream"' },
    });
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(512 * 512 * 2);

    const refused = await call(archive, 'DELETE', `/dicom-web/studies/${STUDY}`, clinician);
    expect(refused.status).toBe(403);
    expect(errorOf(refused).code).toBe('FORBIDDEN');
    expect((await call(archive, 'DELETE', `/dicom-web/studies/${STUDY}/series/${SERIES}/instances/${SOP}`, clinician)).status).toBe(403);
    expect((await call(archive, 'POST', '/api/shares', clinician, { studyInstanceUID: STUDY })).status).toBe(403);
    const after = await call(archive, 'GET', `/dicom-web/studies/${STUDY}/instances`, admin());
    expect((after.json as DicomJson[]).map((i) => firstValue(i, '00080018'))).toContain(SOP);
  });

  it('keeps a radiologist out of account management', async () => {
    const radiologist = await createUser(archive, { username: 'dr-minh', password: PASSWORD, role: 'radiologist' });
    const users = await call(archive, 'GET', '/api/users', radiologist);
    expect(users.status).toBe(403);
    expect(errorOf(users).code).toBe('FORBIDDEN');
    expect(
      (await call(archive, 'POST', '/api/users', radiologist, { username: 'intruder', password: PASSWORD, role: 'admin' })).status,
    ).toBe(403);
    expect((await call(archive, 'GET', '/api/audit', radiologist)).status).toBe(403);
    const list = await call(archive, 'GET', '/api/users', admin());
    expect((list.json as Array<{ username: string }>).map((u) => u.username)).not.toContain('intruder');
  });
});
