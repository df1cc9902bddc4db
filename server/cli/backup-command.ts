import type { Config } from '../config';
import { auditBackup } from '../backup/audit-backup';
import { openLocation, parseLocation } from '../backup/backup-location';
import { progressOn } from '../backup/progress';
import { runBackup } from '../backup/run-backup';
import { UsageError } from './usage-error';

/**
 * `npm run pacs -- backup <dir | s3://bucket/prefix>`: a consistent snapshot of the archive while
 * it runs (server/backup/run-backup.ts); incremental into the same place. Exit 1 when the
 * archive itself lacks objects its index names (run `pacs check`).
 */
export async function backupCommand(args: string[], config: Config): Promise<number> {
  if (args.length !== 1) throw new UsageError('backup: give one folder or s3://bucket/prefix.');
  const location = await openLocation(parseLocation(args[0], 'backup'), config.storage);
  const started = performance.now();
  const { manifest, tally, races, removed, damaged } = await runBackup(config, location, progressOn());
  const seconds = (performance.now() - started) / 1000;
  const { counts } = manifest;
  const mb = counts.bytes / 1e6;
  console.log(
    [
      `Backup in ${location.description} (${manifest.takenAt}): ${counts.studies} studies, ${counts.series} series, ${counts.instances} instances,`,
      `${counts.objects} objects (${mb.toFixed(1)} MB): ${tally.copied} copied, ${tally.linked} hard-linked, ${tally.kept} kept from the last backup;`,
      `${removed} no longer needed removed. ${races.dropped.length} deleted and ${races.replaced.length} re-stored during the backup.`,
      `Took ${seconds.toFixed(1)} s (${(mb / seconds).toFixed(1)} MB/s).`,
    ].join('\n'),
  );
  const problems: string[] = [];
  if (races.missing.length > 0)
    problems.push(`${races.missing.length} instances of the archive have no object in storage (not in the backup).`);
  if (damaged.length > 0) {
    problems.push(
      `${damaged.length} objects differ from the digest recorded when they were stored (backed up as they are), e.g. ${damaged[0]?.blobKey}.`,
    );
  }
  auditBackup(
    config.auditFile,
    'backup',
    problems.length === 0,
    `backup to ${location.description}: ${counts.instances} instances, ${counts.objects} objects (${mb.toFixed(1)} MB)`,
  );
  if (problems.length === 0) return 0;
  console.error(`${problems.join('\n')}\nRun \`npm run pacs -- check --verify\`.`);
  return 1;
}
