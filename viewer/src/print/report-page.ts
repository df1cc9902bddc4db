/**
 * The printable report at `/report-print?StudyInstanceUIDs=<uid>`: the study's header, the newest
 * signed report with its signature (an amendment says which version it replaces), and the QR
 * code of a share link to the images, printed through the browser (paper or PDF) with the film
 * sheet's print stylesheet.
 */
import type { Page } from '../app/page';
import { showError, showErrorFor } from '../app/error-banner';
import { translator } from '../i18n/i18n';
import { latestFinal, loadReport } from '../report/report-api';
import { reportSectionsView } from '../report/report-view';
import { formatInstant } from '../sharing/date-time';
import { element } from '../ui/element';
import { button } from '../ui/form-parts';
import { loadReportHeader, reportHeaderView } from './report-header';
import { reportPrintMessages } from './report-messages';
import { createShareQr } from './share-qr';
import './print.css';
import './report-page.css';

const t = translator(reportPrintMessages);
let generation = 0;

export const page: Page = {
  async mount(root, url) {
    const mine = ++generation;
    const studyUid = url.searchParams.get('StudyInstanceUIDs')?.split(',')[0]?.trim();
    const container = element('div', { className: 'print-page report-print-page', testid: 'report-print-view' });
    root.replaceChildren(container);
    if (!studyUid) return showError(t('noStudy'));

    const back = element('a', { testid: 'report-print-back', text: t('backToViewer') });
    back.href = `/viewer?StudyInstanceUIDs=${encodeURIComponent(studyUid)}`;
    const print = button(t('print'), 'report-print-button');
    print.addEventListener('click', () => window.print());
    const status = element('p', { className: 'print-status', text: t('loading') });
    container.append(element('div', { className: 'print-controls' }, back, print), status);

    let loaded;
    try {
      loaded = await Promise.all([loadReportHeader(studyUid), loadReport(studyUid)]);
    } catch (error) {
      status.remove();
      return showErrorFor(error);
    }
    if (mine !== generation) return;
    status.remove();
    const [header, report] = loaded;
    const final = latestFinal(report);
    const sheet = element('article', { className: 'report-sheet', testid: 'report-sheet' });
    if (header) sheet.append(reportHeaderView(header));
    sheet.append(element('h1', { className: 'report-sheet-title', text: t('reportTitle') }));
    if (!final) {
      sheet.append(element('p', { testid: 'report-print-empty', text: t('noReport') }));
    } else {
      sheet.dataset.version = String(final.version);
      sheet.append(reportSectionsView(final));
      if (final.predecessorSopInstanceUID) {
        const replaced = report.versions.find((v) => v.sopInstanceUID === final.predecessorSopInstanceUID);
        if (replaced) sheet.append(element('p', { className: 'report-sheet-note', text: t('amends', { version: replaced.version }) }));
      }
      sheet.append(
        element('p', {
          className: 'report-sheet-signature',
          testid: 'report-print-signature',
          text: `${t('signedBy', { name: final.signedBy ?? '', organization: final.organization ?? '', time: formatInstant(final.finalizedAt) })} · ${t('version', { version: final.version })}`,
        }),
      );
    }
    const qr = createShareQr(studyUid);
    if (qr) sheet.append(qr);
    container.append(sheet);
    container.dataset.state = 'done';
  },
  unmount() {
    generation++;
  },
};
