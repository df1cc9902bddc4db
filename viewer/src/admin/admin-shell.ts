import { currentSession } from '../app/session';
import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { pageMessage } from '../ui/page-message';
import { adminMessages } from './messages';

const t = translator(adminMessages);

/**
 * The frame of an admin page: its tabs (Accounts | Audit trail), or for anyone without the
 * `admin` permission a "not allowed" message instead (the archive refuses their calls anyway).
 * Returns the section to fill, or null when not allowed.
 */
export function adminSection(root: HTMLElement, current: '/admin' | '/admin/audit', testid: string): HTMLElement | null {
  if (!currentSession()?.permissions.includes('admin')) {
    root.append(pageMessage(t('notAllowed'), 'not-allowed'));
    return null;
  }
  const tabs = element('nav', { className: 'admin-tabs' });
  for (const [path, key] of [
    ['/admin', 'tabUsers'],
    ['/admin/audit', 'tabAudit'],
  ] as const) {
    const link = element('a', { testid: `admin-tab-${key === 'tabUsers' ? 'users' : 'audit'}`, text: t(key) });
    link.href = path;
    if (path === current) link.setAttribute('aria-current', 'page');
    tabs.append(link);
  }
  const section = element('section', { className: 'admin-page', testid }, tabs);
  root.append(section);
  return section;
}
