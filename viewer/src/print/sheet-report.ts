/**
 * The report and QR code above the film pages of the print sheet: the study's newest signed
 * report (findings and impression, with who signed), and the QR share link block. Loads on its
 * own; a study without a signed report shows only the QR block.
 */
import { describeError } from '../app/error-banner';
import { translator } from '../i18n/i18n';
import { latestFinal, loadReport } from '../report/report-api';
import { reportSectionsView } from '../report/report-view';
import { formatInstant } from '../sharing/date-time';
import { element } from '../ui/element';
import { reportPrintMessages } from './report-messages';
import { loadReportHeader, reportHeaderView } from './report-header';
import { createShareQr } from './share-qr';
import './report-page.css';

const t = translator(reportPrintMessages);

export function createSheetReport(studyUid: string): HTMLElement {
  const block = element('section', { className: 'sheet-report report-sheet', testid: 'print-report' });
  block.dataset.state = 'loading';
  const qr = createShareQr(studyUid);
  if (qr) block.append(qr);
  Promise.all([loadReport(studyUid), loadReportHeader(studyUid)])
    .then(([report, header]) => {
      const final = latestFinal(report);
      if (!final) return;
      block.dataset.version = String(final.version);
      // Its own printed page: the patient is named on it too.
      block.prepend(
        ...(header ? [reportHeaderView(header)] : []),
        element('h2', { className: 'report-sheet-title', text: t('reportOnSheet') }),
        reportSectionsView(final, ['findings', 'impression']),
        element('p', {
          className: 'report-sheet-signature',
          testid: 'print-report-signature',
          text: t('signedBy', {
            name: final.signedBy ?? '',
            organization: final.organization ?? '',
            time: formatInstant(final.finalizedAt),
          }),
        }),
      );
    })
    .catch((error: unknown) => block.prepend(element('p', { className: 'form-error', text: describeError(error) })))
    .finally(() => (block.dataset.state = 'done'));
  return block;
}
