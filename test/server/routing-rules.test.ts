import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/api/audit-events';
import type { PeerSummary, RoutingRule, TransferJob } from '../../shared/api/exchange';
import { ruleMatcher, type RoutedStudy } from '../../server/exchange/routing-rule-store';
import { wildcardMatcher } from '../../server/exchange/wildcard-match';
import { basic, call, createUser, errorOf, type Answer, type HeaderMap } from '../helpers/access-client';
import { startArchiveProcess, type ArchiveProcess } from '../helpers/archive-process';
import { CORPUS_DIR, corpusEntry, corpusFile } from '../helpers/corpus';
import { stowBody } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * Routing rules (issue 13 item 4): the admin API, and stable studies sent by the rules from one
 * real archive (a process, PACS_STABLE_AGE_SECONDS=1, restarted in the middle) to a second one.
 * Nothing sleeps for a fixed time where a state can be watched: jobs through /api/transfers, the
 * peer through QIDO-RS, the watch rows through the sender's access database, read only.
 */

const PASSWORD = 'routing-rules-pass-1';
const CT_DIR = 'series/ct-abdomen-philips-tcia';
const MR_DIR = 'series/mr-ge-750-fmri-150-instances';
const seriesFiles = (dir: string) =>
  fs
    .readdirSync(path.join(CORPUS_DIR, dir))
    .sort()
    .map((name) => corpusFile(`${dir}/${name}`));

describe('rule matching', () => {
  it('matches * and ? over the whole value, in any case, DICOM padding ignored', () => {
    const cases: Array<[string, string, boolean]> = [
      ['panc*', 'PANCREAS', true],
      ['*creas', 'Pancreas ', true],
      ['p?ncreas', 'PANCREAS', true],
      ['panc', 'PANCREAS', false],
      ['*', '', true],
      ['?', '', false],
      ['b?nh vi?n *', 'Bệnh viện Trung ương', true],
      ['*a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(64), false],
    ];
    for (const [pattern, value, expected] of cases) expect(wildcardMatcher(pattern)(value), `${pattern} ~ ${value}`).toBe(expected);
  });

  it('needs every criterion given; an empty one matches anything', () => {
    const study: RoutedStudy = { modalities: ['CT', 'SR'], institution: 'BV Tỉnh', description: 'PANCREAS', sources: ['ct-scanner'] };
    expect(ruleMatcher({})(study)).toBe(true);
    expect(ruleMatcher({ modality: 'sr', source: 'CT-SCANNER', institution: 'bv*', description: 'panc*' })(study)).toBe(true);
    expect(ruleMatcher({ modality: 'MR' })(study)).toBe(false);
    expect(ruleMatcher({ source: 'mr-scanner' })(study)).toBe(false);
    expect(ruleMatcher({ institution: 'Central*' })(study)).toBe(false);
    expect(ruleMatcher({ description: 'CHEST' })(study)).toBe(false);
  });
});

describe('routing rules', () => {
  let us: ArchiveProcess;
  let peer: TestArchive;
  let admin: HeaderMap;
  let radiologist: HeaderMap;
  let clinician: HeaderMap;
  let ctScanner: HeaderMap;
  let mrScanner: HeaderMap;
  let central: PeerSummary;

  const api = (method: string, route: string, body?: unknown, as: HeaderMap = admin): Promise<Answer> =>
    call(us as unknown as TestArchive, method, `/api${route}`, as, body);
  const addRule = async (input: Record<string, unknown>): Promise<RoutingRule> => {
    const answer = await api('POST', '/routing-rules', input);
    expect(answer.status, answer.text).toBe(201);
    return answer.json as RoutingRule;
  };
  const store = async (as: HeaderMap, files: Buffer[]) => {
    const { body, contentType } = stowBody(files);
    const res = await fetch(`${us.dicomWeb}/studies`, {
      method: 'POST',
      headers: { ...as, 'content-type': contentType, accept: 'application/dicom+json' },
      body,
    });
    expect(res.status, await res.text()).toBe(200);
  };
  const jobsOf = async (studyUid: string): Promise<TransferJob[]> => {
    const answer = await api('GET', '/transfers?limit=500');
    expect(answer.status, answer.text).toBe(200);
    return (answer.json as TransferJob[]).filter((job) => job.studyInstanceUID === studyUid);
  };
  const onPeer = async (studyUid: string): Promise<number> => {
    const res = await peer.fetch(`/dicom-web/studies/${studyUid}/instances`);
    return res.status === 200 ? ((await res.json()) as unknown[]).length : 0;
  };
  /** The sources of the sender's watch row of a study (its access database, read only), or undefined without one. */
  const watchedSources = (studyUid: string): string[] | undefined => {
    const db = new Database(path.join(us.dataDir, 'access.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('SELECT sources FROM stable_watch WHERE study_uid = ?').get(studyUid) as { sources: string } | undefined;
      return row && (JSON.parse(row.sources) as string[]);
    } finally {
      db.close();
    }
  };
  const watched = (studyUid: string): boolean => watchedSources(studyUid) !== undefined;
  /** The sources of the study's watch row, once it has one (within 5 s). */
  const sourcesOnceWatched = (studyUid: string) =>
    until(
      'the study to be watched',
      () => watchedSources(studyUid),
      (s) => s !== undefined,
      5_000,
    );
  const until = async <T>(what: string, probe: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (done(value)) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    [us, peer] = await Promise.all([startArchiveProcess({ PACS_STABLE_AGE_SECONDS: '1' }), startTestArchive()]);
    admin = { authorization: us.adminAuthorization };
    const self = us as unknown as TestArchive;
    radiologist = await createUser(self, { username: 'dr-mai', password: PASSWORD, role: 'radiologist' });
    clinician = await createUser(self, { username: 'bs-an', password: PASSWORD, role: 'clinician' });
    ctScanner = await createUser(self, { username: 'ct-scanner', password: PASSWORD, role: 'device' });
    mrScanner = await createUser(self, { username: 'mr-scanner', password: PASSWORD, role: 'device' });
    const answer = await api('POST', '/peers', {
      name: 'Central hospital',
      baseUrl: peer.dicomWeb,
      auth: { kind: 'basic', username: 'admin', password: 'test-admin-password' },
    });
    expect(answer.status, answer.text).toBe(201);
    central = answer.json as PeerSummary;
  }, 90_000);

  afterAll(async () => {
    await Promise.all([us?.dispose(), peer?.stop()]);
  });

  it('adds, lists, changes and removes a rule; refuses bad input precisely; admins only, listing for transfer too; audited', async () => {
    const input = { name: 'Night CT', peerId: central.id, modality: 'ct', source: 'ct-scanner', institution: 'BV*', description: '*' };
    const refusals: Array<[unknown, RegExp]> = [
      [{ ...input, name: ' ' }, /^name must be 1 to 64 characters/],
      [{ ...input, peerId: undefined }, /^peerId is required/],
      [{ ...input, peerId: 'no-such-peer' }, /^peerId names no peer\.$/],
      [{ ...input, enabled: 'yes' }, /^enabled must be true or false\.$/],
      [{ ...input, modality: 'C-T' }, /^modality must be a modality code/],
      [{ ...input, modality: 'X'.repeat(17) }, /^modality has at most 16 characters\.$/],
      [{ ...input, institution: 'a\\b' }, /^institution must be a single line of text without a backslash\.$/],
      [{ ...input, description: 42 }, /^description must be a string/],
      [{ ...input, source: 'ct\nscanner' }, /^source must be a single line of text\.$/],
      [{ ...input, colour: 'red' }, /^Unknown field\(s\): colour\.$/],
      [[input], /^The body must be a JSON object\.$/],
    ];
    for (const [body, message] of refusals) {
      const answer = await api('POST', '/routing-rules', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(errorOf(answer).message).toMatch(message);
    }

    const rule = await addRule(input);
    expect(rule).toMatchObject({ name: 'Night CT', peerId: central.id, peerName: 'Central hospital', enabled: true, modality: 'CT' });
    expect((await api('POST', '/routing-rules', { ...input, name: 'night ct' })).status).toBe(409);

    const changed = await api('PATCH', `/routing-rules/${rule.id}`, { enabled: false, description: 'ABD*' });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json).toMatchObject({ enabled: false, description: 'ABD*', source: 'ct-scanner', institution: 'BV*' });

    const listed = await api('GET', '/routing-rules', undefined, radiologist);
    expect(listed.status).toBe(200);
    expect((listed.json as RoutingRule[]).map((r) => r.name)).toEqual(['Night CT']);
    expect((await api('GET', `/routing-rules/${rule.id}`, undefined, radiologist)).status).toBe(200);
    expect((await api('GET', '/routing-rules', undefined, clinician)).status).toBe(403);
    expect((await api('POST', '/routing-rules', { ...input, name: 'Mine' }, radiologist)).status).toBe(403);
    expect((await api('PATCH', `/routing-rules/${rule.id}`, { enabled: true }, radiologist)).status).toBe(403);
    expect((await api('DELETE', `/routing-rules/${rule.id}`, undefined, radiologist)).status).toBe(403);
    expect((await api('GET', '/routing-rules', undefined, ctScanner)).status).toBe(403);
    expect((await api('GET', '/routing-rules', undefined, {})).status).toBe(401);

    // A peer a rule sends to cannot be removed.
    expect((await api('DELETE', `/peers/${central.id}`)).status).toBe(409);
    expect((await api('DELETE', `/routing-rules/${rule.id}`)).status).toBe(204);
    expect((await api('DELETE', `/routing-rules/${rule.id}`)).status).toBe(404);
    expect((await api('PATCH', `/routing-rules/${rule.id}`, { enabled: true })).status).toBe(404);

    const audit = await api('GET', '/audit?action=peer-change&limit=100');
    const details = (audit.json as { records: AuditRecord[] }).records.map((r) => r.detail).filter((d) => d.includes('routing rule'));
    expect(details.sort()).toEqual(
      [
        `routing rule changed (disabled): "Night CT" to peer "Central hospital" (${peer.dicomWeb})`,
        `routing rule created: "Night CT" to peer "Central hospital" (${peer.dicomWeb})`,
        `routing rule removed: "Night CT" to peer "Central hospital" (${peer.dicomWeb})`,
      ].sort(),
    );
    expect(details.join('\n')).not.toContain('test-admin-password');
  });

  it('sends a CT study stored by ct-scanner once stable; more arrivals within the stable age keep it one job with every instance', async () => {
    const rule = await addRule({
      name: 'CT abdomen to central',
      peerId: central.id,
      modality: 'ct',
      source: 'CT-Scanner',
      description: 'panc*',
    });
    await addRule({ name: 'Everything (off)', peerId: central.id, enabled: false });
    const files = seriesFiles(CT_DIR);
    const studyUid = corpusEntry(`${CT_DIR}/1-036.dcm`).studyInstanceUID!;
    await store(ctScanner, files.slice(0, 20));
    await new Promise((resolve) => setTimeout(resolve, 400)); // less than the stable age of 1 s
    expect(await jobsOf(studyUid)).toEqual([]);
    await store(ctScanner, files.slice(20));

    const [job] = await until(
      'the rule to make a job',
      () => jobsOf(studyUid),
      (jobs) => jobs.length > 0,
    );
    expect(job).toMatchObject({ direction: 'send', peerId: central.id, requestedBy: 'rule:CT abdomen to central', ruleId: rule.id });
    const done = await until(
      'the job to finish',
      () => jobsOf(studyUid),
      (jobs) => jobs.every((j) => j.status === 'done' || j.status === 'failed'),
    );
    expect(done).toHaveLength(1);
    expect(done[0]!.status, done[0]!.lastError ?? '').toBe('done');
    expect(done[0]!.progress).toMatchObject({ instancesTotal: files.length, instancesDone: files.length, instancesFailed: 0 });
    expect(await onPeer(studyUid)).toBe(files.length);
    expect(watched(studyUid)).toBe(false);
  });

  it('does not send a study no enabled rule matches: other modality, other source, other description', async () => {
    await addRule({ name: 'MR to central', peerId: central.id, modality: 'MR', source: 'mr-scanner' });
    const chest = 'transfer-syntaxes/ct1-1.2.1_explicit-vr-le.dcm'; // CT, CHEST, by ct-scanner: the description
    const brain = 'charsets/iso-ir-192-utf8-mr.dcm'; // MR, by ct-scanner: the modality, and the source
    const planning = 'other-modalities/ct-rt-planning-dicompyler.dcm'; // CT, by mr-scanner: the source
    await store(ctScanner, [corpusFile(chest), corpusFile(brain)]);
    await store(mrScanner, [corpusFile(planning)]);
    const studies = [chest, brain, planning].map((file) => corpusEntry(file).studyInstanceUID!);
    // Each study is watched, then stable and evaluated (its row gone), at nearly the same time: watched together.
    const seen = new Set<string>();
    await until(
      'the three studies to be watched, then stable',
      () => studies.filter((uid) => watched(uid)),
      (watching) => {
        for (const uid of watching) seen.add(uid);
        return seen.size === studies.length && watching.length === 0;
      },
      10_000,
    );
    for (const studyUid of studies) {
      expect(await jobsOf(studyUid), studyUid).toEqual([]);
      expect(await onPeer(studyUid)).toBe(0);
    }
  });

  it('an object the archive writes itself (a key object selection) comes from source pacs: the rule for ct-scanner leaves it', async () => {
    const ct = corpusEntry(`${CT_DIR}/1-036.dcm`);
    const studyUid = ct.studyInstanceUID!;
    expect(await jobsOf(studyUid)).toHaveLength(1);
    const view = { windowWidth: 400, windowCenter: 40, invert: false, rotation: 0, hflip: false, vflip: false, measurements: [] };
    const marked = await api('POST', `/studies/${studyUid}/key-images`, {
      seriesInstanceUID: ct.seriesInstanceUID,
      sopInstanceUID: ct.sopInstanceUID,
      frame: 1,
      view,
    });
    expect(marked.status, marked.text).toBe(201);
    expect(await sourcesOnceWatched(studyUid)).toEqual(['pacs']);
    await until(
      'the study to be stable',
      () => watched(studyUid),
      (yes) => !yes,
      10_000,
    );
    expect(await jobsOf(studyUid)).toHaveLength(1);
  });

  it('routes a study that became stable while the archive was stopped, at the next start', async () => {
    const files = seriesFiles(MR_DIR).slice(0, 10);
    const studyUid = corpusEntry(`${MR_DIR}/axial_epi_fmri_interleaved_i_to_s-00001.dcm`).studyInstanceUID!;
    await store(mrScanner, files);
    await us.stop(); // SIGTERM at once: the arrivals held in memory are written on the way out
    expect(watched(studyUid)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // stable while down
    await us.restart();
    const jobs = await until(
      'the restarted archive to route the study',
      () => jobsOf(studyUid),
      (j) => j.some((x) => x.status === 'done'),
    );
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ requestedBy: 'rule:MR to central', progress: { instancesTotal: 10, instancesDone: 10 } });
    expect(await onPeer(studyUid)).toBe(10);
    expect(watched(studyUid)).toBe(false);
  }, 60_000);

  it('routes the study again when more instances arrive after routing, after a kill -9 right after they arrived', async () => {
    const files = seriesFiles(MR_DIR).slice(0, 20);
    const studyUid = corpusEntry(`${MR_DIR}/axial_epi_fmri_interleaved_i_to_s-00001.dcm`).studyInstanceUID!;
    await store(mrScanner, files.slice(10));
    await us.kill9(); // the study's first arrival was written at once
    expect(watched(studyUid)).toBe(true);
    await us.restart();
    const jobs = await until(
      'the second job to finish',
      () => jobsOf(studyUid),
      (j) => j.length === 2 && j.every((x) => x.status === 'done'),
    );
    const again = jobs.find((job) => job.progress.instancesTotal === 20);
    expect(again).toMatchObject({ requestedBy: 'rule:MR to central', progress: { instancesDone: 20, instancesFailed: 0 } });
    // The second job asked the peer first: only the ten new instances crossed the link.
    const newBytes = files.slice(10).reduce((sum, file) => sum + file.length, 0);
    expect(again!.progress.bytesDone).toBeGreaterThanOrEqual(newBytes);
    expect(again!.progress.bytesDone).toBeLessThan(newBytes + 64 * 1024);
    expect(await onPeer(studyUid)).toBe(20);
  }, 60_000);

  it('the source of an instance is the account that stored it, also through an API token', async () => {
    const token = await call(us as unknown as TestArchive, 'POST', '/api/tokens', basic('ct-scanner', PASSWORD), { name: 'modality' });
    expect(token.status, token.text).toBe(201);
    const file = 'charsets/iso-2022-ir-100-elscint-ct.dcm';
    const studyUid = corpusEntry(file).studyInstanceUID!;
    await store({ authorization: `Bearer ${(token.json as { token: string }).token}` }, [corpusFile(file)]);
    expect(await sourcesOnceWatched(studyUid)).toEqual(['ct-scanner']);
  });
});
