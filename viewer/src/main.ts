import { mountHeader } from './app/header';
import { startRouter } from './app/router';
import { loadSession } from './app/session';
import { currentLanguage } from './i18n/i18n';

document.documentElement.lang = currentLanguage();
void loadSession().then(() => {
  mountHeader(document.getElementById('app-header') as HTMLElement);
  startRouter(document.getElementById('app-root') as HTMLElement);
});
