import type { Page } from '../app/page';
import { navigate } from '../app/router';
import { currentSession, setSession, type SessionInfo } from '../app/session';
import { translator } from '../i18n/i18n';
import { safeNextPath } from './access-rules';
import { apiJson } from './api';
import { element } from '../ui/element';
import { errorText } from '../ui/error-text';
import { button, formError, formWithHeading, labelled, showFormError, textInput } from '../ui/form-parts';
import { authMessages } from './messages';
import { createPasswordForm } from './password-form';

const t = translator(authMessages);

/**
 * The sign-in page at `/login?next=<path>`: username + password → POST /api/login, then the
 * `next` page of this app (or `/`). An account holding a one-time password first chooses its own.
 * The form counts refused attempts in `data-failures` (for tests).
 */
export const page: Page = {
  mount(root, url) {
    const next = safeNextPath(url.searchParams.get('next'));
    const session = currentSession();
    if (session?.kind === 'user' && !session.user?.mustChangePassword) {
      navigate(next, { replace: true });
      return;
    }
    const box = element('section', { className: 'auth-page', testid: 'login-page' });
    root.append(box);

    const goOn = () => navigate(next, { replace: true });
    const askNewPassword = () => box.replaceChildren(createPasswordForm({ intro: t('changeIntro'), onChanged: goOn }));
    if (session?.user?.mustChangePassword) return askNewPassword();
    box.append(
      createLoginForm((signedIn) => {
        setSession(signedIn);
        if (signedIn.user?.mustChangePassword) askNewPassword();
        else goOn();
      }),
    );
  },
};

function createLoginForm(onSignedIn: (session: SessionInfo) => void): HTMLFormElement {
  const form = formWithHeading('auth-form', 'login-form', t('signInTitle'));
  const username = textInput('login-username', { autocomplete: 'username', required: true, maxLength: 256 });
  const password = textInput('login-password', { type: 'password', autocomplete: 'current-password', required: true, maxLength: 1024 });
  const error = formError('login-error');
  const submit = button(t('signIn'), 'login-submit', 'submit', 'btn btn-primary');
  form.append(labelled(t('username'), username), labelled(t('password'), password), error, submit);
  queueMicrotask(() => username.focus());

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!username.value || !password.value) return;
    submit.disabled = true;
    submit.textContent = t('signingIn');
    apiJson<SessionInfo>('POST', '/api/login', { username: username.value, password: password.value }).then(
      onSignedIn,
      (failure: unknown) => {
        submit.disabled = false;
        submit.textContent = t('signIn');
        password.value = '';
        password.focus();
        showFormError(error, errorText(failure));
        form.dataset.failures = String(Number(form.dataset.failures ?? 0) + 1);
      },
    );
  });
  return form;
}
