/** A signed report's text as the viewer, the report page and the film sheet show it. */
import { REPORT_SECTIONS, type ReportSection, type ReportVersion } from '../../../shared/api/reports';
import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { reportMessages } from './messages';

const t = translator(reportMessages);

/** The printable report page of a study. */
export function reportPrintPath(studyUid: string): string {
  return `/report-print?StudyInstanceUIDs=${encodeURIComponent(studyUid)}`;
}

/** Each written section under its heading (in the UI language); the text as written, line breaks kept. */
export function reportSectionsView(version: ReportVersion, only?: readonly ReportSection[]): HTMLElement {
  const list = element('div', { className: 'report-sections' });
  for (const section of only ?? REPORT_SECTIONS) {
    const text = version.sections[section];
    if (!text) continue;
    const block = element(
      'section',
      { className: 'report-section', testid: `report-text-${section}` },
      element('h4', { text: t(section) }),
      element('p', { className: 'report-section-text', text }),
    );
    block.dataset.section = section;
    list.append(block);
  }
  return list;
}
