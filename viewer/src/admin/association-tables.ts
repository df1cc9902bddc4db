import { displayLocale, translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { tableWithHead } from '../ui/table-with-head';
import { associationMessages, type AssociationKey } from './association-messages';
import type { ActiveAssociation, AssociationCounts, DimseService, EndedAssociation } from './remote-ae-api';

const t = translator(associationMessages);

/** The DIMSE services as a modality's settings name them, in every language. */
const SERVICE_NAMES: Record<DimseService, string> = { store: 'C-STORE', find: 'C-FIND', move: 'C-MOVE', get: 'C-GET' };

const ACTIVE_COLUMNS: AssociationKey[] = ['colCalling', 'colAddress', 'colStarted', 'colStored', 'colFailed', 'colRequests', 'colRunning'];
const RECENT_COLUMNS: AssociationKey[] = [
  'colCalling',
  'colAddress',
  'colStarted',
  'colEnded',
  'colOutcome',
  'colStored',
  'colFailed',
  'colRequests',
  'colReason',
];

/** The associations served now, oldest first (`association-row`, `data-calling-ae`): what each stored so far and runs now. */
export function createActiveAssociationTable(active: ActiveAssociation[]): HTMLElement {
  if (active.length === 0) return element('p', { className: 'form-notice', testid: 'associations-active-empty', text: t('noActive') });
  const { table, body } = tableWithHead(
    'associations-active',
    ACTIVE_COLUMNS.map((key) => t(key)),
  );
  const time = timeFormat();
  for (const association of active) {
    const row = associationRow(association);
    row.append(
      cell('started', time(association.startedAt)),
      cell('stored', String(association.stored)),
      cell('failed', String(association.failed)),
      cell('requests', requestsText(association)),
      cell('running', association.running.length > 0 ? association.running.map((s) => SERVICE_NAMES[s]).join(', ') : t('idle')),
    );
    body.append(row);
  }
  return table;
}

/**
 * The associations that ended, newest first (`association-row`, `data-outcome`): outcome in
 * words; the reason is the archive's own sentence, as recorded (like an audit record's detail).
 */
export function createRecentAssociationTable(recent: readonly EndedAssociation[]): HTMLElement {
  if (recent.length === 0) return element('p', { className: 'form-notice', testid: 'associations-recent-empty', text: t('noRecent') });
  const { table, body } = tableWithHead(
    'associations-recent',
    RECENT_COLUMNS.map((key) => t(key)),
  );
  const time = timeFormat();
  for (const association of recent) {
    const row = associationRow(association);
    row.dataset.outcome = association.outcome;
    row.append(
      cell('started', time(association.startedAt)),
      cell('ended', time(association.endedAt)),
      cell('outcome', t(`outcome-${association.outcome}`)),
      cell('stored', String(association.stored)),
      cell('failed', String(association.failed)),
      cell('requests', requestsText(association)),
      cell('detail', association.reason ?? ''),
    );
    body.append(row);
  }
  return table;
}

/** A row begun with the calling AE title and address, which anyone can send: set as text only. */
function associationRow(association: AssociationCounts): HTMLTableRowElement {
  const row = element('tr', { testid: 'association-row' });
  row.dataset.callingAe = association.callingAeTitle;
  row.append(cell('calling', association.callingAeTitle || '—'), cell('address', association.address));
  return row;
}

function cell(column: string, text: string): HTMLTableCellElement {
  const td = element('td', { testid: `association-cell-${column}`, text });
  td.dataset.column = column;
  return td;
}

/** "C-FIND 2, C-MOVE 1", or none. */
function requestsText({ requests }: AssociationCounts): string {
  const made = (['find', 'move', 'get'] as const).filter((service) => requests[service] > 0);
  return made.length > 0 ? made.map((service) => `${SERVICE_NAMES[service]} ${requests[service]}`).join(', ') : t('none');
}

function timeFormat(): (iso: string) => string {
  const format = new Intl.DateTimeFormat(displayLocale(), { dateStyle: 'short', timeStyle: 'medium' });
  return (iso) => {
    const time = Date.parse(iso);
    return Number.isNaN(time) ? iso : format.format(time);
  };
}
