import type { Page } from '../app/page';
import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { errorText } from '../ui/error-text';
import { button, formError, showFormError } from '../ui/form-parts';
import { pageMessage } from '../ui/page-message';
import { AUDIT_PAGE_SIZE, auditCsvHref, searchAudit, type AuditFilter, type AuditRecord } from './admin-api';
import { adminSection } from './admin-shell';
import { createAuditFilters } from './audit-filters';
import { createAuditTable } from './audit-table';
import { adminMessages } from './messages';

const t = translator(adminMessages);

const FILTER_KEYS = ['user', 'patient', 'study', 'action', 'from', 'to'] as const;

/** The filters and offset kept in the page's own URL, so a reload or a shared link shows the same records. */
function filterOf(url: URL): { filter: AuditFilter; offset: number } {
  const filter: AuditFilter = {};
  for (const key of FILTER_KEYS) filter[key] = url.searchParams.get(key) || undefined;
  const offset = Number(url.searchParams.get('offset'));
  return { filter, offset: Number.isInteger(offset) && offset > 0 ? offset : 0 };
}

function urlOf(filter: AuditFilter, offset: number): string {
  const query = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filter[key]) query.set(key, filter[key]);
  if (offset > 0) query.set('offset', String(offset));
  const text = query.toString();
  return `/admin/audit${text ? `?${text}` : ''}`;
}

/**
 * The audit trail at `/admin/audit` (admins only): filters, one page of 100 records, paging, and
 * an Export CSV link with the same filters. The section carries `data-state` (loading | done |
 * error) and `data-searches` (searches finished) for tests.
 */
export const page: Page = {
  async mount(root, url) {
    const section = adminSection(root, '/admin/audit', 'audit');
    if (!section) return;
    let { filter, offset } = filterOf(url);
    section.dataset.searches = '0';
    const error = formError('audit-error');
    const status = element('div', { className: 'admin-status', testid: 'audit-status' });
    const exportLink = element('a', { className: 'btn admin-export', testid: 'audit-export', text: t('exportCsv') });
    exportLink.download = '';
    const tableWrap = element('div', { className: 'admin-table-wrap' });
    const previous = button(t('previous'), 'audit-previous');
    const next = button(t('next'), 'audit-next');

    const form = createAuditFilters(filter, {
      onSearch: () => void run(form.read(), 0),
      onClear: () => {
        form.element.reset();
        void run({}, 0);
      },
    });
    previous.addEventListener('click', () => void run(filter, Math.max(0, offset - AUDIT_PAGE_SIZE)));
    next.addEventListener('click', () => void run(filter, offset + AUDIT_PAGE_SIZE));
    section.append(
      element('h2', { text: t('auditTitle') }),
      form.element,
      error,
      element('div', { className: 'admin-bar' }, status, exportLink),
      tableWrap,
      element('div', { className: 'admin-pager' }, previous, next),
    );

    const draw = (records: AuditRecord[], total: number) => {
      tableWrap.replaceChildren();
      previous.disabled = offset === 0;
      next.disabled = offset + records.length >= total;
      if (records.length === 0) {
        tableWrap.append(pageMessage(t('noRecords'), 'audit-empty'));
        status.textContent = '';
        return;
      }
      status.textContent = t('recordsShown', { from: offset + 1, to: offset + records.length, total });
      tableWrap.append(createAuditTable(records));
    };

    let generation = 0;
    const run = async (nextFilter: AuditFilter, nextOffset: number) => {
      const mine = ++generation;
      filter = nextFilter;
      offset = nextOffset;
      history.replaceState(null, '', urlOf(filter, offset));
      exportLink.href = auditCsvHref(filter);
      section.dataset.state = 'loading';
      showFormError(error, undefined);
      try {
        const { total, records } = await searchAudit(filter, offset);
        if (mine !== generation) return;
        draw(records, total);
        section.dataset.state = 'done';
      } catch (failure) {
        if (mine !== generation) return;
        draw([], 0);
        showFormError(error, errorText(failure));
        section.dataset.state = 'error';
      }
      section.dataset.searches = String(Number(section.dataset.searches) + 1);
    };

    await run(filter, offset);
  },
};
