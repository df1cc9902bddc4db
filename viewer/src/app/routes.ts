import type { AppPath } from '../../../shared/app-paths';
import type { Page } from './page';

/** What a lazily loaded screen module exports. */
export interface PageModule {
  page: Page;
}

/** App path → screen module, loaded on first visit (each becomes its own chunk); one entry per path of APP_PATHS. */
export const routes: Record<AppPath, () => Promise<PageModule>> = {
  '/': () => import('../worklist/worklist-page'),
  '/upload': () => import('../upload/upload-page'),
  '/viewer': () => import('../viewer/viewer-page'),
  '/print': () => import('../print/print-page'),
  '/report-print': () => import('../print/report-page'),
  '/share': () => import('../sharing/share-open-page'),
  '/login': () => import('../auth/login-page'),
  '/account': () => import('../auth/account-page'),
  '/transfers': () => import('../transfers/transfers-page'),
  '/admin': () => import('../admin/users-page'),
  '/admin/audit': () => import('../admin/audit-page'),
  '/admin/peers': () => import('../admin/peers-page'),
  '/admin/routing-rules': () => import('../admin/routing-rules-page'),
  '/admin/dimse': () => import('../admin/remote-aes-page'),
};
