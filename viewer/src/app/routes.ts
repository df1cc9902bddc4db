import type { Page } from './page';

/** What a lazily loaded screen module exports. */
export interface PageModule {
  page: Page;
}

/** Path → screen module, loaded on first visit (each becomes its own chunk). */
export const routes: Record<string, () => Promise<PageModule>> = {
  '/': () => import('../worklist/worklist-page'),
  '/upload': () => import('../upload/upload-page'),
  '/viewer': () => import('../viewer/viewer-page'),
  '/print': () => import('../print/print-page'),
  '/share': () => import('../sharing/share-open-page'),
  '/login': () => import('../auth/login-page'),
  '/account': () => import('../auth/account-page'),
  '/admin': () => import('../admin/users-page'),
  '/admin/audit': () => import('../admin/audit-page'),
};
