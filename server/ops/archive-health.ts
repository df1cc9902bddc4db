import { Readable } from 'node:stream';
import type Database from 'better-sqlite3';
import type { AuditLog } from '../audit/audit-log';
import type { DimseListener } from '../dimse/dimse-listener';
import type { TransferQueue } from '../exchange/transfer-queue';
import type { BlobStore } from '../storage/blob-store';
import { HEALTH_PROBE_KEY } from '../storage/object-keys';
import type { FreeSpaceGuard } from './free-space';
import type { HealthCheck } from './health';

export interface ArchiveHealthDeps {
  indexDb: Database.Database;
  accessDb: Database.Database;
  audit: Pick<AuditLog, 'db' | 'unwritten'>;
  blobStore: BlobStore;
  freeSpace: FreeSpaceGuard;
  dimse: DimseListener | undefined;
  transfers: TransferQueue;
}

const PROBE = Buffer.from('pacs health probe\n');

/** What /health/ready checks: the three databases (the audit trail also failing while its records cannot be written), object storage (a tiny write and delete), free disk, the DIMSE listener, the transfer queue. */
export function archiveHealthChecks(deps: ArchiveHealthDeps): HealthCheck[] {
  const checks: HealthCheck[] = [
    { name: 'index', run: () => readable(deps.indexDb) },
    { name: 'access', run: () => readable(deps.accessDb) },
    {
      name: 'audit',
      run: () => {
        readable(deps.audit.db);
        const unwritten = deps.audit.unwritten();
        if (unwritten)
          throw new Error(`${unwritten.records} audit records wait in memory, the file cannot be written: ${unwritten.reason}`);
        return undefined;
      },
    },
    {
      name: 'storage',
      run: async () => {
        await deps.blobStore.put(HEALTH_PROBE_KEY, Readable.from([PROBE]), { size: PROBE.length });
        await deps.blobStore.delete(HEALTH_PROBE_KEY);
        return deps.blobStore.description;
      },
    },
    {
      name: 'disk',
      run: async () => {
        const reading = await deps.freeSpace.read();
        const { freeBytes, totalBytes, floorBytes } = reading;
        const detail = `${mebibytes(freeBytes)} MiB free of ${mebibytes(totalBytes)} MiB${deps.freeSpace.onDisk(reading)}, floor ${mebibytes(floorBytes)} MiB`;
        if (freeBytes < floorBytes) throw new Error(`under the free-space floor: ${detail}; new instances are refused`);
        return detail;
      },
    },
    {
      name: 'transfers',
      run: () => {
        deps.transfers.list({ limit: 1 });
        return undefined;
      },
    },
  ];
  const dimse = deps.dimse;
  if (dimse) {
    checks.push({
      name: 'dimse',
      run: () => {
        if (!dimse.listening()) throw new Error(`the DIMSE listener on port ${dimse.port} is closed`);
        return `listening on port ${dimse.port}, ${dimse.active().length} associations`;
      },
    });
  }
  return checks;
}

/** A read of the database's schema: the file is open, readable and not corrupt at its first page. */
function readable(db: Database.Database): undefined {
  db.prepare('SELECT count(*) FROM sqlite_schema').get();
  return undefined;
}

function mebibytes(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}
