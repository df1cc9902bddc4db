import { accessRedirect, isPublicPath } from '../auth/access-rules';
import { isAppPath } from '../../../shared/app-paths';
import { onUnauthorized } from '../dicomweb/base';
import { onLanguageChange, translator } from '../i18n/i18n';
import { describeError, hideError, showError } from './error-banner';
import { appMessages } from './messages';
import type { Page } from './page';
import { routes } from './routes';
import { pageMessage } from '../ui/page-message';
import { currentSession, setSession } from './session';
import { forgetGuestTab, wasGuestTab } from '../sharing/guest-tab';

const t = translator(appMessages);

let root: HTMLElement | undefined;
let current: Page | undefined;
/** Bumped at each render, so a slow module load never mounts over a newer page. */
let generation = 0;
const renderListeners = new Set<(url: URL) => void>();

/** Starts the router on `appRoot`: renders the current URL, follows back/forward, intercepts app links. */
export function startRouter(appRoot: HTMLElement): void {
  root = appRoot;
  window.addEventListener('popstate', () => void render());
  document.addEventListener('click', interceptLink);
  onLanguageChange(() => void render());
  onUnauthorized(signInAgain);
  void render();
}

/**
 * The archive answered 401 during use (session expired or ended, account disabled): forget the
 * session and go to the sign-in page, coming back here afterwards. Deferred one task so that the
 * failing page's own error handling runs first and its banner is cleared by the new render.
 */
function signInAgain(): void {
  if (isPublicPath(location.pathname)) return;
  setSession(null);
  setTimeout(() => void render());
}

/** Goes to an app URL (e.g. `/viewer?StudyInstanceUIDs=…`) without reloading the page. */
export function navigate(href: string, options: { replace?: boolean } = {}): void {
  const url = new URL(href, location.href);
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  void render();
}

/** Called after each page is mounted (the header marks the active link with it). */
export function onRender(listener: (url: URL) => void): void {
  renderListeners.add(listener);
}

/** Unmounts the current page and mounts the one for the current URL (also on a language switch). */
export async function render(): Promise<void> {
  if (!root) return;
  const mine = ++generation;
  const url = new URL(location.href);
  const session = currentSession();
  if (session?.kind === 'user') forgetGuestTab();
  const redirect = accessRedirect(url, session, wasGuestTab());
  if (redirect) {
    navigate(redirect, { replace: true });
    return;
  }
  current?.unmount?.();
  current = undefined;
  hideError();
  root.replaceChildren();
  root.dataset.page = url.pathname;
  delete root.dataset.ready;
  for (const listener of renderListeners) listener(url);
  const path = url.pathname;
  if (!isAppPath(path)) {
    root.append(pageMessage(t('pageNotFound', { path: url.pathname })));
    return;
  }
  let page: Page;
  try {
    page = (await routes[path]()).page;
  } catch {
    if (mine === generation) showError(t('pageLoadFailed'));
    return;
  }
  if (mine !== generation) return;
  current = page;
  try {
    await page.mount(root, url);
  } catch (error) {
    if (mine === generation) showError(describeError(error));
  }
  // A render-complete signal for tests: set once the page's mount has settled.
  if (mine === generation) root.dataset.ready = 'true';
}

function interceptLink(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.target as Element | null)?.closest?.('a[href]');
  if (!(anchor instanceof HTMLAnchorElement) || anchor.target || anchor.hasAttribute('download')) return;
  const url = new URL(anchor.href);
  if (url.origin !== location.origin || !isAppPath(url.pathname)) return;
  event.preventDefault();
  navigate(url.href);
}
