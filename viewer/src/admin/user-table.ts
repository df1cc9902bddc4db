import { appMessages, roleKey } from '../app/messages';
import { MIN_PASSWORD_LENGTH } from '../auth/password-form';
import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { button } from '../ui/form-parts';
import { confirmAction } from '../ui/confirm-dialog';
import { tableWithHead } from '../ui/table-with-head';
import { ROLES, type Role, type UserAccount, type UserChange } from './admin-api';
import { adminMessages, type AdminKey } from './messages';

const t = translator(adminMessages);
const tApp = translator(appMessages);

const COLUMNS: AdminKey[] = ['colUsername', 'colDisplayName', 'colRole', 'colStatus', 'colMustChange', 'colActions'];

export const roleName = (role: string): string => {
  const key = roleKey(role);
  return key ? tApp(key) : role;
};

export function roleSelect(testid: string, value: Role): HTMLSelectElement {
  const select = element('select', { className: 'input', testid });
  for (const role of ROLES) {
    const option = element('option', { text: roleName(role) });
    option.value = role;
    select.append(option);
  }
  select.value = value;
  return select;
}

/**
 * The accounts as a table, one row per account (`data-username`): role select, disable/enable,
 * password reset. Each control hands its change to `onChange`; the page reloads the list after.
 */
export function createUserTable(users: UserAccount[], onChange: (username: string, change: UserChange) => void): HTMLTableElement {
  const { table, body } = tableWithHead(
    'users-table',
    COLUMNS.map((key) => t(key)),
  );
  for (const user of users) body.append(userRow(user, onChange));
  return table;
}

function userRow(user: UserAccount, onChange: (username: string, change: UserChange) => void): HTMLTableRowElement {
  const row = element('tr', { testid: 'user-row' });
  row.dataset.username = user.username;
  if (user.disabled) row.classList.add('admin-row-disabled');
  const cell = (testid: string, ...content: Array<string | Node>) => {
    const td = element('td', { testid }, ...content);
    row.append(td);
    return td;
  };
  cell('user-username', user.username);
  cell('user-display-name', user.displayName);

  const role = roleSelect('user-role', user.role);
  role.setAttribute('aria-label', t('changeRoleOf', { username: user.username }));
  role.addEventListener('change', () => onChange(user.username, { role: role.value as Role }));
  cell('user-role-cell', role);
  cell('user-status', t(user.disabled ? 'statusDisabled' : 'statusEnabled')).dataset.disabled = String(user.disabled);
  cell('user-must-change', t(user.mustChangePassword ? 'yes' : 'no'));

  const toggle = button(t(user.disabled ? 'enable' : 'disable'), 'user-toggle');
  toggle.addEventListener('click', () => {
    if (user.disabled) onChange(user.username, { disabled: false });
    else
      void confirmAction(t('disableConfirm', { username: user.username }), t('disable')).then((yes) => {
        if (yes) onChange(user.username, { disabled: true });
      });
  });
  const password = element('input', { className: 'input admin-reset-input' });
  password.type = 'password';
  password.autocomplete = 'new-password';
  password.placeholder = t('newPasswordPlaceholder');
  password.minLength = MIN_PASSWORD_LENGTH;
  password.dataset.testid = 'user-reset-password';
  const reset = button(t('resetPassword'), 'user-reset');
  reset.addEventListener('click', () => onChange(user.username, { password: password.value, mustChangePassword: true }));
  const actions = cell('user-actions', toggle, password, reset);
  actions.className = 'admin-actions';
  return row;
}
