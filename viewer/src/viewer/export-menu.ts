/**
 * The viewer's Download menu (issue 12 item 6). The study, or the series of the active viewport,
 * as one ZIP of its DICOM files: a plain link to the archive's ZIP download (`?accept=application/zip`,
 * CONFORMANCE "ZIP download"; the session cookie authenticates it, the archive audits it as a
 * download). The image of the active viewport as PNG or JPEG, with or without its annotations.
 * The menu is offered only when the session may download (a role with `download`, or a share
 * link that allows it): an exported image is patient data leaving the archive too.
 */
import { showError } from '../app/error-banner';
import { studyUrl, seriesUrl } from '../dicomweb/resource-urls';
import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { exportImage, saveBlob, type ImageFormat } from './export-image';
import { viewerMessages } from './messages';
import type { ViewportPane } from './viewport-pane-types';
import './export-menu.css';

const t = translator(viewerMessages);
const ZIP_QUERY = `?accept=${encodeURIComponent('application/zip')}`;

export interface ExportMenuOptions {
  studyUid: string;
  activePane(): ViewportPane | undefined;
  /** Told when the menu opens or closes (the toolbar button's aria-expanded). */
  onToggle(open: boolean): void;
}

export interface ExportMenu {
  element: HTMLElement;
  readonly isOpen: boolean;
  toggle(): void;
  close(): void;
}

export function createExportMenu(options: ExportMenuOptions): ExportMenu {
  const menu = element('div', { className: 'export-menu', testid: 'download-menu' });
  menu.setAttribute('role', 'menu');
  menu.setAttribute('aria-label', t('downloadMenu'));
  menu.hidden = true;

  const zipLink = (label: string, testid: string) => {
    const link = element('a', { testid, text: label });
    link.setAttribute('role', 'menuitem');
    // Empty: the archive's Content-Disposition names the file.
    link.download = '';
    link.addEventListener('click', () => close());
    menu.append(link);
    return link;
  };
  const studyZip = zipLink(t('downloadStudyZip'), 'download-study-zip');
  const seriesZip = zipLink(t('downloadSeriesZip'), 'download-series-zip');
  // A DICOM File-set (DICOMDIR and DICOM/P…/IM… files) to copy onto a CD or a USB stick.
  const studyFileSet = zipLink(t('downloadStudyFileSet'), 'download-study-dicomdir');
  studyZip.href = studyUrl(options.studyUid) + ZIP_QUERY;
  studyFileSet.href = `${studyUrl(options.studyUid)}${ZIP_QUERY}&dicomdir=true`;

  const imageItem = (label: string, testid: string, format: ImageFormat, annotated: boolean) => {
    const item = element('button', { testid, text: label });
    item.type = 'button';
    item.setAttribute('role', 'menuitem');
    item.addEventListener('click', () => {
      close();
      void saveImage(format, annotated);
    });
    menu.append(item);
  };
  imageItem(t('downloadPng'), 'download-png', 'png', true);
  imageItem(t('downloadPngPlain'), 'download-png-plain', 'png', false);
  imageItem(t('downloadJpeg'), 'download-jpeg', 'jpeg', true);
  imageItem(t('downloadJpegPlain'), 'download-jpeg-plain', 'jpeg', false);

  const saveImage = async (format: ImageFormat, annotated: boolean) => {
    const pane = options.activePane();
    const exported = pane ? await exportImage(pane.imageElement, pane.index, format, annotated) : undefined;
    if (!exported) {
      showError(t('downloadNoImage'));
      return;
    }
    saveBlob(exported.blob, exported.fileName);
  };

  const onOutside = (event: Event) => {
    const target = event.target as Node | null;
    if (target && !menu.contains(target) && !(target as HTMLElement).closest?.('[data-testid="download-button"]')) close();
  };
  // While the menu is open its keys are its own (the viewer's arrows would scroll the image).
  const onKey = (event: KeyboardEvent) => {
    const items = [...menu.querySelectorAll<HTMLElement>('[role="menuitem"]:not([hidden])')];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'Escape') {
      close();
      document.querySelector<HTMLElement>('[data-testid="download-button"]')?.focus();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const step = event.key === 'ArrowDown' ? 1 : -1;
      items[(at + step + items.length) % items.length]?.focus();
    } else return;
    event.preventDefault();
    event.stopPropagation();
  };
  const open = () => {
    const series = options.activePane()?.series;
    seriesZip.hidden = !series;
    if (series) seriesZip.href = seriesUrl(series.studyUid, series.seriesUid) + ZIP_QUERY;
    menu.hidden = false;
    document.addEventListener('pointerdown', onOutside, true);
    document.addEventListener('keydown', onKey, true);
    options.onToggle(true);
    menu.querySelector<HTMLElement>('[role="menuitem"]:not([hidden])')?.focus();
  };
  function close() {
    if (menu.hidden) return;
    menu.hidden = true;
    document.removeEventListener('pointerdown', onOutside, true);
    document.removeEventListener('keydown', onKey, true);
    options.onToggle(false);
  }

  return {
    element: menu,
    get isOpen() {
      return !menu.hidden;
    },
    toggle: () => (menu.hidden ? open() : close()),
    close,
  };
}
