import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { basicAuthorization } from '../helpers/signed-in-fetch';
import { corpusFile } from '../helpers/corpus';
import { stowBody } from '../helpers/dicomweb-http';
import { startTestArchive, TEST_ADMIN, type TestArchive } from '../helpers/start-app';

/**
 * The consultation round trip of issue 5 over real HTTP: a radiologist asks a named specialist;
 * the specialist opens the link as a guest, annotates (seen by the requester), answers; the
 * opinion lands in the study as a Basic Text SR stored through STOW ingest; every step is audited.
 */
const CT_STUDY = '1.3.6.1.4.1.14519.5.2.1.21087345762211724523378497892240459677';
const CT_SERIES = '1.3.6.1.4.1.14519.5.2.1.302382790855582445722435410442490497846';
const BASIC_TEXT_SR = '1.2.840.10008.5.1.4.1.1.88.11';
const RADIOLOGIST = { username: 'bs.lan', password: 'radiologist-password' };
const OPINION = 'Nốt mờ 8 mm thùy trên phổi phải, bờ đều.\nĐề nghị chụp lại sau 3 tháng.';

describe('consultation round trip', () => {
  let archive: TestArchive;
  let radiologist: string;
  let sopUid: string;
  const admin = () => archive.adminAuthorization;

  beforeAll(async () => {
    archive = await startTestArchive();
    const file = corpusFile('series/ct-abdomen-philips-tcia/1-036.dcm');
    const { body, contentType } = stowBody([file]);
    const stored = await fetch(`${archive.dicomWeb}/studies`, {
      method: 'POST',
      headers: { authorization: admin(), 'content-type': contentType, accept: 'application/dicom+json' },
      body,
    });
    expect(stored.status).toBe(200);
    const json = (await stored.json()) as DicomJson;
    const url = (json['00081199']?.Value?.[0] as DicomJson)['00081190']?.Value?.[0] as string;
    sopUid = url.split('/').at(-1)!;
    const created = await api('POST', '/api/users', admin(), { ...RADIOLOGIST, role: 'radiologist', displayName: 'BS. Lan' });
    expect(created.status).toBe(201);
    radiologist = basicAuthorization(RADIOLOGIST.username, RADIOLOGIST.password);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  async function api(method: string, path: string, authorization: string | undefined, body?: unknown, extra: Record<string, string> = {}) {
    const headers: Record<string, string> = { ...extra };
    if (authorization) headers.authorization = authorization;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${archive.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read many API answer shapes through this one helper
    return { status: res.status, json: (text ? JSON.parse(text) : undefined) as any, headers: res.headers };
  }

  /** A guest's browser: opens the link, then calls with its session cookie and CSRF token. */
  async function openAsGuest(token: string) {
    const opened = await api('POST', '/api/shares/open', undefined, { token });
    expect(opened.status).toBe(200);
    const cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
    const csrf = opened.json.csrfToken as string;
    return {
      session: opened.json,
      call: (method: string, path: string, body?: unknown) => api(method, path, undefined, body, { cookie, 'x-csrf-token': csrf }),
    };
  }

  it('goes requested → viewed → answered → closed, with annotations both ways and the opinion as an SR in the study', async () => {
    const asked = await api('POST', '/api/consultations', radiologist, {
      studyInstanceUID: CT_STUDY,
      specialist: { name: 'GS. Trần Văn Minh', institution: 'Bệnh viện Bạch Mai', contact: 'minh@bachmai.vn' },
      requesterInstitution: 'Bệnh viện huyện Sóc Sơn',
      question: 'Nốt mờ phổi phải: lành hay ác tính?',
      urgency: 'urgent',
      expiresInHours: 48,
    });
    expect(asked.status).toBe(201);
    const id = asked.json.consultation.id as string;
    expect(asked.json.consultation.status).toBe('requested');
    expect(asked.json.share.url).toBe(`${archive.url}/share#${asked.json.share.token}`);

    const guest = await openAsGuest(asked.json.share.token);
    expect(guest.session.share.consultationId).toBe(id);
    expect(guest.session.permissions).toEqual(['search', 'read', 'annotate', 'answer']);
    const seen = await guest.call('GET', `/api/consultations/${id}`);
    expect(seen.json.status).toBe('viewed');
    expect(seen.json.viewedAt).not.toBeNull();
    expect(seen.json.question).toBe('Nốt mờ phổi phải: lành hay ác tính?');

    // The specialist's mark is the requester's to see, under the specialist's name.
    const mark = await guest.call('POST', `/api/studies/${CT_STUDY}/annotations`, {
      seriesInstanceUID: CT_SERIES,
      sopInstanceUID: sopUid,
      frame: 1,
      kind: 'arrow',
      data: {
        handles: [
          [100, 120],
          [140, 160],
        ],
        text: 'nốt',
      },
    });
    expect(mark.status).toBe(201);
    const hostView = await api('GET', `/api/studies/${CT_STUDY}/annotations`, radiologist);
    expect(hostView.json).toHaveLength(1);
    expect(hostView.json[0]).toMatchObject({
      kind: 'arrow',
      sopInstanceUID: sopUid,
      author: { name: 'GS. Trần Văn Minh', kind: 'share' },
      mine: false,
      data: { text: 'nốt' },
    });
    // …and only the specialist can change it.
    expect((await api('PUT', `/api/studies/${CT_STUDY}/annotations/${mark.json.id}`, radiologist, { data: {} })).status).toBe(403);
    // The guest cannot ask consultations or make share links.
    expect((await guest.call('POST', '/api/shares', { studyInstanceUID: CT_STUDY })).status).toBe(403);

    const answered = await guest.call('POST', `/api/consultations/${id}/opinion`, { opinion: OPINION });
    expect(answered.status).toBe(200);
    expect(answered.json.status).toBe('answered');
    const srUid = answered.json.opinionSopInstanceUID as string;

    // The opinion travels with the study: a Basic Text SR found by QIDO, its text in the metadata.
    const srs = await api('GET', `/dicom-web/studies/${CT_STUDY}/instances?SOPClassUID=${BASIC_TEXT_SR}`, radiologist);
    expect(srs.json.map((i: DicomJson) => i['00080018']?.Value?.[0])).toEqual([srUid]);
    const srSeries = (srs.json[0] as DicomJson)['0020000E']?.Value?.[0] as string;
    const metadata = await api('GET', `/dicom-web/studies/${CT_STUDY}/series/${srSeries}/instances/${srUid}/metadata`, radiologist);
    const texts = JSON.stringify(metadata.json);
    expect(texts).toContain(JSON.stringify(OPINION).slice(1, -1));
    expect((metadata.json[0] as DicomJson)['00100020']).toEqual(
      (await api('GET', `/dicom-web/studies?StudyInstanceUID=${CT_STUDY}`, radiologist)).json[0]['00100020'],
    );

    // The requester sees it answered in their list; then closes it, which ends the link.
    const mine = await api('GET', '/api/consultations?status=answered', radiologist);
    expect(mine.json.map((c: { id: string; opinion: string }) => [c.id, c.opinion])).toEqual([[id, OPINION]]);
    expect((await api('GET', '/api/consultations?status=open', radiologist)).json).toEqual([]);
    const closed = await api('POST', `/api/consultations/${id}/close`, radiologist);
    expect(closed.json.status).toBe('closed');
    expect((await guest.call('GET', `/dicom-web/studies/${CT_STUDY}/series`)).status).toBe(401);

    const trail = await api('GET', `/api/audit?study=${CT_STUDY}&limit=1000`, basicAuthorization(TEST_ADMIN.username, TEST_ADMIN.password));
    const actions = (trail.json.records as Array<{ action: string; principalId: string; outcome: number }>).map((r) => r.action);
    for (const action of [
      'consultation-request',
      'share-create',
      'share-use',
      'consultation-view',
      'annotate',
      'store',
      'consultation-answer',
      'consultation-close',
    ])
      expect(actions).toContain(action);
  });

  it('keeps an anonymized consultation anonymous: the guest annotates by replacement UIDs, the requester sees the originals', async () => {
    const asked = await api('POST', '/api/consultations', radiologist, {
      studyInstanceUID: CT_STUDY,
      specialist: { name: 'BS. Hà' },
      question: 'Xin ý kiến',
      anonymize: true,
    });
    expect(asked.status).toBe(201);
    const guest = await openAsGuest(asked.json.share.token);
    const presentedStudy = guest.session.share.studyInstanceUID as string;
    expect(presentedStudy).not.toBe(CT_STUDY);
    expect(presentedStudy).toMatch(/^2\.25\.\d+$/);
    const instances = await guest.call('GET', `/dicom-web/studies/${presentedStudy}/instances?SOPClassUID=1.2.840.10008.5.1.4.1.1.2`);
    const first = instances.json[0] as DicomJson;
    const [series, sop] = [first['0020000E']?.Value?.[0] as string, first['00080018']?.Value?.[0] as string];
    expect(series).not.toBe(CT_SERIES);
    const consultation = await guest.call('GET', `/api/consultations/${asked.json.consultation.id}`);
    expect(consultation.json.studyInstanceUID).toBe(presentedStudy);
    expect(consultation.json.requestedBy).toBe('');
    const mark = await guest.call('POST', `/api/studies/${presentedStudy}/annotations`, {
      seriesInstanceUID: series,
      sopInstanceUID: sop,
      frame: 1,
      kind: 'length',
      data: { mm: 8.1 },
    });
    expect(mark.status).toBe(201);
    expect(mark.json.sopInstanceUID).toBe(sop);
    const hostView = (await api('GET', `/api/studies/${CT_STUDY}/annotations`, radiologist)).json as Array<{
      id: string;
      sopInstanceUID: string;
      seriesInstanceUID: string;
    }>;
    expect(hostView.find((a) => a.id === mark.json.id)).toMatchObject({ sopInstanceUID: sopUid, seriesInstanceUID: CT_SERIES });
    // The original UIDs mean nothing to the anonymized guest.
    expect((await guest.call('GET', `/api/studies/${CT_STUDY}/annotations`)).status).toBe(404);
  });

  it('refuses bad requests with precise 4xx errors', async () => {
    expect(
      (await api('POST', '/api/consultations', radiologist, { studyInstanceUID: CT_STUDY, specialist: { name: '' }, question: 'x' }))
        .status,
    ).toBe(400);
    expect(
      (
        await api('POST', '/api/consultations', radiologist, {
          studyInstanceUID: CT_STUDY,
          specialist: { name: 'A' },
          question: 'x',
          urgency: 'now',
        })
      ).status,
    ).toBe(400);
    expect(
      (await api('POST', '/api/consultations', radiologist, { studyInstanceUID: '1.2.3.4', specialist: { name: 'A' }, question: 'x' }))
        .status,
    ).toBe(404);
    expect((await api('GET', '/api/consultations/nope', radiologist)).status).toBe(404);
    const clinician = await api('POST', '/api/users', admin(), { username: 'bs.khoa', password: 'clinician-password', role: 'clinician' });
    expect(clinician.status).toBe(201);
    const asClinician = basicAuthorization('bs.khoa', 'clinician-password');
    expect(
      (await api('POST', '/api/consultations', asClinician, { studyInstanceUID: CT_STUDY, specialist: { name: 'A' }, question: 'x' }))
        .status,
    ).toBe(403);
    expect(
      (
        await api('POST', `/api/studies/${CT_STUDY}/annotations`, asClinician, {
          seriesInstanceUID: CT_SERIES,
          sopInstanceUID: sopUid,
          kind: 'arrow',
          data: {},
        })
      ).status,
    ).toBe(403);
  });
});
