import { isAppPath } from '../../shared/app-paths';
import { mountHeader } from './app/header';
import { startRouter } from './app/router';
import { routes } from './app/routes';
import { loadSession } from './app/session';
import { currentLanguage } from './i18n/i18n';
import { requestStudyDataEarly } from './viewer/early-study-data';

document.documentElement.lang = currentLanguage();
// The session, the page's code and (for the viewer) the study's data are asked for together, not
// one after the other: round trips less before a first image over a slow link. The session goes
// first, its small answer then comes before the larger ones; the router's own import finds the
// module loaded and the viewer takes the study's data (early-study-data.ts).
const session = loadSession();
if (isAppPath(location.pathname)) void routes[location.pathname]().catch(() => undefined);
requestStudyDataEarly(new URL(location.href));
void session.then(() => {
  mountHeader(document.getElementById('app-header') as HTMLElement);
  startRouter(document.getElementById('app-root') as HTMLElement);
});
