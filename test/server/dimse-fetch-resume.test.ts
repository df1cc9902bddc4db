import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/api/audit-events';
import { startArchiveProcess, type ArchiveProcess } from '../helpers/archive-process';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { freeLoopbackPort } from '../helpers/free-port';
import { startOrthanc, type RunningOrthanc } from '../helpers/orthanc';
import { addDimsePeer, addRemoteAe } from '../helpers/remote-aes';
import { CT_STUDY, ctSlices, pixelDigestOf, requestTransfer, storedPixelDigests, waitForEnd, waitForJob } from '../helpers/transfer-jobs';

const CT = ctSlices(40);

/**
 * A DIMSE fetch (C-FIND, then C-MOVE into our listener) from Orthanc cut by kill -9 of the
 * archive in the middle of the C-MOVE: after the restart the job moves what is still missing and
 * ends with every slice here once, the same pixels.
 */
describe('DIMSE fetch across a crash', () => {
  it('resumes a fetch cut by kill -9 with a C-MOVE of what is still missing', async () => {
    const dimsePort = await freeLoopbackPort();
    let us: ArchiveProcess | undefined;
    let link: FaultProxy | undefined;
    let orthanc: RunningOrthanc | undefined;
    try {
      us = await startArchiveProcess({ PACS_DIMSE_PORT: String(dimsePort) });
      // Orthanc reaches our listener through a 16 Mbit/s link, so the kill falls in the middle of the C-MOVE.
      link = await startFaultProxy(dimsePort);
      link.throttle({ bitsPerSecond: 16_000_000 });
      orthanc = await startOrthanc({ dimse: { aeTitle: 'ORTHANC', modalities: { pacs: ['PACS', '127.0.0.1', link.port] } } });
      for (const file of CT) expect((await orthanc.fetch('/instances', { method: 'POST', body: file })).status).toBe(200);
      const ae = await addRemoteAe(us, { aeTitle: 'ORTHANC', port: orthanc.dimse!.port, mayStore: true });
      const peer = await addDimsePeer(us, { name: 'Orthanc', remoteAeId: ae.id });

      const job = await requestTransfer(us, { direction: 'fetch', peerId: peer.id, studyInstanceUID: CT_STUDY });
      const cut = await waitForJob(us, job.id, (j) => j.progress.instancesDone >= 5);
      await us.kill9();
      expect(cut.progress.instancesDone).toBeLessThan(40);
      link.throttle(undefined);
      await us.restart();

      const end = await waitForEnd(us, job.id);
      expect(end).toMatchObject({ status: 'done', progress: { instancesTotal: 40, instancesDone: 40, instancesFailed: 0 } });
      expect(end.attempts).toBeGreaterThanOrEqual(2);
      expect(await storedPixelDigests(us, CT_STUDY)).toEqual(new Map(CT.map(pixelDigestOf)));
      // Each instance crossed once, but for the one on the wire at the kill.
      const stores = ((await (await us.fetch('/api/audit?action=store&limit=1000')).json()) as { records: AuditRecord[] }).records;
      expect(stores.filter((r) => r.principalId === 'ORTHANC' && r.outcome === 0).length).toBeLessThanOrEqual(41);
    } finally {
      await orthanc?.stop();
      await link?.close();
      await us?.dispose();
    }
  });
});
