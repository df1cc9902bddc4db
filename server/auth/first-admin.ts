import { randomBytes } from 'node:crypto';
import type { UserStore } from './user-store';

/**
 * The first start of an archive creates its admin: with PACS_ADMIN_PASSWORD when given;
 * otherwise with a generated one-time password, printed this once and to be replaced at the
 * first sign-in. Nothing happens once an admin account exists.
 */
export async function ensureFirstAdmin(
  users: UserStore,
  adminUser: string,
  adminPassword: string | undefined,
  notice: (message: string) => void,
): Promise<void> {
  // Accounts made with the CLI before the first start (a modality's, say) do not count: an archive needs an admin.
  if (users.list().some((u) => u.role === 'admin')) return;
  if (adminPassword !== undefined) {
    await users.create({ username: adminUser, password: adminPassword, role: 'admin', displayName: 'Administrator' });
    return;
  }
  const oneTime = randomBytes(15).toString('base64url');
  await users.create({ username: adminUser, password: oneTime, role: 'admin', displayName: 'Administrator', mustChangePassword: true });
  notice(
    `First start: created the admin account "${adminUser}" with the one-time password ${oneTime}\n  Sign in at the viewer and choose a new password; it is not shown again.`,
  );
}

/** Whether the server listens on this machine only. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}
