import { apiJson } from '../auth/api';
import { SIGN_IN_PATH } from '../auth/access-rules';
import { currentLanguage, LANGUAGES, setLanguage, translator, type Language } from '../i18n/i18n';
import { element } from '../ui/element';
import { button } from '../ui/form-parts';
import { showPageTitle } from './document-title';
import { showErrorFor } from './error-banner';
import { appMessages, roleKey } from './messages';
import { navigate, onRender } from './router';
import { currentSession, setSession, type SessionInfo } from './session';
import type { Action } from '../../../shared/api/accounts';
import type { AppPath } from '../../../shared/app-paths';

const t = translator(appMessages);

/** Navigation links, each shown only to accounts allowed the action behind it. */
const NAV: { path: AppPath; key: 'navWorklist' | 'navUpload' | 'navTransfers' | 'navAdmin'; testid: string; permission: Action }[] = [
  { path: '/', key: 'navWorklist', testid: 'nav-worklist', permission: 'search' },
  { path: '/upload', key: 'navUpload', testid: 'nav-upload', permission: 'store' },
  { path: '/transfers', key: 'navTransfers', testid: 'nav-transfers', permission: 'transfer' },
  { path: '/admin', key: 'navAdmin', testid: 'nav-admin', permission: 'admin' },
];

/**
 * The header bar: app name, navigation, who is signed in with Sign out, EN | VI switch. Re-drawn
 * at each page render (the language or the session may have changed). A share link's guest sees
 * no navigation: only the viewer of its study.
 */
export function mountHeader(el: HTMLElement): void {
  onRender((url) => drawHeader(el, url));
  drawHeader(el, new URL(location.href));
}

function drawHeader(el: HTMLElement, url: URL): void {
  el.replaceChildren();
  el.className = 'app-header';
  el.dataset.testid = 'app-header';
  showPageTitle(url);

  const session = currentSession();
  const brand = element(session?.kind === 'user' ? 'a' : 'span', { className: 'app-brand', text: t('appName') });
  if (brand instanceof HTMLAnchorElement) brand.href = '/';

  const nav = element('nav', { className: 'app-nav' });
  for (const item of NAV) {
    if (session?.kind !== 'user' || !session.permissions.includes(item.permission)) continue;
    const link = element('a', { testid: item.testid, text: t(item.key) });
    link.href = item.path;
    if (url.pathname === item.path || (item.path !== '/' && url.pathname.startsWith(`${item.path}/`)))
      link.setAttribute('aria-current', 'page');
    nav.append(link);
  }

  const switcher = element('div', { className: 'app-language' });
  switcher.setAttribute('role', 'group');
  switcher.setAttribute('aria-label', t('language'));
  const active = currentLanguage();
  LANGUAGES.forEach((language, n) => {
    if (n > 0) switcher.append(element('span', { className: 'app-language-separator', text: '|' }));
    switcher.append(languageButton(language, active));
  });

  el.append(brand, nav);
  if (session) el.append(whoIsSignedIn(session));
  el.append(switcher);
}

function whoIsSignedIn(session: SessionInfo): HTMLElement {
  const box = element('div', { className: 'app-user' });
  if (session.kind === 'share' || !session.user) {
    box.append(element('span', { className: 'app-user-name', testid: 'header-guest', text: t('guest') }));
    return box;
  }
  const { user } = session;
  const name = element(user.mustChangePassword ? 'span' : 'a', {
    className: 'app-user-name',
    testid: 'header-user',
    text: user.displayName || user.username,
  });
  name.title = t('signedInAs', { username: user.username });
  if (name instanceof HTMLAnchorElement) name.href = '/account';
  const role = element('span', { className: 'app-user-role', testid: 'header-role' });
  role.dataset.role = user.role;
  const key = roleKey(user.role);
  role.textContent = key ? t(key) : user.role;
  const signOut = button(t('signOut'), 'sign-out', 'button', 'btn app-sign-out');
  signOut.addEventListener('click', () => void endSession(signOut));
  box.append(name, role, signOut);
  return box;
}

/** POST /api/logout (with the CSRF header), then the sign-in page. */
async function endSession(signOut: HTMLButtonElement): Promise<void> {
  signOut.disabled = true;
  try {
    await apiJson<void>('POST', '/api/logout');
  } catch (error) {
    signOut.disabled = false;
    showErrorFor(error);
    return;
  }
  setSession(null);
  navigate(SIGN_IN_PATH);
}

function languageButton(language: Language, active: Language): HTMLButtonElement {
  const choice = element('button', { testid: `language-${language}`, text: language.toUpperCase() });
  choice.type = 'button';
  choice.title = t(language === 'en' ? 'languageEn' : 'languageVi');
  choice.setAttribute('aria-pressed', String(language === active));
  choice.addEventListener('click', () => {
    if (language !== currentLanguage()) setLanguage(language);
  });
  return choice;
}
