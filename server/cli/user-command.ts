import os from 'node:os';
import { parseArgs } from 'node:util';
import { AuditLog } from '../audit/audit-log';
import { openAccessDb } from '../auth/access-db';
import type { Role } from '../auth/principal';
import { SessionStore } from '../auth/session-store';
import { UserStore, type User } from '../auth/user-store';
import type { Config } from '../config';
import { readPassword } from './read-password';
import { UsageError } from './usage-error';

/**
 * The account command line for hospital IT (`npm run pacs -- user …`): works on the access
 * database directly, so it also serves when nobody can sign in to the admin page, and while the
 * server runs (SQLite WAL; the server checks accounts on every request). Every change is
 * recorded in the audit trail as done by the operating-system user.
 */
export async function userCommand(command: string | undefined, rest: string[], config: Config): Promise<number> {
  if (command === undefined) throw new UsageError('user: which command?');
  const db = openAccessDb(config.accessFile);
  const audit = AuditLog.open(config.auditFile);
  const users = new UserStore(db);
  const sessions = new SessionStore(db);
  const flags = parseFlags(rest);
  const record = (detail: string) =>
    audit.record({
      action: 'user-change',
      outcome: 0,
      who: { kind: 'cli', id: os.userInfo().username, role: 'operator' },
      clientAddress: 'localhost',
      detail,
    });
  try {
    switch (command) {
      case 'list':
        printUsers(users.list());
        return 0;
      case 'add': {
        const username = flags.positional(0, 'username');
        const role = flags.value('role') as Role | undefined;
        if (role === undefined) throw new UsageError('--role is required');
        const password = await readPassword(flags.has('password-stdin'));
        const user = await users.create({
          username,
          password,
          role,
          displayName: flags.value('name') ?? '',
          mustChangePassword: flags.has('must-change'),
        });
        record(`user created: ${user.username} (${user.role})`);
        console.log(`Created ${user.username} (${user.role}).`);
        return 0;
      }
      case 'passwd': {
        const username = flags.positional(0, 'username');
        users.require(username);
        const password = await readPassword(flags.has('password-stdin'));
        const user = await users.setPassword(username, password, { mustChange: flags.has('must-change') });
        sessions.deleteForUser(user.id);
        record(`user ${user.username}: password reset`);
        console.log(`Password of ${user.username} changed; its sessions are ended.`);
        return 0;
      }
      case 'role': {
        const user = users.update(flags.positional(0, 'username'), { role: flags.positional(1, 'role') as Role });
        sessions.deleteForUser(user.id);
        record(`user ${user.username}: role ${user.role}`);
        console.log(`${user.username} is now ${user.role}.`);
        return 0;
      }
      case 'disable':
      case 'enable': {
        const user = users.update(flags.positional(0, 'username'), { disabled: command === 'disable' });
        if (command === 'disable') sessions.deleteForUser(user.id);
        record(`user ${user.username}: ${command}d`);
        console.log(`${user.username} is ${command}d.`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "user ${command}"`);
    }
  } finally {
    audit.close();
    db.close();
  }
}

function printUsers(list: User[]): void {
  const rows = list.map((u) => [
    u.username,
    u.role,
    u.disabled ? 'disabled' : u.mustChangePassword ? 'must change password' : 'active',
    u.displayName,
  ]);
  const header = ['USERNAME', 'ROLE', 'STATUS', 'NAME'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows])
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
}

const FLAGS = {
  role: { type: 'string' },
  name: { type: 'string' },
  'must-change': { type: 'boolean' },
  'password-stdin': { type: 'boolean' },
} as const;

/** Not strict: an unknown flag is ignored, as it always was; a value flag without its value is a usage error. */
function parseFlags(args: string[]) {
  const { values, positionals } = parseArgs({ args, options: FLAGS, strict: false, allowPositionals: true });
  for (const flag of ['role', 'name'] as const) if (values[flag] === true) throw new UsageError(`--${flag} needs a value`);
  return {
    positional(n: number, name: string): string {
      const value = positionals[n];
      if (value === undefined) throw new UsageError(`<${name}> is missing`);
      return value;
    },
    value(flag: 'role' | 'name'): string | undefined {
      const value = values[flag];
      return typeof value === 'string' ? value : undefined;
    },
    has: (flag: 'must-change' | 'password-stdin') => values[flag] === true,
  };
}
