import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeerSummary } from '../../shared/api/exchange';
import type { AuditRecord } from '../../shared/api/audit-events';
import { getString, type DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { call, createUser, errorOf, type Answer, type HeaderMap } from '../helpers/access-client';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { expectStored } from '../helpers/dicomweb-http';
import { freeLoopbackPort } from '../helpers/free-port';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * Remote search (issue 13 item 3): QIDO-RS to a peer through our /api, so the browser never
 * holds the peer's credentials. The peer is a second real archive holding real corpus studies;
 * bad peers are small node:http servers that answer what a broken or foreign server would.
 */

const CT = 'series/ct-abdomen-philips-tcia';
const CT_FILES = ['1-036.dcm', '1-037.dcm', '1-038.dcm', '1-039.dcm', '1-040.dcm'].map((f) => `${CT}/${f}`);
const MR = 'charsets/iso-ir-192-utf8-mr.dcm';
const DX = 'radiography/dx-for-presentation-mono1.dcm';
const PASSWORD = 'district-a-password-1';

describe('remote search', () => {
  let us: TestArchive;
  let peer: TestArchive;
  let peerAccount: HeaderMap;
  let central: PeerSummary;
  const servers: http.Server[] = [];
  /** Requests the fake peers received: URL and headers. */
  const seen: Array<{ url: string; headers: http.IncomingHttpHeaders }> = [];

  const api = (route: string, as: HeaderMap = { authorization: us.adminAuthorization }): Promise<Answer> =>
    call(us, 'GET', `/api${route}`, as);
  const addPeer = async (name: string, baseUrl: string, auth: unknown = { kind: 'none' }): Promise<PeerSummary> => {
    const answer = await call(us, 'POST', '/api/peers', { authorization: us.adminAuthorization }, { name, baseUrl, auth });
    expect(answer.status, answer.text).toBe(201);
    return answer.json as PeerSummary;
  };
  /** A fake peer answering every request with `answer`; its base URL. */
  const fakePeer = async (answer: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<string> => {
    const server = http.createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      answer(req, res);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web`;
  };
  /** The peer's own QIDO-RS answer, asked directly with the peer's account. */
  const direct = async (route: string): Promise<DicomJson[]> => {
    const res = await fetch(`${peer.dicomWeb}${route}`, { headers: { ...peerAccount, accept: 'application/dicom+json' } });
    expect(res.status).toBe(200);
    return (await res.json()) as DicomJson[];
  };

  beforeAll(async () => {
    [us, peer] = await Promise.all([startTestArchive(), startTestArchive()]);
    peerAccount = await createUser(peer, { username: 'district-a', password: PASSWORD, role: 'radiologist' });
    await expectStored(peer, CT_FILES.map(corpusFile));
    await expectStored(peer, [corpusFile(MR)]);
    await expectStored(peer, [corpusFile(DX)]);
    central = await addPeer('Central hospital', peer.dicomWeb, { kind: 'basic', username: 'district-a', password: PASSWORD });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await Promise.all([us?.stop(), peer?.stop()]);
  });

  it("searches the peer's studies by PatientName, StudyDate and ModalitiesInStudy and gives its DICOM JSON", async () => {
    const ct = corpusEntry(CT_FILES[0]!);
    const [ctStudy] = await direct(`/studies?StudyInstanceUID=${ct.studyInstanceUID}`);
    const name = getString(ctStudy, Tag.PatientName)!;
    const date = getString(ctStudy, Tag.StudyDate)!;
    expect(name.length).toBeGreaterThan(3);

    const byName = await api(`/peers/${central.id}/studies?PatientName=${encodeURIComponent(name.slice(0, 4))}*`);
    expect(byName.status, byName.text).toBe(200);
    expect(byName.headers.get('content-type')).toMatch(/^application\/dicom\+json/);
    expect(byName.json).toEqual(await direct(`/studies?PatientName=${encodeURIComponent(name.slice(0, 4))}*`));
    expect((byName.json as DicomJson[]).map((s) => getString(s, Tag.StudyInstanceUID))).toEqual([ct.studyInstanceUID]);
    expect(getString((byName.json as DicomJson[])[0], Tag.PatientName)).toBe(name);

    const byDate = await api(`/peers/${central.id}/studies?StudyDate=${date}-${date}&includefield=StudyDescription`);
    expect(byDate.status).toBe(200);
    expect(byDate.json).toEqual(await direct(`/studies?StudyDate=${date}-${date}&includefield=StudyDescription`));
    expect((byDate.json as DicomJson[]).map((s) => getString(s, Tag.StudyInstanceUID))).toContain(ct.studyInstanceUID);

    const byModality = await api(`/peers/${central.id}/studies?ModalitiesInStudy=DX`);
    expect((byModality.json as DicomJson[]).map((s) => getString(s, Tag.StudyInstanceUID))).toEqual([corpusEntry(DX).studyInstanceUID]);

    const all = await api(`/peers/${central.id}/studies`);
    expect((all.json as DicomJson[]).length).toBe(3);
  });

  it("searches a study's series by Modality and a series' instances, all five CT slices", async () => {
    const ct = corpusEntry(CT_FILES[0]!);
    const series = await api(`/peers/${central.id}/studies/${ct.studyInstanceUID}/series?Modality=CT`);
    expect(series.status, series.text).toBe(200);
    expect((series.json as DicomJson[]).map((s) => getString(s, Tag.SeriesInstanceUID))).toEqual([ct.seriesInstanceUID]);
    expect(getString((series.json as DicomJson[])[0], Tag.NumberOfSeriesRelatedInstances)).toBe('5');
    const none = await api(`/peers/${central.id}/studies/${ct.studyInstanceUID}/series?Modality=MR`);
    expect(none.json).toEqual([]);

    const instances = await api(`/peers/${central.id}/studies/${ct.studyInstanceUID}/series/${ct.seriesInstanceUID}/instances`);
    expect(instances.status).toBe(200);
    const sops = (instances.json as DicomJson[]).map((i) => getString(i, Tag.SOPInstanceUID));
    expect(sops.sort()).toEqual(CT_FILES.map((f) => corpusEntry(f).sopInstanceUID).sort());
  });

  it('passes on only the query keys we understand, limit at most 1000, spaces as %20, with the peer credentials and never ours', async () => {
    const base = await fakePeer((_req, res) => res.writeHead(200, { 'content-type': 'application/dicom+json' }).end('[]'));
    const capture = await addPeer('Capture', base, { kind: 'bearer', token: 'peer-token-123' });
    seen.length = 0;
    const ok = await api(`/peers/${capture.id}/studies?PatientName=NGUYEN%20VAN*&00080061=CT&limit=5000&offset=20&fuzzymatching=true`);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('/dicom-web/studies?PatientName=NGUYEN%20VAN*&00080061=CT&offset=20&fuzzymatching=true&limit=1000');
    expect(seen[0]!.headers.authorization).toBe('Bearer peer-token-123');
    expect(seen[0]!.headers.accept).toMatch(/^application\/dicom\+json/);

    const unknown = await api(`/peers/${capture.id}/studies?PatientWeight=70`);
    expect(unknown.status).toBe(400);
    expect(errorOf(unknown)).toEqual({ code: 'INVALID_QUERY', message: 'Unknown or unsupported query key "PatientWeight".' });
    const deeper = await api(`/peers/${capture.id}/studies?SOPInstanceUID=1.2.3`);
    expect(deeper.status).toBe(400);
    const badUid = await api(`/peers/${capture.id}/studies/1.2.x/series`);
    expect(badUid.status).toBe(400);
    expect(errorOf(badUid).code).toBe('INVALID_UID');
    expect(seen).toHaveLength(1); // nothing was sent to the peer for the refused requests

    const noLimit = await api(`/peers/${capture.id}/studies/1.2.3/series/1.2.3.4/instances?SOPClassUID=1.2.840.10008.5.1.4.1.1.2`);
    expect(noLimit.status).toBe(200);
    expect(seen[1]!.url).toBe('/dicom-web/studies/1.2.3/series/1.2.3.4/instances?SOPClassUID=1.2.840.10008.5.1.4.1.1.2&limit=1000');
  });

  it('takes a 204, a gzip answer and plain application/json from a peer', async () => {
    const empty = await addPeer('Empty', await fakePeer((_req, res) => res.writeHead(204).end()));
    expect((await api(`/peers/${empty.id}/studies`)).json).toEqual([]);
    const study = [
      { [Tag.StudyInstanceUID]: { vr: 'UI', Value: ['1.2.3'] }, [Tag.PatientName]: { vr: 'PN', Value: [{ Alphabetic: 'Trần^Thị' }] } },
    ];
    const zipped = await addPeer(
      'Zipped',
      await fakePeer((_req, res) =>
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync(JSON.stringify(study))),
      ),
    );
    const answer = await api(`/peers/${zipped.id}/studies`);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toEqual(study);
  });

  it('answers 502 with a clear message for a peer that refuses us, is down, is no DICOMweb server or answers garbage', async () => {
    const expectPeerFailure = async (peerId: string, code: string, message: RegExp) => {
      const answer = await api(`/peers/${peerId}/studies?PatientName=A*`);
      expect(answer.status, answer.text).toBe(502);
      expect(errorOf(answer).code).toBe(code);
      expect(errorOf(answer).message).toMatch(message);
    };
    const wrong = await addPeer('Wrong password', peer.dicomWeb, { kind: 'basic', username: 'district-a', password: 'not-it-123' });
    await expectPeerFailure(wrong.id, 'PEER_ERROR', /^The peer refused our credentials \(401\): check the peer's account or token\.$/);

    const closed = await addPeer('Closed', `http://127.0.0.1:${await freeLoopbackPort()}/dicom-web`);
    await expectPeerFailure(closed.id, 'PEER_UNREACHABLE', /^The peer did not answer: GET \/dicom-web\/studies: connection refused\.$/);

    const root = await addPeer('Web root', peer.url);
    await expectPeerFailure(root.id, 'PEER_ERROR', /^The peer answered 404 Not Found to the search for studies\.$/);

    const html = await addPeer(
      'Web page',
      await fakePeer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Welcome</html>')),
    );
    await expectPeerFailure(html.id, 'PEER_ERROR', /with text\/html, not application\/dicom\+json: is the base URL a DICOMweb service\?/);

    const notDicom = await addPeer(
      'Not DICOM JSON',
      await fakePeer((_req, res) => res.writeHead(200, { 'content-type': 'application/dicom+json' }).end('[{"PatientName":"X"}]')),
    );
    await expectPeerFailure(notDicom.id, 'PEER_ERROR', /is not DICOM JSON: result 1: "PatientName" is not a tag/);

    const huge = await addPeer(
      'Huge',
      await fakePeer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/dicom+json' });
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let sent = 0;
        const more = () => {
          while (sent < 64 && res.write(chunk)) sent++;
          if (sent < 64) res.once('drain', more);
          else res.end('[]');
        };
        more();
      }),
    );
    await expectPeerFailure(huge.id, 'PEER_ERROR', /^The peer's answer is larger than 16777216 bytes\.$/);

    const busy = await addPeer('Busy', await fakePeer((_req, res) => res.writeHead(503, { 'retry-after': '30' }).end('busy')));
    await expectPeerFailure(busy.id, 'PEER_ERROR', /^The peer answered 503 Service Unavailable to the search for studies\.$/);

    const refusing = await addPeer(
      'Refusing',
      await fakePeer((_req, res) =>
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"PatientName matching is not supported"}'),
      ),
    );
    await expectPeerFailure(
      refusing.id,
      'PEER_ERROR',
      /^The peer answered 400 Bad Request to the search for studies: PatientName matching is not supported\.$/,
    );
  });

  it('refuses an unknown peer (404) and an account without the transfer permission (403)', async () => {
    const unknown = await api('/peers/no-such-peer/studies');
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown).message).toBe('No such peer.');
    const clinician = await createUser(us, { username: 'dr-clinic', password: 'clinician-pass-1', role: 'clinician' });
    const refused = await api(`/peers/${central.id}/studies`, clinician);
    expect(refused.status).toBe(403);
  });

  it('audits each remote search as a query naming the peer, never the values searched for', async () => {
    await api(`/peers/${central.id}/studies?PatientName=Pancreas*`);
    const trail = await api('/audit?action=query&limit=200');
    expect(trail.status, trail.text).toBe(200);
    const records = (trail.json as { records?: AuditRecord[] }).records ?? (trail.json as AuditRecord[]);
    const remote = records.filter((r) => r.detail.startsWith('remote search'));
    const last = remote.find((r) => r.detail.includes('keys=PatientName'))!;
    expect(last).toMatchObject({ action: 'query', outcome: 0, principalId: 'admin', eventId: '110112' });
    expect(last.detail).toBe(`remote search /studies on peer "Central hospital" (${peer.dicomWeb}) 200 keys=PatientName`);
    expect(remote.some((r) => r.outcome === 8 && r.detail.includes('"Wrong password"') && r.detail.includes(' 502'))).toBe(true);
    expect(JSON.stringify(records)).not.toContain('Pancreas');
  });
});
