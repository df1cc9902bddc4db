import { expect } from 'vitest';
import type { TestArchive } from './start-app';

export interface NewAccount {
  username: string;
  password: string;
  role: string;
  displayName?: string;
  mustChangePassword?: boolean;
}

/** Creates an account through the admin API (the archive's fetch goes as the test admin). */
export async function createAccount(archive: TestArchive, account: NewAccount): Promise<void> {
  const res = await archive.fetch('/api/users', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(account),
  });
  expect(res.status, await res.clone().text()).toBe(201);
}
