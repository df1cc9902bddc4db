import { currentLanguage, LANGUAGES, setLanguage, translator, type Language } from '../i18n/i18n';
import { appMessages } from './messages';
import { onRender } from './router';

const t = translator(appMessages);

const NAV: { path: string; key: 'navWorklist' | 'navUpload'; testid: string }[] = [
  { path: '/', key: 'navWorklist', testid: 'nav-worklist' },
  { path: '/upload', key: 'navUpload', testid: 'nav-upload' },
];

/** The header bar: app name, navigation, EN | VI switch. Re-drawn at each page render (language may have changed). */
export function mountHeader(el: HTMLElement): void {
  onRender((url) => drawHeader(el, url));
  drawHeader(el, new URL(location.href));
}

function drawHeader(el: HTMLElement, url: URL): void {
  el.replaceChildren();
  el.className = 'app-header';
  el.dataset.testid = 'app-header';
  document.title = t('appName');

  const brand = document.createElement('a');
  brand.className = 'app-brand';
  brand.href = '/';
  brand.textContent = t('appName');

  const nav = document.createElement('nav');
  nav.className = 'app-nav';
  for (const item of NAV) {
    const link = document.createElement('a');
    link.href = item.path;
    link.textContent = t(item.key);
    link.dataset.testid = item.testid;
    if (url.pathname === item.path) link.setAttribute('aria-current', 'page');
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

  el.append(brand, nav, switcher);
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
