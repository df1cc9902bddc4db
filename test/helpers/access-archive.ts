import { afterAll, beforeAll, expect } from 'vitest';
import { adminHeaders, storeAs } from './access-client';
import { corpusEntry, corpusFile } from './corpus';
import { startTestArchive, type TestArchive } from './start-app';

/**
 * The archive of the access-control and web-hardening tests: the NEMA CT slice, stored
 * by the admin, and the password of the accounts they create.
 */

export const CT = corpusEntry('transfer-syntaxes/ct1-1.2.1_explicit-vr-le.dcm');
export const STUDY = CT.studyInstanceUID!;
export const SERIES = CT.seriesInstanceUID!;
export const SOP = CT.sopInstanceUID!;
export const PASSWORD = 'a-long-enough-password';

/**
 * The archive useArchiveWithCt started for the tests of this file (an imported binding follows
 * it: every test file runs in its own module graph, with its own archive).
 */
export let archive: TestArchive;
export const admin = () => adminHeaders(archive);

/** In the calling describe block: a fresh archive with CT stored before its tests, stopped after them. */
export function useArchiveWithCt(): void {
  beforeAll(async () => {
    archive = await startTestArchive();
    expect((await storeAs(archive, admin(), [corpusFile(CT.path)])).status).toBe(200);
  });
  afterAll(async () => {
    await archive?.stop();
  });
}
