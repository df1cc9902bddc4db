import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { errorText } from '../ui/error-text';
import { formError, showFormError } from '../ui/form-parts';
import { associationMessages } from './association-messages';
import { createActiveAssociationTable, createRecentAssociationTable } from './association-tables';
import { listAssociations } from './remote-ae-api';

const t = translator(associationMessages);

/** How often the tables are drawn again while the page is open. */
const POLL_MS = 2000;

export interface AssociationsPanel {
  element: HTMLElement;
  /** Draws the tables now, then every 2 s until `stop` or until the panel leaves the page. */
  start(): Promise<void>;
  stop(): void;
}

/**
 * The associations of the DICOM devices page: those served now and the last ones that ended,
 * from GET /api/dimse/associations. The panel (`associations`) carries `data-loads` (times
 * drawn), for tests.
 */
export function createAssociationsPanel(): AssociationsPanel {
  const panel = element('div', { className: 'associations', testid: 'associations' });
  panel.dataset.loads = '0';
  const error = formError('associations-error');
  const active = element('div', { className: 'admin-table-wrap' });
  const recent = element('div', { className: 'admin-table-wrap' });
  panel.append(element('h3', { text: t('activeTitle') }), error, active, element('h3', { text: t('recentTitle') }), recent);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const load = async () => {
    clearTimeout(timer);
    try {
      const associations = await listAssociations();
      if (stopped) return;
      showFormError(error, undefined);
      active.replaceChildren(createActiveAssociationTable(associations.active));
      recent.replaceChildren(createRecentAssociationTable(associations.recent));
      panel.dataset.loads = String(Number(panel.dataset.loads) + 1);
    } catch (failure) {
      showFormError(error, `${t('loadFailed')} ${errorText(failure)}`);
    }
    if (!stopped) timer = setTimeout(() => void (panel.isConnected ? load() : stop()), POLL_MS);
  };
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
  };
  return { element: panel, start: load, stop };
}
