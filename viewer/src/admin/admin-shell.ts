import { currentSession } from '../app/session';
import { translator } from '../i18n/i18n';
import { adminMessages } from './messages';

const t = translator(adminMessages);

/**
 * The frame of an admin page: its tabs (Accounts | Audit trail), or for anyone without the
 * `admin` permission a "not allowed" message instead (the archive refuses their calls anyway).
 * Returns the section to fill, or null when not allowed.
 */
export function adminSection(root: HTMLElement, current: '/admin' | '/admin/audit', testid: string): HTMLElement | null {
  if (!currentSession()?.permissions.includes('admin')) {
    const p = document.createElement('p');
    p.className = 'page-message';
    p.dataset.testid = 'not-allowed';
    p.textContent = t('notAllowed');
    root.append(p);
    return null;
  }
  const section = document.createElement('section');
  section.className = 'admin-page';
  section.dataset.testid = testid;
  const tabs = document.createElement('nav');
  tabs.className = 'admin-tabs';
  for (const [path, key] of [
    ['/admin', 'tabUsers'],
    ['/admin/audit', 'tabAudit'],
  ] as const) {
    const link = document.createElement('a');
    link.href = path;
    link.textContent = t(key);
    link.dataset.testid = `admin-tab-${key === 'tabUsers' ? 'users' : 'audit'}`;
    if (path === current) link.setAttribute('aria-current', 'page');
    tabs.append(link);
  }
  section.append(tabs);
  root.append(section);
  return section;
}
