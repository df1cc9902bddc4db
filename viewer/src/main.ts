import { isAppPath } from '../../shared/app-paths';
import { mountHeader } from './app/header';
import { startRouter } from './app/router';
import { routes } from './app/routes';
import { loadSession } from './app/session';
import { currentLanguage } from './i18n/i18n';
import { requestStudyDataEarly } from './viewer/early-study-data';

document.documentElement.lang = currentLanguage();
// The page's code loads while the session is checked, not after it: one round trip less before
// a first image over a slow link. The router's own import then finds the module loaded. The
// viewer's study data is asked for at the same time (early-study-data.ts).
if (isAppPath(location.pathname)) void routes[location.pathname]().catch(() => undefined);
requestStudyDataEarly(new URL(location.href));
void loadSession().then(() => {
  mountHeader(document.getElementById('app-header') as HTMLElement);
  startRouter(document.getElementById('app-root') as HTMLElement);
});
