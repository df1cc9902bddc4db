import type { NewUser } from '../../shared/api/accounts';
import { AppError } from '../../shared/errors';
import type { AccessDb } from './access-db';
import { hashPassword, UNMATCHABLE_HASH, verifyPassword } from './password-hash';
import { ROLES, type Role } from './principal';

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  mustChangePassword: boolean;
  disabled: boolean;
  createdAt: number;
  passwordChangedAt: number;
}

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  must_change_password: number;
  disabled_at: number | null;
  created_at: number;
  password_changed_at: number;
}

export const MIN_PASSWORD_LENGTH = 10;
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** Accounts of people and devices. Usernames are case-insensitive; passwords only as scrypt hashes. */
export class UserStore {
  private readonly q;

  constructor(private readonly db: AccessDb) {
    this.q = {
      byName: db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?'),
      byId: db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?'),
      all: db.prepare<[], UserRow>('SELECT * FROM users ORDER BY username'),
      enabledCount: db.prepare<[], number>('SELECT count(*) FROM users WHERE disabled_at IS NULL').pluck(),
      enabledAdmins: db.prepare<[], number>("SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL").pluck(),
      insert: db.prepare<[string, string, Role, string, number, number, number]>(
        'INSERT INTO users (username, display_name, role, password_hash, must_change_password, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      setPassword: db.prepare<[string, number, number, number]>(
        'UPDATE users SET password_hash = ?, must_change_password = ?, password_changed_at = ? WHERE id = ?',
      ),
      update: db.prepare<[Role, string, number | null, number | null, number]>(
        'UPDATE users SET role = ?, display_name = ?, disabled_at = CASE WHEN ? IS NULL THEN NULL ELSE coalesce(disabled_at, ?) END WHERE id = ?',
      ),
    };
  }

  async create(input: NewUser): Promise<User> {
    checkUsername(input.username);
    checkRole(input.role);
    checkPassword(input.password);
    const displayName = checkDisplayName(input.displayName ?? '');
    const hash = await hashPassword(input.password);
    const now = Date.now();
    try {
      const info = this.q.insert.run(input.username, displayName, input.role, hash, input.mustChangePassword ? 1 : 0, now, now);
      return this.byId(Number(info.lastInsertRowid))!;
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
        throw new AppError('CONFLICT', `A user named "${input.username}" already exists.`);
      throw error;
    }
  }

  list(): User[] {
    return this.q.all.all().map(toUser);
  }

  find(username: string): User | undefined {
    const row = this.q.byName.get(username);
    return row && toUser(row);
  }

  byId(id: number): User | undefined {
    const row = this.q.byId.get(id);
    return row && toUser(row);
  }

  /** Number of accounts that can sign in. */
  enabledCount(): number {
    return this.q.enabledCount.get()!;
  }

  /**
   * The user whose password this is, or undefined. A missing or disabled user costs the same
   * scrypt work as a wrong password, so timing does not reveal which usernames exist.
   */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const row = USERNAME.test(username) ? this.q.byName.get(username) : undefined;
    const ok = await verifyPassword(password, row?.password_hash ?? UNMATCHABLE_HASH);
    return ok && row && row.disabled_at === null ? toUser(row) : undefined;
  }

  async setPassword(username: string, password: string, options: { mustChange?: boolean } = {}): Promise<User> {
    checkPassword(password);
    const user = this.require(username);
    const hash = await hashPassword(password);
    this.q.setPassword.run(hash, options.mustChange ? 1 : 0, Date.now(), user.id);
    return this.byId(user.id)!;
  }

  update(username: string, changes: { role?: Role; displayName?: string; disabled?: boolean }): User {
    const user = this.require(username);
    if (changes.role !== undefined) checkRole(changes.role);
    const displayName = changes.displayName === undefined ? user.displayName : checkDisplayName(changes.displayName);
    const disabledAt = changes.disabled === undefined ? (user.disabled ? 1 : null) : changes.disabled ? Date.now() : null;
    this.db
      .transaction(() => {
        this.q.update.run(changes.role ?? user.role, displayName, disabledAt, disabledAt, user.id);
        if (user.role === 'admin' && !user.disabled) this.keepOneAdmin();
      })
      .immediate();
    return this.byId(user.id)!;
  }

  require(username: string): User {
    const user = this.find(username);
    if (!user) throw new AppError('NOT_FOUND', `There is no user named "${username.slice(0, 64)}".`);
    return user;
  }

  /** An archive always keeps an enabled admin: otherwise nobody could manage it any more. */
  private keepOneAdmin(): void {
    if (this.q.enabledAdmins.get() === 0) throw new AppError('CONFLICT', 'This would leave the archive without an enabled admin account.');
  }
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    mustChangePassword: row.must_change_password === 1,
    disabled: row.disabled_at !== null,
    createdAt: row.created_at,
    passwordChangedAt: row.password_changed_at,
  };
}

function checkUsername(username: string): void {
  if (!USERNAME.test(username))
    throw new AppError('BAD_REQUEST', 'A username has 1 to 64 characters: letters, digits, and . _ @ - (not first).');
}

function checkRole(role: string): asserts role is Role {
  if (!(ROLES as readonly string[]).includes(role)) throw new AppError('BAD_REQUEST', `The role must be one of ${ROLES.join(', ')}.`);
}

export function checkPassword(password: string): void {
  if (typeof password !== 'string' || [...password].length < MIN_PASSWORD_LENGTH || password.length > 1024) {
    throw new AppError('BAD_REQUEST', `A password has at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
}

function checkDisplayName(name: string): string {
  if (typeof name !== 'string' || name.length > 128 || /[\u0000-\u001f]/.test(name))
    throw new AppError('BAD_REQUEST', 'A display name has at most 128 characters and no control characters.');
  return name.trim();
}
