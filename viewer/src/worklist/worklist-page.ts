import type { Page } from '../app/page';
import { showErrorFor } from '../app/error-banner';
import { navigate, render } from '../app/router';
import { currentSession } from '../app/session';
import { searchForStudies, type StudyResults, type StudySummary } from '../dicomweb/search';
import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { button } from '../ui/form-parts';
import { createConsultationList } from './consultation-list';
import { worklistMessages } from './messages';
import { createResultsTable } from './results-table';
import { createSearchForm, type SearchForm } from './search-form';
import { createArchivePicker, type SearchedArchive } from './archive-picker';
import { transferMessages } from '../transfers/messages';
import { createSendDialog } from '../transfers/send-dialog';
import { listPeers, requestTransfer, type PeerSummary } from '../transfers/transfers-api';
import { searchPeerStudies } from '../transfers/remote-studies';
import { emptySearch, loadLastSearch, saveLastSearch, toStudyQuery, type SortColumn, type WorklistSearch } from './worklist-search';

const t = translator(worklistMessages);
const tTransfer = translator(transferMessages);

/** What is typed but not yet searched, shown again after a re-mount (a language switch re-renders the page). */
let draft: WorklistSearch | undefined;
let controller: AbortController | undefined;
/** This archive, or the peer archive the Remote tab searches (kept across re-mounts). */
let archive: SearchedArchive = null;

/**
 * The worklist at `/`: search bar, results of one page, pager. The element carries
 * `data-state` (loading | done | error) and `data-searches` (searches finished) for tests.
 */
export const page: Page = {
  async mount(root) {
    let search = loadLastSearch();
    let results: StudyResults | undefined;

    const container = element('section', { className: 'worklist', testid: 'worklist' });
    container.dataset.searches = '0';
    const status = element('div', { className: 'worklist-status', testid: 'worklist-status' });
    status.setAttribute('aria-live', 'polite');
    const tableWrap = element('div', { className: 'worklist-table-wrap' });
    const previous = button(t('previous'), 'worklist-previous');
    const next = button(t('next'), 'worklist-next');
    const pager = element('div', { className: 'worklist-pager' }, previous, next);

    const form: SearchForm = createSearchForm(draft ?? search, {
      onSearch: () => {
        draft = undefined;
        void run({ ...search, ...form.read(), offset: 0 });
      },
      onClear: () => {
        draft = undefined;
        saveLastSearch(emptySearch());
        void render();
      },
      onChange: () => {
        draft = { ...search, ...form.read() };
      },
    });
    previous.addEventListener('click', () => void run({ ...search, offset: Math.max(0, search.offset - search.pageSize) }));
    next.addEventListener('click', () => void run({ ...search, offset: search.offset + search.pageSize }));
    const mayTransfer = currentSession()?.permissions.includes('transfer') ?? false;
    const peers: PeerSummary[] = mayTransfer ? await listPeers().catch(() => []) : [];
    if (archive && !peers.some((p) => p.id === archive!.peerId)) archive = null;
    if (peers.length > 0)
      container.append(
        createArchivePicker(peers, archive, (chosen) => {
          archive = chosen;
          draft = { ...search, ...form.read() };
          void render();
        }),
      );
    container.dataset.archive = archive ? 'remote' : 'local';
    container.append(form.element, status, tableWrap, pager);
    if (currentSession()?.permissions.includes('share')) container.append(createConsultationList());
    root.append(container);

    const remote = archive;
    /** Fetch (a remote study) or Send to… (one of ours), for accounts that may transfer. */
    const rowAction = !mayTransfer
      ? undefined
      : remote
        ? {
            label: tTransfer('fetch'),
            testid: 'study-fetch',
            run: (study: StudySummary, button: HTMLButtonElement) => {
              button.disabled = true;
              requestTransfer({ direction: 'fetch', peerId: remote.peerId, studyInstanceUID: study.studyInstanceUid })
                .then(() => {
                  const link = element('a', { testid: 'fetch-open-transfers', text: tTransfer('openTransfers') });
                  link.href = '/transfers';
                  status.replaceChildren(tTransfer('fetchQueued', { peer: remote.peerName }), ' ', link);
                })
                .catch((error: unknown) => {
                  button.disabled = false;
                  showErrorFor(error);
                });
            },
          }
        : peers.length > 0
          ? {
              label: tTransfer('sendTo'),
              testid: 'study-send',
              run: (study: StudySummary) => {
                const dialog = createSendDialog(study.studyInstanceUid);
                dialog.element.addEventListener('close', () => dialog.element.remove());
                container.append(dialog.element);
                dialog.open();
              },
            }
          : undefined;

    const drawResults = () => {
      tableWrap.replaceChildren();
      previous.disabled = search.offset === 0;
      next.disabled = !results?.hasMore;
      pager.hidden = search.offset === 0 && !results?.hasMore;
      if (!results) return;
      if (results.studies.length === 0) {
        tableWrap.append(element('p', { className: 'worklist-empty', testid: 'worklist-empty', text: t('noStudies') }));
        status.textContent = '';
        return;
      }
      const range = { from: search.offset + 1, to: search.offset + results.studies.length };
      status.textContent = t(results.hasMore ? 'shownMore' : 'shown', range);
      tableWrap.append(
        createResultsTable(results.studies, search.sort, {
          onSort: (column: SortColumn) => {
            const descending = search.sort.column === column ? !search.sort.descending : false;
            search = { ...search, sort: { column, descending } };
            saveLastSearch(search);
            drawResults();
          },
          ...(remote
            ? {}
            : { onOpen: (study: StudySummary) => navigate(`/viewer?StudyInstanceUIDs=${encodeURIComponent(study.studyInstanceUid)}`) }),
          ...(rowAction ? { rowAction } : {}),
        }),
      );
    };

    const run = async (next: WorklistSearch) => {
      search = next;
      saveLastSearch(search);
      controller?.abort();
      const mine = (controller = new AbortController());
      container.dataset.state = 'loading';
      status.textContent = remote ? t('remoteSearching', { peer: remote.peerName }) : t('searching');
      try {
        results = remote
          ? await searchPeerStudies(remote.peerId, toStudyQuery(search), mine.signal)
          : await searchForStudies(toStudyQuery(search), mine.signal);
      } catch (error) {
        if (mine.signal.aborted) return;
        results = undefined;
        drawResults();
        status.textContent = t('searchFailed');
        container.dataset.state = 'error';
        showErrorFor(error);
        return;
      } finally {
        if (!mine.signal.aborted) container.dataset.searches = String(Number(container.dataset.searches) + 1);
      }
      drawResults();
      container.dataset.state = 'done';
    };

    await run(search);
  },
  unmount() {
    controller?.abort();
    controller = undefined;
  },
};
