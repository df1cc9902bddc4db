import type { Page } from '../app/page';
import { currentSession } from '../app/session';
import { searchForStudiesByUid, type StudySummary } from '../dicomweb/search';
import { translator } from '../i18n/i18n';
import { confirmAction } from '../ui/confirm-dialog';
import { element } from '../ui/element';
import { errorText } from '../ui/error-text';
import { button, formError, showFormError } from '../ui/form-parts';
import { transferMessages, type TransferKey } from './messages';
import { createTransferTable } from './transfer-table';
import {
  cancelTransfer,
  listPeers,
  listTransfers,
  pausePeer,
  retryTransfer,
  transferFailures,
  type PeerSummary,
  type TransferInstanceFailure,
  type TransferJob,
} from './transfers-api';
import './transfers.css';

const t = translator(transferMessages);

type Filter = 'all' | 'active' | 'done' | 'failed';
const FILTERS: { filter: Filter; key: TransferKey }[] = [
  { filter: 'all', key: 'filterAll' },
  { filter: 'active', key: 'filterActive' },
  { filter: 'done', key: 'filterDone' },
  { filter: 'failed', key: 'filterFailed' },
];
const ACTIVE_POLL_MS = 1000;
const IDLE_POLL_MS = 5000;

let filter: Filter = 'all';
let timer: ReturnType<typeof setTimeout> | undefined;
/** Patient and study of each study UID we hold, looked up once. */
const studies = new Map<string, StudySummary>();
const notHeld = new Set<string>();
/** Jobs whose failed images are shown under their row, with the failures as last fetched (and how many there were). */
const expanded = new Map<string, { count: number; failures: TransferInstanceFailure[] }>();

/**
 * The transfers at `/transfers`: every send to and fetch from a peer archive, queued, running,
 * done and failed, with live progress (polled every second while one is active), Retry, Cancel
 * and the reasons of failed images; the peers with Pause / Resume for admins. The section
 * carries `data-state` and `data-loads` (lists drawn) for tests.
 */
export const page: Page = {
  async mount(root) {
    const section = element('section', { className: 'transfers-page', testid: 'transfers-page' });
    section.dataset.loads = '0';
    const error = formError('transfers-error');
    const peersBox = element('div', { className: 'transfers-peers', testid: 'transfers-peers' });
    const tableWrap = element('div', { className: 'admin-table-wrap' });
    const filters = element('div', { className: 'transfers-filters' });
    filters.setAttribute('role', 'group');
    for (const { filter: value, key } of FILTERS) {
      const choice = button(t(key), `transfers-filter-${value}`);
      choice.setAttribute('aria-pressed', String(value === filter));
      choice.addEventListener('click', () => {
        filter = value;
        for (const other of filters.querySelectorAll('button')) other.setAttribute('aria-pressed', String(other === choice));
        void load();
      });
      filters.append(choice);
    }
    section.append(element('h2', { text: t('title') }), peersBox, filters, error, tableWrap);
    root.append(section);
    const isAdmin = currentSession()?.permissions.includes('admin') ?? false;

    const load = async () => {
      clearTimeout(timer);
      section.dataset.state = 'loading';
      let jobs: TransferJob[];
      let peers: PeerSummary[];
      try {
        [jobs, peers] = await Promise.all([listTransfers(), listPeers()]);
        await nameStudies(jobs);
      } catch (failure) {
        showFormError(error, `${t('loadFailed')} ${errorText(failure)}`);
        section.dataset.state = 'error';
        timer = setTimeout(() => void load(), IDLE_POLL_MS);
        return;
      }
      if (!section.isConnected) return;
      showFormError(error, undefined);
      drawPeers(peersBox, peers, isAdmin, load);
      const shown = jobs.filter((job) => matches(job, filter));
      const paused = new Set(peers.filter((p) => p.pausedAt).map((p) => p.id));
      tableWrap.replaceChildren(
        shown.length === 0
          ? element('p', { className: 'worklist-empty', testid: 'transfers-empty', text: t('empty') })
          : createTransferTable(shown, studies, paused, {
              onCancel: (job) =>
                void confirmAction(t('cancelConfirm'), t('cancel')).then((yes) => (yes ? act(() => cancelTransfer(job.id)) : undefined)),
              onRetry: (job) => void act(() => retryTransfer(job.id)),
              onShowFailures: (job) => {
                if (expanded.has(job.id)) expanded.delete(job.id);
                else expanded.set(job.id, { count: -1, failures: [] });
                void load();
              },
            }),
      );
      await showExpandedFailures(tableWrap, shown);
      section.dataset.state = 'done';
      section.dataset.loads = String(Number(section.dataset.loads) + 1);
      const active = jobs.some((job) => job.status === 'queued' || job.status === 'running');
      timer = setTimeout(() => void load(), active ? ACTIVE_POLL_MS : IDLE_POLL_MS);
    };

    const act = async (work: () => Promise<unknown>) => {
      try {
        await work();
      } catch (failure) {
        showFormError(error, errorText(failure));
      }
      await load();
    };

    await load();
  },
  unmount() {
    clearTimeout(timer);
    timer = undefined;
  },
};

function matches(job: TransferJob, value: Filter): boolean {
  switch (value) {
    case 'active':
      return job.status === 'queued' || job.status === 'running';
    case 'done':
      return job.status === 'done';
    case 'failed':
      return job.status === 'failed' || job.status === 'cancelled';
    default:
      return true;
  }
}

async function nameStudies(jobs: TransferJob[]): Promise<void> {
  const unknown = [...new Set(jobs.map((job) => job.studyInstanceUID))].filter((uid) => !studies.has(uid) && !notHeld.has(uid));
  if (unknown.length === 0) return;
  for (const study of await searchForStudiesByUid(unknown.slice(0, 200))) studies.set(study.studyInstanceUid, study);
  // A fetched study is looked up again once it has arrived; one we send from is held already.
  for (const uid of unknown)
    if (!studies.has(uid) && jobs.every((job) => job.studyInstanceUID !== uid || job.status === 'done')) notHeld.add(uid);
}

function drawPeers(box: HTMLElement, peers: PeerSummary[], isAdmin: boolean, reload: () => Promise<void>): void {
  box.replaceChildren();
  if (peers.length === 0) {
    box.append(element('p', { className: 'transfer-note', testid: 'transfers-no-peers', text: t('noPeers') }));
    return;
  }
  box.append(element('h3', { text: t('peersTitle') }));
  const list = element('ul', { className: 'transfers-peer-list' });
  for (const peer of peers) {
    const item = element('li', { testid: 'transfers-peer' }, element('strong', { text: peer.name }), ' ');
    item.dataset.peerId = peer.id;
    item.dataset.paused = String(peer.pausedAt !== null);
    item.append(element('span', { className: 'transfers-peer-state', text: t(peer.pausedAt ? 'paused' : 'active') }));
    if (isAdmin) {
      const toggle = button(t(peer.pausedAt ? 'resume' : 'pause'), 'transfers-peer-toggle');
      toggle.addEventListener('click', () => {
        toggle.disabled = true;
        void pausePeer(peer.id, !peer.pausedAt).finally(() => void reload());
      });
      item.append(' ', toggle);
    }
    list.append(item);
  }
  box.append(list);
}

/** Under each expanded job's row, the reasons its images failed (fetched again only when their number changed). */
async function showExpandedFailures(tableWrap: HTMLElement, jobs: TransferJob[]): Promise<void> {
  for (const job of jobs) {
    const shown = expanded.get(job.id);
    const row = tableWrap.querySelector<HTMLTableRowElement>(`tr[data-job-id="${CSS.escape(job.id)}"]`);
    if (!shown || !row) continue;
    if (shown.count !== job.progress.instancesFailed) {
      expanded.set(job.id, { count: job.progress.instancesFailed, failures: await transferFailures(job.id) });
    }
    const { failures } = expanded.get(job.id)!;
    const cell = element('td', { testid: 'transfer-failures' });
    cell.colSpan = row.cells.length;
    if (failures.length === 0) cell.textContent = t('noFailures');
    else {
      const list = element('ul', { className: 'transfer-failures' });
      for (const failure of failures)
        list.append(element('li', {}, element('code', { text: failure.sopInstanceUID }), ` ${failure.reason}`));
      cell.append(list);
    }
    row.after(element('tr', { className: 'transfer-failures-row' }, cell));
  }
}
