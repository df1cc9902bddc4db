import { apiJson } from '../auth/api';
import { SIGN_IN_PATH } from '../auth/access-rules';
import { currentLanguage, LANGUAGES, setLanguage, translator, type Language } from '../i18n/i18n';
import { showErrorFor } from './error-banner';
import { appMessages, roleKey } from './messages';
import { navigate, onRender } from './router';
import { currentSession, setSession, type SessionInfo } from './session';
import type { Action } from '../../../shared/api/accounts';
import type { AppPath } from '../../../shared/app-paths';

const t = translator(appMessages);

/** Navigation links, each shown only to accounts allowed the action behind it. */
const NAV: { path: AppPath; key: 'navWorklist' | 'navUpload' | 'navAdmin'; testid: string; permission: Action }[] = [
  { path: '/', key: 'navWorklist', testid: 'nav-worklist', permission: 'search' },
  { path: '/upload', key: 'navUpload', testid: 'nav-upload', permission: 'store' },
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
  document.title = t('appName');

  const session = currentSession();
  const brand = document.createElement(session?.kind === 'user' ? 'a' : 'span');
  brand.className = 'app-brand';
  if (brand instanceof HTMLAnchorElement) brand.href = '/';
  brand.textContent = t('appName');

  const nav = document.createElement('nav');
  nav.className = 'app-nav';
  for (const item of NAV) {
    if (session?.kind !== 'user' || !session.permissions.includes(item.permission)) continue;
    const link = document.createElement('a');
    link.href = item.path;
    link.textContent = t(item.key);
    link.dataset.testid = item.testid;
    if (url.pathname === item.path || (item.path !== '/' && url.pathname.startsWith(`${item.path}/`)))
      link.setAttribute('aria-current', 'page');
    nav.append(link);
  }

  const switcher = document.createElement('div');
  switcher.className = 'app-language';
  switcher.setAttribute('role', 'group');
  switcher.setAttribute('aria-label', t('language'));
  const active = currentLanguage();
  LANGUAGES.forEach((language, n) => {
    if (n > 0) {
      const bar = document.createElement('span');
      bar.className = 'app-language-separator';
      bar.textContent = '|';
      switcher.append(bar);
    }
    switcher.append(languageButton(language, active));
  });

  el.append(brand, nav);
  if (session) el.append(whoIsSignedIn(session));
  el.append(switcher);
}

function whoIsSignedIn(session: SessionInfo): HTMLElement {
  const box = document.createElement('div');
  box.className = 'app-user';
  if (session.kind === 'share' || !session.user) {
    const guest = document.createElement('span');
    guest.className = 'app-user-name';
    guest.dataset.testid = 'header-guest';
    guest.textContent = t('guest');
    box.append(guest);
    return box;
  }
  const { user } = session;
  const name = document.createElement(user.mustChangePassword ? 'span' : 'a');
  name.className = 'app-user-name';
  name.dataset.testid = 'header-user';
  name.textContent = user.displayName || user.username;
  name.title = t('signedInAs', { username: user.username });
  if (name instanceof HTMLAnchorElement) name.href = '/account';
  const role = document.createElement('span');
  role.className = 'app-user-role';
  role.dataset.testid = 'header-role';
  role.dataset.role = user.role;
  const key = roleKey(user.role);
  role.textContent = key ? t(key) : user.role;
  const signOut = document.createElement('button');
  signOut.type = 'button';
  signOut.className = 'btn app-sign-out';
  signOut.dataset.testid = 'sign-out';
  signOut.textContent = t('signOut');
  signOut.addEventListener('click', () => void endSession(signOut));
  box.append(name, role, signOut);
  return box;
}

/** POST /api/logout (with the CSRF header), then the sign-in page. */
async function endSession(button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    await apiJson<void>('POST', '/api/logout');
  } catch (error) {
    button.disabled = false;
    showErrorFor(error);
    return;
  }
  setSession(null);
  navigate(SIGN_IN_PATH);
}

function languageButton(language: Language, active: Language): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = language.toUpperCase();
  button.title = t(language === 'en' ? 'languageEn' : 'languageVi');
  button.dataset.testid = `language-${language}`;
  button.setAttribute('aria-pressed', String(language === active));
  button.addEventListener('click', () => {
    if (language !== currentLanguage()) setLanguage(language);
  });
  return button;
}
