/**
 * The links already made for one study (GET /api/shares, the caller's own): when made, until
 * when, last use, use count, what they allow, status, and Revoke for each link still active.
 */
import { describeError } from '../app/error-banner';
import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { button, formError, showFormError } from '../ui/form-parts';
import { sectionWithHeading } from '../ui/section-with-heading';
import { confirmAction } from '../ui/confirm-dialog';
import { tableWithHead } from '../ui/table-with-head';
import { formatInstant } from './date-time';
import { sharingMessages } from './messages';
import { listShares, revokeShare, shareStatus, type ShareSummary } from './share-api';

const t = translator(sharingMessages);

export interface ShareList {
  element: HTMLElement;
  /** Loads the list again; resolves once it is drawn (`data-state="ready"`). */
  refresh(): Promise<void>;
}

export function createShareList(studyUid: string): ShareList {
  const section = sectionWithHeading('share-list', 'share-list', t('existing'), 'h3');
  const body = document.createElement('div');
  const error = formError('share-list-error');
  section.append(error, body);

  let generation = 0;
  const refresh = async () => {
    const mine = ++generation;
    section.dataset.state = 'loading';
    if (!body.firstChild) body.replaceChildren(message(t('loadingShares')));
    try {
      const shares = (await listShares()).filter((s) => s.studyInstanceUID === studyUid);
      if (mine !== generation) return;
      shares.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
      body.replaceChildren(shares.length === 0 ? message(t('noShares')) : table(shares, revoke));
      showFormError(error, undefined);
    } catch (e) {
      if (mine !== generation) return;
      showError(e);
    }
    section.dataset.state = 'ready';
  };
  const showError = (e: unknown) => showFormError(error, describeError(e));
  const revoke = async (share: ShareSummary, button: HTMLButtonElement) => {
    if (!(await confirmAction(t('revokeConfirm'), t('revoke')))) return;
    button.disabled = true;
    try {
      await revokeShare(share.id);
    } catch (e) {
      button.disabled = false;
      showError(e);
      return;
    }
    await refresh();
  };
  return { element: section, refresh };
}

function message(text: string): HTMLElement {
  return element('p', { className: 'share-muted', text });
}

function table(shares: ShareSummary[], revoke: (share: ShareSummary, button: HTMLButtonElement) => Promise<void>): HTMLTableElement {
  const headings = (['created', 'expires', 'lastUsed', 'uses', 'access', 'noteColumn', 'status'] as const).map((key) => t(key));
  const { table: tableEl, body: tbody } = tableWithHead('share-table', [...headings, ''], 'share-table');
  for (const share of shares) {
    const status = shareStatus(share);
    const row = tbody.insertRow();
    row.dataset.testid = 'share-row';
    row.dataset.shareId = share.id;
    row.dataset.status = status;
    const cells = [
      formatInstant(share.createdAt),
      formatInstant(share.expiresAt),
      share.lastUsedAt ? formatInstant(share.lastUsedAt) : t('never'),
      String(share.useCount),
      accessText(share),
      share.note,
      t(status === 'active' ? 'statusActive' : status === 'expired' ? 'statusExpired' : 'statusRevoked'),
    ];
    for (const text of cells) row.insertCell().textContent = text;
    row.cells[3]!.dataset.testid = 'share-use-count';
    row.cells[6]!.dataset.testid = 'share-status';
    const action = row.insertCell();
    if (status === 'active') {
      const revokeButton = button(t('revoke'), 'share-revoke');
      revokeButton.addEventListener('click', () => void revoke(share, revokeButton));
      action.append(revokeButton);
    }
  }
  return tableEl;
}

function accessText(share: ShareSummary): string {
  const parts = [t('accessRead')];
  if (share.permissions.includes('download')) parts.push(t('accessDownload'));
  if (share.anonymize) parts.push(t('accessAnonymized'));
  if (share.pinRequired) parts.push(t('accessPin'));
  if (share.seriesInstanceUIDs) parts.push(t('accessSeries', { count: share.seriesInstanceUIDs.length }));
  return parts.join(', ');
}
