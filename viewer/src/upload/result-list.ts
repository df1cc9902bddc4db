/**
 * The per-file result table of an upload. Rows are appended as batches finish (a CD holds
 * thousands of files, so the table is never rebuilt). File names and the archive's reasons are
 * inserted as text only.
 */
import { describeError } from '../app/error-banner';
import { translator } from '../i18n/i18n';
import { uploadMessages } from './messages';
import type { UploadResult, UploadStatus } from './upload-session';

const t = translator(uploadMessages);

const STATUS_KEY = {
  stored: 'statusStored',
  duplicate: 'statusDuplicate',
  refused: 'statusRefused',
  'not-dicom': 'statusNotDicom',
  directory: 'statusDirectory',
  failed: 'statusFailed',
  cancelled: 'statusCancelled',
} as const satisfies Record<UploadStatus, keyof (typeof uploadMessages)['en']>;

export function statusLabel(status: UploadStatus): string {
  return t(STATUS_KEY[status]);
}

export interface ResultList {
  element: HTMLTableElement;
  /** Appends the rows of results not shown yet. */
  sync(results: readonly UploadResult[]): void;
}

export function createResultList(): ResultList {
  const table = document.createElement('table');
  table.className = 'upload-results';
  table.dataset.testid = 'upload-results';
  const head = table.createTHead().insertRow();
  for (const key of ['colFile', 'colStatus', 'colDetails'] as const) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = t(key);
    head.append(th);
  }
  const body = table.createTBody();
  return {
    element: table,
    sync(results) {
      for (let n = body.rows.length; n < results.length; n++) body.append(resultRow(results[n]!));
    },
  };
}

function resultRow(result: UploadResult): HTMLTableRowElement {
  const row = document.createElement('tr');
  row.className = `upload-result upload-result-${result.status}`;
  row.dataset.testid = 'upload-result';
  row.dataset.status = result.status;
  for (const text of [result.name, statusLabel(result.status), details(result)]) {
    row.insertCell().textContent = text;
  }
  return row;
}

function details(result: UploadResult): string {
  if (result.status === 'failed') return describeError(result.error);
  if (result.status !== 'refused') return '';
  const code =
    result.failureReason === undefined
      ? ''
      : ` (${t('failureCode', { code: result.failureReason.toString(16).toUpperCase().padStart(4, '0') })})`;
  return `${result.reason ?? t('noReason')}${code}`;
}
