import type { Page } from '../app/page';
import { showErrorFor } from '../app/error-banner';
import { navigate, render } from '../app/router';
import { currentSession } from '../app/session';
import { searchForStudies, type StudyResults } from '../dicomweb/search';
import { translator } from '../i18n/i18n';
import { createConsultationList } from './consultation-list';
import { worklistMessages } from './messages';
import { createResultsTable } from './results-table';
import { createSearchForm, type SearchForm } from './search-form';
import { emptySearch, loadLastSearch, saveLastSearch, toStudyQuery, type SortColumn, type WorklistSearch } from './worklist-search';

const t = translator(worklistMessages);

/** What is typed but not yet searched, shown again after a re-mount (a language switch re-renders the page). */
let draft: WorklistSearch | undefined;
let controller: AbortController | undefined;

/**
 * The worklist at `/`: search bar, results of one page, pager. The element carries
 * `data-state` (loading | done | error) and `data-searches` (searches finished) for tests.
 */
export const page: Page = {
  async mount(root) {
    let search = loadLastSearch();
    let results: StudyResults | undefined;

    const container = document.createElement('section');
    container.className = 'worklist';
    container.dataset.testid = 'worklist';
    container.dataset.searches = '0';
    const status = document.createElement('div');
    status.className = 'worklist-status';
    status.dataset.testid = 'worklist-status';
    status.setAttribute('aria-live', 'polite');
    const tableWrap = document.createElement('div');
    tableWrap.className = 'worklist-table-wrap';
    const pager = document.createElement('div');
    pager.className = 'worklist-pager';
    const previous = pagerButton(t('previous'), 'worklist-previous');
    const next = pagerButton(t('next'), 'worklist-next');
    pager.append(previous, next);

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
    container.append(form.element, status, tableWrap, pager);
    if (currentSession()?.permissions.includes('share')) container.append(createConsultationList());
    root.append(container);

    const drawResults = () => {
      tableWrap.replaceChildren();
      previous.disabled = search.offset === 0;
      next.disabled = !results?.hasMore;
      pager.hidden = search.offset === 0 && !results?.hasMore;
      if (!results) return;
      if (results.studies.length === 0) {
        const empty = document.createElement('p');
        empty.className = 'worklist-empty';
        empty.dataset.testid = 'worklist-empty';
        empty.textContent = t('noStudies');
        tableWrap.append(empty);
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
          onOpen: (study) => navigate(`/viewer?StudyInstanceUIDs=${encodeURIComponent(study.studyInstanceUid)}`),
        }),
      );
    };

    const run = async (next: WorklistSearch) => {
      search = next;
      saveLastSearch(search);
      controller?.abort();
      const mine = (controller = new AbortController());
      container.dataset.state = 'loading';
      status.textContent = t('searching');
      try {
        results = await searchForStudies(toStudyQuery(search), mine.signal);
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

function pagerButton(text: string, testid: string): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'btn';
  button.textContent = text;
  button.dataset.testid = testid;
  return button;
}
