import type { Page } from '../app/page';
import { currentSession } from '../app/session';
import { displayLocale, translator } from '../i18n/i18n';
import { apiJson } from './api';
import { element } from '../ui/element';
import { errorText } from '../ui/error-text';
import { button, formError, labelled, showFormError, textInput } from '../ui/form-parts';
import { uiMessages } from '../ui/messages';
import { pageMessage } from '../ui/page-message';
import { sectionWithHeading } from '../ui/section-with-heading';
import { tableWithHead } from '../ui/table-with-head';
import { authMessages } from './messages';
import { createPasswordForm } from './password-form';

const t = translator(authMessages);
const tUi = translator(uiMessages);

interface ApiToken {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/**
 * The signed-in account at `/account`: its API tokens (create: the secret is shown once with a
 * copy button; revoke) and a password change. The tokens section carries `data-loads` for tests.
 */
export const page: Page = {
  async mount(root) {
    const session = currentSession();
    if (session?.kind !== 'user') {
      root.append(pageMessage(t('guestNoAccount')));
      return;
    }
    const section = sectionWithHeading('account-page', 'account', t('accountTitle'));
    section.dataset.loads = '0';
    const error = formError('token-error');
    const created = element('div', { className: 'token-created' });
    created.hidden = true;
    const list = element('div', { className: 'admin-table-wrap' });

    const name = textInput('token-name', { autocomplete: 'off', required: true, maxLength: 100 });
    const days = textInput('token-days', { type: 'number' });
    days.value = '90';
    days.min = '1';
    days.max = '366';
    const createButton = button(t('createToken'), 'token-create', 'submit', 'btn btn-primary');
    const form = element(
      'form',
      { className: 'admin-filters', testid: 'token-form' },
      labelled(t('tokenName'), name),
      labelled(t('tokenDays'), days),
      createButton,
    );

    const load = async () => {
      try {
        list.replaceChildren(tokenTable(await apiJson<ApiToken[]>('GET', '/api/tokens'), (id) => void revoke(id)));
      } catch (failure) {
        showFormError(error, errorText(failure));
      }
      section.dataset.loads = String(Number(section.dataset.loads) + 1);
    };
    const revoke = async (id: string) => {
      showFormError(error, undefined);
      try {
        await apiJson<void>('DELETE', `/api/tokens/${encodeURIComponent(id)}`);
      } catch (failure) {
        showFormError(error, errorText(failure));
      }
      await load();
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!name.value.trim()) return;
      showFormError(error, undefined);
      void apiJson<ApiToken & { token: string }>('POST', '/api/tokens', {
        name: name.value.trim(),
        expiresInDays: Number(days.value) || 90,
      })
        .then(
          (token) => {
            form.reset();
            days.value = '90';
            showSecret(created, token.token);
          },
          (failure: unknown) => showFormError(error, errorText(failure)),
        )
        .then(load);
    });

    const passwordNotice = element('p', { className: 'form-notice', testid: 'password-notice' });
    const passwordForm = createPasswordForm({
      onChanged: () => {
        passwordForm.reset();
        passwordNotice.textContent = t('passwordChanged');
      },
    });
    section.append(
      element('h3', { text: t('tokensTitle') }),
      element('p', { className: 'auth-intro', text: t('tokensIntro') }),
      form,
      error,
      created,
      list,
      passwordForm,
      passwordNotice,
    );
    root.append(section);
    await load();
  },
};

/** The new token, once, with a copy button. */
function showSecret(box: HTMLElement, secret: string): void {
  const copy = button(tUi('copy'), 'token-copy');
  copy.addEventListener('click', () => {
    void navigator.clipboard?.writeText(secret).then(() => (copy.textContent = tUi('copied')));
  });
  box.replaceChildren(element('p', { text: t('tokenCreated') }), element('code', { testid: 'token-secret', text: secret }), copy);
  box.hidden = false;
}

function tokenTable(tokens: ApiToken[], onRevoke: (id: string) => void): HTMLElement {
  if (tokens.length === 0) {
    return pageMessage(t('noTokens'), 'tokens-empty');
  }
  const format = new Intl.DateTimeFormat(displayLocale(), { dateStyle: 'short', timeStyle: 'short' });
  const when = (iso: string | null) => (iso ? format.format(new Date(iso)) : t('never'));
  const { table, body } = tableWithHead('tokens-table', [
    t('colName'),
    t('colCreated'),
    t('colExpires'),
    t('colLastUsed'),
    t('colState'),
    '',
  ]);
  for (const token of tokens) {
    const row = element('tr', { testid: 'token-row' });
    row.dataset.tokenId = token.id;
    const state = token.revokedAt ? 'stateRevoked' : Date.parse(token.expiresAt) <= Date.now() ? 'stateExpired' : 'stateActive';
    for (const text of [token.name, when(token.createdAt), when(token.expiresAt), when(token.lastUsedAt), t(state)]) {
      row.append(element('td', { text }));
    }
    const actions = document.createElement('td');
    if (state === 'stateActive') {
      const revoke = button(t('revoke'), 'token-revoke');
      revoke.addEventListener('click', () => onRevoke(token.id));
      actions.append(revoke);
    }
    row.append(actions);
    body.append(row);
  }
  return table;
}
