import type { TransferJob, TransferStatus } from '../../../shared/api/exchange';
import type { StudySummary } from '../dicomweb/search';
import { formatDicomDate, translator } from '../i18n/i18n';
import { formatInstant } from '../sharing/date-time';
import { element } from '../ui/element';
import { button } from '../ui/form-parts';
import { tableWithHead } from '../ui/table-with-head';
import { transferMessages, type TransferKey } from './messages';
import { progressFraction, progressText } from './transfer-progress';

const t = translator(transferMessages);

const STATUS_KEY: Record<TransferStatus, TransferKey> = {
  queued: 'statusQueued',
  running: 'statusRunning',
  done: 'statusDone',
  failed: 'statusFailed',
  cancelled: 'statusCancelled',
};

export interface TransferRowActions {
  onCancel(job: TransferJob): void;
  onRetry(job: TransferJob): void;
  onShowFailures(job: TransferJob): void;
}

/**
 * The jobs as a table, one row per job (`data-job-id`, `data-status`): where to or from, the
 * study (named from our own index when we hold it), status with the next attempt or last error,
 * a progress bar with images, bytes, rate and time left, and Retry / Cancel / Why?.
 */
export function createTransferTable(
  jobs: TransferJob[],
  studies: ReadonlyMap<string, StudySummary>,
  pausedPeers: ReadonlySet<string>,
  actions: TransferRowActions,
): HTMLTableElement {
  const keys: TransferKey[] = ['colDirection', 'colStudy', 'colStatus', 'colProgress', 'colRequestedBy', 'colActions'];
  const { table, body } = tableWithHead(
    'transfers-table',
    keys.map((key) => t(key)),
    'admin-table transfers-table',
  );
  for (const job of jobs) body.append(jobRow(job, studies.get(job.studyInstanceUID), pausedPeers.has(job.peerId), actions));
  return table;
}

function jobRow(job: TransferJob, study: StudySummary | undefined, peerPaused: boolean, actions: TransferRowActions): HTMLTableRowElement {
  const row = element('tr', { testid: 'transfer-row' });
  row.dataset.jobId = job.id;
  row.dataset.status = job.status;
  row.dataset.direction = job.direction;
  row.dataset.studyInstanceUid = job.studyInstanceUID;
  const cell = (testid: string, ...content: Array<string | Node>) => {
    const td = element('td', { testid }, ...content);
    row.append(td);
    return td;
  };

  cell(
    'transfer-peer',
    element('span', { className: 'transfer-direction', text: t(job.direction === 'send' ? 'directionSend' : 'directionFetch') }),
    ' ',
    element('strong', { text: job.peerName }),
  );

  const studyCell = cell('transfer-study');
  if (study) {
    studyCell.append(element('span', { text: study.patientName || study.patientId }));
    const about = [formatDicomDate(study.studyDate), study.modalities.join(', '), study.studyDescription].filter(Boolean).join(' · ');
    if (about) studyCell.append(element('span', { className: 'transfer-study-about', text: about }));
  } else {
    studyCell.append(element('span', { className: 'transfer-uid', text: job.studyInstanceUID }));
  }

  const status = cell(
    'transfer-status',
    element('span', { className: `transfer-status transfer-status-${job.status}`, text: t(STATUS_KEY[job.status]) }),
  );
  const notes: string[] = [];
  if (job.status === 'queued' && peerPaused) notes.push(t('peerPaused'));
  if (job.status === 'queued' && job.nextAttemptAt) notes.push(t('nextAttempt', { time: formatInstant(job.nextAttemptAt) }));
  if ((job.status === 'queued' || job.status === 'failed') && job.lastError) notes.push(job.lastError);
  if (notes.length > 0) status.append(element('span', { className: 'transfer-note', testid: 'transfer-note', text: notes.join(' · ') }));

  const bar = element('progress', { className: 'transfer-bar' });
  bar.max = 1;
  bar.value = progressFraction(job);
  cell(
    'transfer-progress',
    bar,
    element('span', { className: 'transfer-progress-text', testid: 'transfer-progress-text', text: progressText(job) }),
  );
  row.dataset.instancesDone = String(job.progress.instancesDone);
  row.dataset.instancesFailed = String(job.progress.instancesFailed);

  cell(
    'transfer-requested-by',
    job.requestedBy,
    element('span', { className: 'transfer-study-about', text: formatInstant(job.createdAt) }),
  );

  // A flex box inside the cell: a cell that is itself a flex box leaves the table's layout.
  const buttons = element('div', { className: 'admin-actions' });
  cell('transfer-actions', buttons);
  if (job.status === 'queued' || job.status === 'running') {
    const cancel = button(t('cancel'), 'transfer-cancel');
    cancel.addEventListener('click', () => actions.onCancel(job));
    buttons.append(cancel);
  }
  if (job.status === 'failed' || job.status === 'cancelled') {
    const retry = button(t('retry'), 'transfer-retry');
    retry.addEventListener('click', () => actions.onRetry(job));
    buttons.append(retry);
  }
  if (job.progress.instancesFailed > 0) {
    const why = button(t('showFailures'), 'transfer-why');
    why.addEventListener('click', () => actions.onShowFailures(job));
    buttons.append(why);
  }
  return row;
}
