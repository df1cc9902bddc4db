import { ROLES } from '../auth/principal';
import { ConfigError, loadConfig, type Config } from '../config';
import { backupCommand } from './backup-command';
import { checkCommand } from './check-command';
import { restoreCommand } from './restore-command';
import { UsageError } from './usage-error';
import { userCommand } from './user-command';

const USAGE = `Usage: npm run pacs -- <command>

  user list                                   accounts, roles and status
  user add <username> --role <role> [--name "Display Name"] [--must-change] [--password-stdin]
                                              roles: ${ROLES.join(', ')} (device = a modality or gateway: store only;
                                              metrics = a Prometheus scraper: GET /metrics only)
  user passwd <username> [--must-change] [--password-stdin]
  user role <username> <role>
  user disable <username>                     signs the account out everywhere at once
  user enable <username>

  backup <dir | s3://bucket/prefix>           a consistent snapshot of the running archive; run it
                                              into the same place again: only new objects are added
  restore <dir | s3://bucket/prefix>          a backup into an empty data dir and storage, every
                                              file and object checked against its manifest
  check [--repair] [--verify] [--grace 24h] [--json]
                                              index and storage compared both ways: exit 0 when
                                              consistent, 1 when not; --repair moves orphans older
                                              than the grace to v1/quarantine/ and deletes those
                                              quarantined longer; --verify reads every object

Passwords are asked for twice on a terminal, or read from the first line of standard input
with --password-stdin. The archive's files come from the same PACS_* variables as the server.`;

const COMMANDS: Record<string, (args: string[], config: Config) => Promise<number>> = {
  user: ([command, ...rest], config) => userCommand(command, rest, config),
  backup: backupCommand,
  restore: restoreCommand,
  check: checkCommand,
};

/** `npm run pacs -- <command>`: the command line of hospital IT, on the same PACS_* configuration as the server. */
async function main(argv: string[]): Promise<number> {
  const [group, ...rest] = argv;
  const command = group === undefined ? undefined : COMMANDS[group];
  if (command === undefined) {
    console.error(USAGE);
    return group === undefined || group === 'help' || group === '--help' ? 0 : 2;
  }
  return command(rest, loadConfig(process.env));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`${error.message}\n\n${USAGE}`);
    else if (error instanceof ConfigError) console.error(error.message);
    else console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
