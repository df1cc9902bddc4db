import type { CallerRights } from '../../server/dimse/association';
import { addRemoteAe } from './remote-aes';
import { startTestArchive, type TestArchive } from './start-app';

/**
 * A test archive with its DIMSE listener on a free port (called AE title PACS) and one known
 * remote AE, `callingAeTitle` from 127.0.0.1, with these rights (registered through the admin API).
 */
export async function startDimseArchive(callingAeTitle: string, rights: Partial<CallerRights> = { mayStore: true }): Promise<TestArchive> {
  const archive = await startTestArchive({ PACS_DIMSE_PORT: '0', PACS_DIMSE_AE_TITLE: 'PACS' });
  await addRemoteAe(archive, { aeTitle: callingAeTitle, ...rights });
  return archive;
}

/** The data set of a Part 10 file: what follows its File Meta Information (group 0002, Explicit VR LE, with or without a group length). */
export function dataSetOf(part10: Buffer): Buffer {
  let at = 132;
  while (at + 8 <= part10.length && part10.readUInt16LE(at) === 0x0002) {
    const vr = part10.toString('latin1', at + 4, at + 6);
    const long = ['OB', 'OW', 'UN', 'UT', 'SQ', 'UC', 'UR', 'OF', 'OD', 'OL', 'OV'].includes(vr);
    at += long ? 12 + part10.readUInt32LE(at + 8) : 8 + part10.readUInt16LE(at + 6);
  }
  return part10.subarray(at);
}
