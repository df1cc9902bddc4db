import type { Page } from '../app/page';
import { MIN_PASSWORD_LENGTH } from '../auth/password-form';
import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { createUser, listUsers, updateUser, type NewUser, type UserChange } from './admin-api';
import { adminList } from './admin-list';
import { adminSection } from './admin-shell';
import { createNewUserForm } from './create-user-form';
import { adminMessages } from './messages';
import { createUserTable } from './user-table';

const t = translator(adminMessages);

/**
 * Accounts at `/admin` (admins only): the table of accounts with role, disable/enable and password
 * reset per row, and the form for a new account. The archive's refusals (a taken username, "would
 * leave no enabled admin") are shown in place. The section carries `data-state` (loading | done |
 * error) and `data-loads` (lists drawn) for tests.
 */
export const page: Page = {
  async mount(root) {
    const section = adminSection(root, '/admin', 'admin-users');
    if (!section) return;
    const { notice, error, tableWrap, reload, attempt } = adminList(section, async () =>
      createUserTable(await listUsers(), (username, change) => void apply(username, change)),
    );

    const apply = (username: string, change: UserChange) =>
      attempt(async () => {
        if (change.password !== undefined && change.password.length < MIN_PASSWORD_LENGTH)
          throw new Error(t('passwordTooShort', { min: MIN_PASSWORD_LENGTH }));
        await updateUser(username, change);
        return t(change.password !== undefined ? 'passwordReset' : 'updated', { username });
      });

    const create = (user: NewUser, form: HTMLFormElement) =>
      attempt(async () => {
        if (user.password.length < MIN_PASSWORD_LENGTH) throw new Error(t('passwordTooShort', { min: MIN_PASSWORD_LENGTH }));
        const created = await createUser(user);
        form.reset();
        return t('created', { username: created.username });
      });

    section.append(
      element('h2', { text: t('usersTitle') }),
      error,
      notice,
      tableWrap,
      createNewUserForm((user, form) => void create(user, form)),
    );
    await reload();
  },
};
