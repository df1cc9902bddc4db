import { confirmAction } from '../ui/confirm-dialog';
import { element } from '../ui/element';
import { errorText } from '../ui/error-text';
import { formError, showFormError } from '../ui/form-parts';

export interface AdminList {
  /** What the last change did, announced politely (`admin-notice`). */
  notice: HTMLParagraphElement;
  /** What went wrong, in place (`admin-error`). */
  error: HTMLParagraphElement;
  /** Where the list is drawn. */
  tableWrap: HTMLDivElement;
  /** Draws the list again. */
  reload(): Promise<void>;
  /** Runs a change: its sentence in the notice or its refusal in the error line, then the list again. */
  attempt(work: () => Promise<string>): Promise<void>;
  /** The same, once the user confirmed `question` (an action that cannot be undone). */
  attemptConfirmed(question: string, confirmLabel: string, work: () => Promise<string>): Promise<void>;
}

/**
 * The list of an admin page (accounts, peers, routing rules) and the change made to it: `draw`
 * fetches and builds the list; the page's section carries `data-state` (loading | done | error)
 * and `data-loads` (lists drawn), for tests.
 */
export function adminList(section: HTMLElement, draw: () => Promise<Node>): AdminList {
  const notice = element('p', { className: 'form-notice', testid: 'admin-notice' });
  notice.setAttribute('aria-live', 'polite');
  const error = formError('admin-error');
  const tableWrap = element('div', { className: 'admin-table-wrap' });
  section.dataset.loads = '0';

  const reload = async () => {
    section.dataset.state = 'loading';
    try {
      tableWrap.replaceChildren(await draw());
      section.dataset.state = 'done';
    } catch (failure) {
      showFormError(error, errorText(failure));
      section.dataset.state = 'error';
    }
    section.dataset.loads = String(Number(section.dataset.loads) + 1);
  };

  const attempt = async (work: () => Promise<string>) => {
    showFormError(error, undefined);
    notice.textContent = '';
    try {
      notice.textContent = await work();
    } catch (failure) {
      showFormError(error, errorText(failure));
    }
    await reload();
  };

  return {
    notice,
    error,
    tableWrap,
    reload,
    attempt,
    attemptConfirmed: async (question, confirmLabel, work) => {
      if (await confirmAction(question, confirmLabel)) await attempt(work);
    },
  };
}
