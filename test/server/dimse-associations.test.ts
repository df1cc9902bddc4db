import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DimseAssociations } from '../../shared/api/dimse-associations';
import { CommandField } from '../../server/dimse/dimse-command';
import { DimseClient } from '../../server/dimse/dimse-client';
import { call, createUser, errorOf } from '../helpers/access-client';
import { CORPUS_DIR } from '../helpers/corpus';
import { runDcmtk } from '../helpers/dcmtk';
import { addRemoteAe } from '../helpers/remote-aes';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

const SERIES_DIR = path.join(CORPUS_DIR, 'series/ct-abdomen-philips-tcia');
const FILE = fs.readFileSync(path.join(SERIES_DIR, fs.readdirSync(SERIES_DIR).sort()[0]!));
const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
/** The slice's SOP Instance UID and its data set, after its File Meta Information group. */
const SOP_INSTANCE = /1\.3\.6\.1\.4\.1\.14519\.5\.2\.1\.[0-9.]+/.exec(FILE.subarray(0, 400).toString('latin1'))![0];
const DATA_SET = FILE.subarray(128 + 4 + 12 + FILE.readUInt32LE(128 + 4 + 8));

/**
 * GET /api/dimse/associations: an association while it is served (calling AE, address, what it
 * stored, a C-STORE arriving), then among the recent ones with its outcome; a rejected one with
 * why; C-FIND requests counted; admins only.
 */
describe('DIMSE associations, live and recent', () => {
  let archive: TestArchive;
  const associations = async () => {
    const res = await archive.fetch('/api/dimse/associations');
    expect(res.status).toBe(200);
    return (await res.json()) as DimseAssociations;
  };
  const until = async (test: (state: DimseAssociations) => boolean): Promise<DimseAssociations> => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const state = await associations();
      if (test(state)) return state;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`never: ${JSON.stringify(await associations())}`);
  };

  beforeAll(async () => {
    archive = await startTestArchive({ PACS_DIMSE_PORT: '0', PACS_DIMSE_AE_TITLE: 'PACS' });
    await addRemoteAe(archive, { aeTitle: 'WARD_US', host: '127.0.0.1', mayStore: true });
  });
  afterAll(() => archive?.stop());

  it('shows a C-STORE while its data set arrives, the count after it, and the association among the recent ones once released', async () => {
    expect(await associations()).toEqual({ active: [], recent: [] });
    const client = await DimseClient.open({
      host: '127.0.0.1',
      port: archive.dimse!.port,
      calledAeTitle: 'PACS',
      callingAeTitle: 'WARD_US',
      contexts: [{ abstractSyntax: CT_IMAGE_STORAGE, transferSyntaxes: [EXPLICIT] }],
    });
    let resume!: () => void;
    const held = new Promise<void>((resolve) => (resume = resolve));
    const stored = client.send(
      1,
      {
        commandField: CommandField.CStoreRq,
        affectedSopClassUid: CT_IMAGE_STORAGE,
        affectedSopInstanceUid: SOP_INSTANCE,
        priority: 0,
        commandDataSetType: 0x0000,
      },
      // The first half, then nothing until the test has looked.
      (async function* () {
        yield DATA_SET.subarray(0, DATA_SET.length >> 1);
        await held;
        yield DATA_SET.subarray(DATA_SET.length >> 1);
      })(),
    );
    const during = await until((state) => state.active[0]?.running.includes('store') === true);
    expect(during.active).toEqual([
      {
        callingAeTitle: 'WARD_US',
        address: expect.stringMatching(/127\.0\.0\.1$/) as string,
        startedAt: expect.any(String) as string,
        stored: 0,
        failed: 0,
        requests: { find: 0, move: 0, get: 0 },
        running: ['store'],
      },
    ]);
    resume();
    expect((await stored).status).toBe(0);
    const after = await associations();
    expect(after.active[0]).toMatchObject({ callingAeTitle: 'WARD_US', stored: 1, failed: 0, running: [] });
    expect(after.recent).toEqual([]);

    await client.release();
    const ended = await until((state) => state.active.length === 0 && state.recent.length === 1);
    const [recent] = ended.recent;
    expect(recent).toMatchObject({ callingAeTitle: 'WARD_US', outcome: 'released', stored: 1, failed: 0 });
    expect(recent!.reason).toBeUndefined();
    expect(recent!.startedAt).toBe(during.active[0]!.startedAt);
    expect(Date.parse(recent!.endedAt)).toBeGreaterThanOrEqual(Date.parse(recent!.startedAt));
    expect(recent).not.toHaveProperty('running');
  });

  it('lists a rejected association with why, newest first, after an echo that was released', async () => {
    const echo = await runDcmtk('echoscu', ['-aet', 'WARD_US', '-aec', 'PACS', '127.0.0.1', String(archive.dimse!.port)]);
    expect(echo.code, echo.output).toBe(0);
    const refused = await runDcmtk('echoscu', ['-aet', 'STRANGER', '-aec', 'PACS', '127.0.0.1', String(archive.dimse!.port)]);
    expect(refused.code).not.toBe(0);
    const { recent } = await until((state) => state.recent.length === 3);
    expect(recent.map((r) => [r.callingAeTitle, r.outcome, r.stored])).toEqual([
      ['STRANGER', 'rejected', 0],
      ['WARD_US', 'released', 0],
      ['WARD_US', 'released', 1],
    ]);
    expect(recent[0]!.reason).toBe('calling AE title "STRANGER" from 127.0.0.1 is not a known remote AE');
  });

  it('counts the C-FIND requests of an association', async () => {
    await addRemoteAe(archive, { aeTitle: 'WARD_Q', host: '127.0.0.1', mayStore: false, mayQuery: true });
    const port = String(archive.dimse!.port);
    const find = await runDcmtk('findscu', [
      '-S',
      '-aet',
      'WARD_Q',
      '-aec',
      'PACS',
      '-k',
      'QueryRetrieveLevel=STUDY',
      '-k',
      'StudyInstanceUID',
      '127.0.0.1',
      port,
    ]);
    expect(find.code, find.output).toBe(0);
    const { recent } = await until((state) => state.recent[0]?.callingAeTitle === 'WARD_Q');
    expect(recent[0]).toMatchObject({ outcome: 'released', stored: 0, failed: 0, requests: { find: 1, move: 0, get: 0 } });
  });

  it('is for admins only', async () => {
    const headers = await createUser(archive, { username: 'reader', password: 'reader-password-1', role: 'radiologist' });
    const answer = await call(archive, 'GET', '/api/dimse/associations', headers);
    expect(answer.status).toBe(403);
    expect(errorOf(answer).message).toBe('The radiologist role does not allow that (admin).');
  });
});
