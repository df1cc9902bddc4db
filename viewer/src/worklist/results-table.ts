import { formatDicomDate, formatDicomTime, translator } from '../i18n/i18n';
import type { StudySummary } from '../dicomweb/search';
import { worklistMessages, type WorklistKey } from './messages';
import type { SortColumn, WorklistSearch } from './worklist-search';

const t = translator(worklistMessages);

const COLUMNS: { column: SortColumn; label: WorklistKey; numeric?: boolean }[] = [
  { column: 'patientName', label: 'columnName' },
  { column: 'patientId', label: 'columnId' },
  { column: 'studyDate', label: 'columnDate' },
  { column: 'modalities', label: 'columnModality' },
  { column: 'studyDescription', label: 'columnDescription' },
  { column: 'accessionNumber', label: 'columnAccession' },
  { column: 'numberOfSeries', label: 'columnSeries', numeric: true },
  { column: 'numberOfInstances', label: 'columnInstances', numeric: true },
];

/**
 * The studies of one page as a table. Sorting orders the rows of the page shown (QIDO has no
 * sort parameter); one click on a row opens the study. Every value is set as text.
 */
export interface ResultsHandlers {
  onSort(column: SortColumn): void;
  /** A click or Enter on a row; rows of a remote archive's studies do not open. */
  onOpen?(study: StudySummary): void;
  /** A button at the end of each row (Send to…, Fetch). */
  rowAction?: { label: string; testid: string; run(study: StudySummary, button: HTMLButtonElement): void };
}

export function createResultsTable(studies: StudySummary[], sort: WorklistSearch['sort'], handlers: ResultsHandlers): HTMLTableElement {
  const table = document.createElement('table');
  table.className = 'worklist-table';
  table.dataset.testid = 'worklist-table';

  const headRow = document.createElement('tr');
  for (const { column, label, numeric } of COLUMNS) {
    const th = document.createElement('th');
    th.scope = 'col';
    if (numeric) th.className = 'num';
    th.setAttribute('aria-sort', sort.column === column ? (sort.descending ? 'descending' : 'ascending') : 'none');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = t(label);
    button.title = t('sortBy', { column: t(label) });
    button.dataset.testid = `sort-${column}`;
    button.addEventListener('click', () => handlers.onSort(column));
    th.append(button);
    headRow.append(th);
  }
  if (handlers.rowAction) headRow.append(document.createElement('th'));
  table.createTHead().append(headRow);

  const body = table.createTBody();
  for (const study of sortStudies(studies, sort)) {
    const row = body.insertRow();
    row.dataset.testid = 'study-row';
    row.dataset.studyInstanceUid = study.studyInstanceUid;
    const time = formatDicomTime(study.studyTime, false);
    const cells: [string, boolean?][] = [
      [study.patientName],
      [study.patientId],
      [[formatDicomDate(study.studyDate), time].filter(Boolean).join(' ')],
      [study.modalities.join(', ')],
      [study.studyDescription],
      [study.accessionNumber],
      [study.numberOfSeries === undefined ? '' : String(study.numberOfSeries), true],
      [study.numberOfInstances === undefined ? '' : String(study.numberOfInstances), true],
    ];
    cells.forEach(([text, numeric], n) => {
      const cell = row.insertCell();
      cell.textContent = text;
      cell.dataset.column = COLUMNS[n]?.column;
      // The column's name, shown before the value where the rows are cards (app.css, narrow screens).
      cell.dataset.label = t(COLUMNS[n]!.label);
      if (numeric) cell.className = 'num';
    });
    if (handlers.rowAction) {
      const { label, testid, run } = handlers.rowAction;
      const action = document.createElement('button');
      action.type = 'button';
      action.className = 'btn worklist-row-action';
      action.textContent = label;
      action.dataset.testid = testid;
      action.addEventListener('click', (event) => {
        event.stopPropagation();
        run(study, action);
      });
      action.addEventListener('keydown', (event) => event.stopPropagation());
      row.insertCell().append(action);
    }
    const open = handlers.onOpen;
    if (!open) continue;
    row.tabIndex = 0;
    row.title = t('openStudy', { name: study.patientName || study.patientId });
    row.addEventListener('click', () => open(study));
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') open(study);
    });
  }
  return table;
}

export function sortStudies(studies: StudySummary[], sort: WorklistSearch['sort']): StudySummary[] {
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  const key = (s: StudySummary): string | number => {
    const value = s[sort.column];
    if (Array.isArray(value)) return value.join(',');
    if (sort.column === 'studyDate') return `${s.studyDate}${s.studyTime}`;
    return value ?? -1;
  };
  const direction = sort.descending ? -1 : 1;
  return [...studies].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y));
    return order * direction;
  });
}
