import type { Config } from '../config';
import { auditBackup } from '../backup/audit-backup';
import { openLocation, parseLocation } from '../backup/backup-location';
import { progressOn } from '../backup/progress';
import { runRestore } from '../backup/run-restore';
import { UsageError } from './usage-error';

/**
 * `npm run pacs -- restore <dir | s3://bucket/prefix>`: a backup into the configured, fresh
 * PACS_DATA_DIR and empty storage, verified against its manifest (server/backup/run-restore.ts).
 * Exit 1 when anything does not verify.
 */
export async function restoreCommand(args: string[], config: Config): Promise<number> {
  if (args.length !== 1) throw new UsageError('restore: give one folder or s3://bucket/prefix.');
  const location = await openLocation(parseLocation(args[0], 'restore'), config.storage);
  const started = performance.now();
  const { manifest, failures, objects, bytes } = await runRestore(config, location, progressOn());
  const seconds = (performance.now() - started) / 1000;
  const mb = bytes / 1e6;
  const { counts } = manifest;
  console.log(
    [
      `Restored the backup of ${manifest.takenAt} (archive ${manifest.archiveVersion}) from ${location.description}:`,
      `${counts.studies} studies, ${counts.series} series, ${counts.instances} instances; ${objects} of ${counts.objects} objects (${mb.toFixed(1)} MB) verified.`,
      `Took ${seconds.toFixed(1)} s (${(mb / seconds).toFixed(1)} MB/s).`,
    ].join('\n'),
  );
  auditBackup(
    config.auditFile,
    'restore',
    failures.length === 0,
    `restore from ${location.description} (backup of ${manifest.takenAt}): ${objects} of ${counts.objects} objects verified`,
  );
  if (failures.length === 0) return 0;
  console.error(`${failures.length} did not verify and were not restored:\n  ${failures.slice(0, 50).join('\n  ')}`);
  if (failures.length > 50) console.error(`  … and ${failures.length - 50} more`);
  return 1;
}
