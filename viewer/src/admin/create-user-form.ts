import { MIN_PASSWORD_LENGTH } from '../auth/password-form';
import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { button, formWithHeading, labelled, textInput } from '../ui/form-parts';
import type { NewUser, Role } from './admin-api';
import { adminMessages } from './messages';
import { roleSelect } from './user-table';

const t = translator(adminMessages);

/** The "new account" form: username, display name, role (device included), initial password, must-change checkbox. */
export function createNewUserForm(onCreate: (user: NewUser, form: HTMLFormElement) => void): HTMLFormElement {
  const form = formWithHeading('admin-create', 'create-user-form', t('createTitle'), 'h3');
  const username = textInput('create-username', { autocomplete: 'off', required: true, maxLength: 64 });
  const displayName = textInput('create-display-name', { autocomplete: 'off', maxLength: 128 });
  const role = roleSelect('create-role', 'clinician');
  const password = textInput('create-password', {
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    minLength: MIN_PASSWORD_LENGTH,
  });
  const mustChange = element('input', { testid: 'create-must-change' });
  mustChange.type = 'checkbox';
  mustChange.checked = true;
  const submit = button(t('create'), 'create-submit', 'submit', 'btn btn-primary');
  form.append(
    labelled(t('username'), username),
    labelled(t('displayName'), displayName),
    labelled(t('role'), role),
    labelled(t('initialPassword'), password),
    labelled(t('mustChangeAtFirst'), mustChange, 'form-field form-check'),
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onCreate(
      {
        username: username.value.trim(),
        displayName: displayName.value.trim(),
        role: role.value as Role,
        password: password.value,
        mustChangePassword: mustChange.checked,
      },
      form,
    );
  });
  return form;
}
