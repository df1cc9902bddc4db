import { currentSession } from '../app/session';
import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { pageMessage } from '../ui/page-message';
import { adminMessages } from './messages';
import { peerMessages } from './peer-messages';
import { remoteAeMessages } from './remote-ae-messages';
import { routingRuleMessages } from './routing-rule-messages';

const t = translator(adminMessages);
const tPeers = translator(peerMessages);
const tRules = translator(routingRuleMessages);
const tDimse = translator(remoteAeMessages);

const TABS = [
  { path: '/admin', testid: 'admin-tab-users', text: () => t('tabUsers') },
  { path: '/admin/audit', testid: 'admin-tab-audit', text: () => t('tabAudit') },
  { path: '/admin/peers', testid: 'admin-tab-peers', text: () => tPeers('tabPeers') },
  { path: '/admin/routing-rules', testid: 'admin-tab-rules', text: () => tRules('tabRules') },
  { path: '/admin/dimse', testid: 'admin-tab-dimse', text: () => tDimse('tabDimse') },
] as const;

/**
 * The frame of an admin page: its tabs (Accounts | Audit trail | Peers | Routing rules | DICOM devices), or for anyone without the
 * `admin` permission a "not allowed" message instead (the archive refuses their calls anyway).
 * Returns the section to fill, or null when not allowed.
 */
export function adminSection(root: HTMLElement, current: (typeof TABS)[number]['path'], testid: string): HTMLElement | null {
  if (!currentSession()?.permissions.includes('admin')) {
    root.append(pageMessage(t('notAllowed'), 'not-allowed'));
    return null;
  }
  const tabs = element('nav', { className: 'admin-tabs' });
  for (const { path, testid: tabTestid, text } of TABS) {
    const link = element('a', { testid: tabTestid, text: text() });
    link.href = path;
    if (path === current) link.setAttribute('aria-current', 'page');
    tabs.append(link);
  }
  const section = element('section', { className: 'admin-page', testid }, tabs);
  root.append(section);
  return section;
}
