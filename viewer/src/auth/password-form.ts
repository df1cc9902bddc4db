import type { SessionInfo } from '../app/session';
import { setSession } from '../app/session';
import { translator } from '../i18n/i18n';
import { apiJson } from './api';
import { element } from '../ui/element';
import { errorText } from '../ui/error-text';
import { button, formError, formWithHeading, labelled, showFormError, textInput } from '../ui/form-parts';
import { authMessages } from './messages';

const t = translator(authMessages);

/** The server's rule for a new password (POST /api/password). */
export const MIN_PASSWORD_LENGTH = 10;

/**
 * Current + new + repeated password → POST /api/password. The answer is a new session (the
 * archive ends every other session of the account and issues a new CSRF token), kept with
 * `setSession` before `onChanged` runs.
 */
export function createPasswordForm(options: { intro?: string; onChanged(session: SessionInfo): void }): HTMLFormElement {
  const form = formWithHeading('auth-form', 'password-form', t('changeTitle'));
  if (options.intro) form.append(element('p', { className: 'auth-intro', text: options.intro }));
  const current = textInput('password-current', { type: 'password', autocomplete: 'current-password', required: true });
  const next = textInput('password-new', {
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    minLength: MIN_PASSWORD_LENGTH,
  });
  const repeat = textInput('password-repeat', {
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    minLength: MIN_PASSWORD_LENGTH,
  });
  const rule = element('p', { className: 'auth-hint', text: t('passwordRule', { min: MIN_PASSWORD_LENGTH }) });
  const error = formError('password-error');
  const submit = button(t('changePassword'), 'password-submit', 'submit', 'btn btn-primary');
  form.append(
    labelled(t('currentPassword'), current),
    labelled(t('newPassword'), next),
    rule,
    labelled(t('repeatPassword'), repeat),
    error,
    submit,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (next.value.length < MIN_PASSWORD_LENGTH) return showFormError(error, t('tooShort', { min: MIN_PASSWORD_LENGTH }));
    if (next.value !== repeat.value) return showFormError(error, t('notRepeated'));
    showFormError(error, undefined);
    submit.disabled = true;
    submit.textContent = t('changing');
    apiJson<SessionInfo>('POST', '/api/password', { currentPassword: current.value, newPassword: next.value }).then(
      (session) => {
        setSession(session);
        options.onChanged(session);
      },
      (failure: unknown) => {
        submit.disabled = false;
        submit.textContent = t('changePassword');
        showFormError(error, errorText(failure));
      },
    );
  });
  return form;
}
