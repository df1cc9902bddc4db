/**
 * The image viewer at `/viewer?StudyInstanceUIDs=<uid>[,<prior uid>…]` (OHIF's URL convention):
 * series browser, the patient's studies, a grid of viewports (1×1, 1×2, 2×1, 2×2) with the active
 * one highlighted, toolbar and keyboard shortcuts. The first image of a series is shown before the
 * rest is prefetched in the background. With a prior, the two hang side by side (hanging-rule.ts)
 * and scroll together; annotations are kept with the study of their image; key images, print,
 * share and export stay with the current (first) study.
 */
import { Tag } from '../../../shared/dicom/tags';
import { getString, type PersonName } from '../../../shared/dicom/dicom-json';
import type { Page } from '../app/page';
import { setTitleSubject } from '../app/document-title';
import { showError, showErrorFor } from '../app/error-banner';
import { navigate } from '../app/router';
import { currentSession } from '../app/session';
import { formatPersonName } from '../dicomweb/search';
import { translator } from '../i18n/i18n';
import { forgetInstances, instanceOf, parseImageId } from '../imaging/image-ids';
import { exposeCachedPixelsProbe } from '../loading/cached-pixels-probe';
import { forgetPreviews } from '../loading/image-quality';
import { JPEG_LS_LOSSLESS } from '../codecs/browser-syntaxes';
import { prepareDecoding } from '../codecs/decode-in-browser';
import { isFastLink, seedFromResourceTiming } from '../loading/link-estimate';
import { forgetSeriesBytes } from '../loading/series-bytes';
import { forgetUnstaged, stopAllStaging } from '../loading/staged-series';
import { isMeasurementTool } from '../imaging/measurement-tool-names';
import { createKeyImageMarks } from '../key-images/key-image-marks';
import { saveMeasurementReport } from '../key-images/measurement-report';
import { createSharedAnnotations } from '../annotations/shared-annotations';
import { createConsultationPanel } from '../consultation/consultation-panel';
import { createGuestBanner } from '../sharing/guest-banner';
import { createReportPanel } from '../report/report-panel';
import { mayReadReport, reportStudyOf } from '../report/report-study';
import { createSrView } from '../sr-view/sr-view';
import { createTagPanel } from '../tag-browser/tag-panel';
import { createPatientPanel } from '../priors/patient-panel';
import { patientIdentityOf } from '../priors/patient-studies';
import { DEFAULT_FPS, recordedFrameRate } from './cine-rate';
import { createExportMenu } from './export-menu';
import { createHelpPanel } from './help-panel';
import { createMeasurementList } from './measurement-list';
import { viewerMessages } from './messages';
import { updateReferenceLines } from './reference-lines';
import { createSeriesBrowser, SERIES_DRAG_TYPE, type SeriesBrowser } from './series-browser';
import { hangCurrentAndPrior } from './hanging-rule';
import { loadStudies, reloadStudySeries, type SeriesModel } from './study-model';
import { createStudyDialogs } from './study-dialogs';
import { createSyncScroll } from './sync-scroll';
import { createToolbar, type Layout } from './toolbar';
import { viewedStudyUids } from './early-study-data';
import { createSeriesLoading } from './series-loading';
import { createViewportPane } from './viewport-pane';
import { handleShortcut } from './viewer-shortcuts';
import { markFirstImageShown, resetFirstImageShown } from './first-image-shown';
import { defaultDragTool } from './touch-gestures';
import { applyWindow } from './view-keys';
import type { PaneView } from './pane-view';
import type { DragTool, ViewportPane } from './viewport-pane-types';
import './viewer.css';

const t = translator(viewerMessages);

/** The current study's series, slice and view the user was on when a prior was opened: the rebuilt viewer starts there. */
let keptSlice: { studyUid: string; seriesUid: string; index: number; view: PaneView | undefined } | undefined;

const PANES: Record<Layout, { rows: number; columns: number }> = {
  '1x1': { rows: 1, columns: 1 },
  '1x2': { rows: 1, columns: 2 },
  '2x1': { rows: 2, columns: 1 },
  '2x2': { rows: 2, columns: 2 },
};

let teardown: (() => void) | undefined;

export const page: Page = {
  async mount(root, url) {
    const studyUids = viewedStudyUids(url);
    const container = document.createElement('div');
    container.className = 'viewer-page';
    container.dataset.testid = 'viewer-page';
    root.replaceChildren(container);
    if (studyUids.length === 0) {
      showError(t('noStudy'));
      return;
    }
    // Over a slow link the first image comes as JPEG-LS: its decoder loads while the study's metadata does.
    seedFromResourceTiming();
    if (!isFastLink()) prepareDecoding(JPEG_LS_LOSSLESS);
    const status = document.createElement('p');
    status.className = 'viewer-status';
    status.textContent = t('loadingStudy');
    container.append(status);
    let series: SeriesModel[];
    try {
      series = await loadStudies(studyUids);
    } catch (error) {
      status.remove();
      showErrorFor(error);
      return;
    }
    status.remove();
    if (series.length === 0) {
      showError(t('studyEmpty'));
      return;
    }
    teardown = buildViewer(container, series, studyUids);
    setTitleSubject(patientOf(series));
    exposeCachedPixelsProbe();
  },
  unmount() {
    teardown?.();
    teardown = undefined;
    forgetInstances();
    stopAllStaging();
    forgetPreviews();
    forgetUnstaged();
    forgetSeriesBytes();
    resetFirstImageShown();
  },
};

/** "NGUYEN VAN A (12345)" from the study's first instance, for the tab title. */
function patientOf(series: SeriesModel[]): string {
  const instance = series.find((s) => s.instances.length > 0)?.instances[0];
  const name = formatPersonName(instance?.[Tag.PatientName]?.Value?.[0] as PersonName | undefined);
  const id = getString(instance, Tag.PatientID);
  return [name, id ? `(${id})` : ''].filter(Boolean).join(' ');
}

function buildViewer(container: HTMLElement, series: SeriesModel[], studyUids: readonly string[]): () => void {
  // A current study and a prior: 1×2, scrolling together from where they are hung; when the
  // prior was opened from the patient panel, the current series the user was on, at that slice.
  const kept = keptSlice;
  keptSlice = undefined;
  const current = series.filter((s) => s.studyUid === studyUids[0]);
  const keptSeries = current.find((s) => s.displayable && s.seriesUid === kept?.seriesUid && s.studyUid === kept.studyUid);
  let keptView = keptSeries && kept?.view;
  const hanging =
    studyUids.length > 1
      ? hangCurrentAndPrior(
          keptSeries ? [keptSeries] : current,
          series.filter((s) => s.studyUid === studyUids[1]),
        )
      : undefined;
  // Side by side; on a portrait screen (a phone) one above the other, the current on top.
  let layout: Layout = hanging ? (window.innerWidth < window.innerHeight ? '2x1' : '1x2') : '1x1';
  let tool: DragTool = defaultDragTool();
  let panes: ViewportPane[] = [];
  let active: ViewportPane | undefined;
  const sync = createSyncScroll();

  const grid = document.createElement('div');
  grid.className = 'viewport-grid';
  grid.dataset.testid = 'viewport-grid';
  const help = createHelpPanel();
  const measurementList = createMeasurementList();
  const srView = createSrView();
  // The tag browser follows the image on screen in the active viewport.
  const showTags = (pane: ViewportPane | undefined) => {
    const imageId = pane?.element.dataset.renderedImageId;
    const ref = imageId ? parseImageId(imageId) : undefined;
    tagPanel.show(ref ? instanceOf(ref.sopUid) : undefined, ref?.frame ?? 1);
  };
  const tagPanel = createTagPanel((open) => {
    toolbar.element.querySelector('[data-testid="tag-browser"]')?.setAttribute('aria-pressed', String(open));
    // Below the toolbar, whose height depends on how its buttons wrap.
    if (open) tagPanel.element.style.top = `${toolbar.element.offsetHeight + 4}px`;
    if (open) showTags(active);
  });

  let browser: SeriesBrowser | undefined;
  const seriesLoading = createSeriesLoading((seriesUid, progress) => browser?.setProgress(seriesUid, progress));
  const prefetch = (s: SeriesModel) => seriesLoading.start(s);
  // The cine rate field shows the active series' recorded rate until the user changes it or
  // another series becomes active.
  let fpsSeriesUid: string | undefined;
  const followRecordedRate = (pane: ViewportPane) => {
    const s = pane.series;
    if (!s || s.seriesUid === fpsSeriesUid) return;
    fpsSeriesUid = s.seriesUid;
    toolbar.setFps(recordedFrameRate(s.instances[0]) ?? DEFAULT_FPS);
  };
  const activate = (pane: ViewportPane) => {
    active = pane;
    followRecordedRate(pane);
    for (const p of panes) p.setActive(p === pane);
    updateReferenceLines(pane, panes);
    measurementList.show(pane);
    if (tagPanel.isOpen) showTags(pane);
  };
  const onChange = (pane: ViewportPane) => {
    markFirstImageShown(); // a pane has drawn an image
    // Only the viewport the user works in drives the others: their own renders do not echo back.
    if (pane === active) sync.follow(pane, panes);
    if (pane === active) followRecordedRate(pane);
    updateReferenceLines(active, panes);
    if (pane === active) measurementList.show(pane);
    if (pane === active && tagPanel.isOpen) showTags(pane);
    keyImages.refresh(pane);
  };
  const paneOptions = { onActivate: activate, onFirstImage: prefetch, onChange, dragTool: () => tool };
  const toggleSync = () => {
    sync.setEnabled(!sync.enabled, panes);
    toolbar.setSync(sync.enabled);
    if (active) sync.follow(active, panes);
  };

  const showInActive = (s: SeriesModel) => {
    const pane = active ?? panes[0];
    if (pane) void pane.show(s);
  };
  browser = createSeriesBrowser(series, showInActive, (s) => {
    srView.element.style.top = `${toolbar.element.offsetHeight + 4}px`;
    void srView.show(s.studyUid, s.seriesUid);
  });

  const setLayout = (next: Layout) => {
    layout = next;
    const { rows, columns } = PANES[next];
    const count = rows * columns;
    while (panes.length > count) panes.pop()?.destroy();
    const displayable = series.filter((s) => s.displayable);
    while (panes.length < count) {
      const pane = createViewportPane(panes.length, paneOptions);
      addDrop(pane);
      grid.append(pane.element);
      panes.push(pane);
      const hung = hanging && [hanging.left, hanging.right][panes.length - 1];
      const s = hung || displayable[(panes.length - 1) % Math.max(1, displayable.length)];
      // The kept series in the view it had, once.
      const view = s === keptSeries ? keptView : undefined;
      if (view) keptView = undefined;
      if (s) void pane.show(s, hanging && s === hanging.right ? hanging.rightStart : 0, view);
    }
    grid.style.gridTemplateRows = `repeat(${rows}, 1fr)`;
    grid.style.gridTemplateColumns = `repeat(${columns}, 1fr)`;
    grid.dataset.layout = next;
    toolbar.setLayout(next);
    if (!active || !panes.includes(active)) activate(panes[0]!);
    requestAnimationFrame(() => panes.forEach((p) => p.resize()));
  };

  const addDrop = (pane: ViewportPane) => {
    pane.element.addEventListener('dragover', (event) => {
      if (event.dataTransfer?.types.includes(SERIES_DRAG_TYPE)) event.preventDefault();
    });
    pane.element.addEventListener('drop', (event) => {
      const uid = event.dataTransfer?.getData(SERIES_DRAG_TYPE);
      const s = series.find((x) => x.seriesUid === uid);
      if (!s) return;
      event.preventDefault();
      activate(pane);
      void pane.show(s);
    });
  };

  const withActive = (action: (pane: ViewportPane) => void) => () => {
    if (active) action(active);
  };
  const toggleCine = () => {
    if (!active) return;
    if (active.playing) active.stopCine();
    else active.playCine(toolbar.fps());
    toolbar.setPlaying(active.playing);
  };
  const studyUid = studyUids[0] ?? '';
  const sharedAnnotations = createSharedAnnotations(studyUids, currentSession(), container);
  sharedAnnotations.attach(grid);
  void sharedAnnotations.load();
  const consultationId = currentSession()?.share?.consultationId;
  const dialogs = createStudyDialogs(studyUid, series, () => active?.series);
  // Images too: patient data leaves only where the role or the share allows download.
  const exportMenu = currentSession()?.permissions.includes('download')
    ? createExportMenu({
        studyUid,
        activePane: () => active,
        onToggle(open) {
          toolbar.element.querySelector('[data-testid="download-button"]')?.setAttribute('aria-expanded', String(open));
          if (open && exportMenu) exportMenu.element.style.top = `${toolbar.element.offsetHeight + 4}px`;
        },
      })
    : undefined;
  // A document stored from here (a signed report, a measurement report) is listed at once: the
  // study's series are asked for again, the ones on screen kept as they are.
  const reloadSeries = async (uid: string) => {
    try {
      const fresh = await reloadStudySeries(uid, series);
      series.splice(0, series.length, ...studyUids.flatMap((u) => (u === uid ? fresh : series.filter((s) => s.studyUid === u))));
      browser?.setSeries(series);
    } catch (error) {
      showErrorFor(error);
    }
  };
  const reportPanel = mayReadReport(currentSession())
    ? createReportPanel(reportStudyOf(studyUid, series), { onSigned: () => void reloadSeries(studyUid) })
    : undefined;
  const toolbar = createToolbar({
    layout: setLayout,
    tool(next) {
      tool = next;
      toolbar.setTool(next);
      for (const p of panes) p.setMeasurementTool(isMeasurementTool(next) ? next : undefined);
    },
    window: (choice) => applyWindow(active, choice),
    invert: withActive((p) => p.toggleInvert()),
    rotate: withActive((p) => p.rotate90()),
    flip: (direction) => active?.flip(direction),
    fit: withActive((p) => p.fit()),
    reset: withActive((p) => p.reset()),
    toggleSync,
    toggleCine,
    fps(fps) {
      if (active?.playing) active.playCine(fps);
    },
    help() {
      help.hidden = !help.hidden;
    },
    tags: () => tagPanel.toggle(),
    keyImage: withActive((p) => keyImages.toggle(p)),
    print: () => navigate(`/print?StudyInstanceUIDs=${encodeURIComponent(studyUid)}`),
    download: exportMenu && (() => exportMenu.toggle()),
    consult: dialogs.consult,
    share: dialogs.share,
    send: dialogs.send,
    report: reportPanel && (() => reportPanel.toggle()),
    measurementReport: currentSession()?.permissions.includes('annotate')
      ? () => void saveMeasurementReport(studyUid, container).then((saved) => (saved ? reloadSeries(studyUid) : undefined))
      : undefined,
  });
  const keyImages = createKeyImageMarks(studyUid, (count) => toolbar.setKeyImageCount(count), container);
  toolbar.setTool(tool);

  const side = document.createElement('nav');
  side.className = 'viewer-side';
  const sideTitle = document.createElement('h2');
  sideTitle.textContent = t('series');
  side.append(sideTitle, browser.element);
  // The patient's other studies, for staff (a share covers its own study only).
  const patientPanel = currentSession()?.share
    ? undefined
    : createPatientPanel(patientIdentityOf(series.find((s) => s.instances.length > 0)?.instances[0]), studyUids, (uid) => {
        const uids = [studyUids[0]!, uid, ...studyUids.slice(1).filter((u) => u !== uid)];
        const shown = active?.series;
        if (active && shown && shown.studyUid === studyUids[0])
          keptSlice = { studyUid: shown.studyUid, seriesUid: shown.seriesUid, index: active.index, view: active.view() };
        navigate(`/viewer?StudyInstanceUIDs=${uids.map(encodeURIComponent).join(',')}`);
      });
  if (patientPanel) side.append(patientPanel.element);
  side.append(measurementList.element);
  if (consultationId) side.insertBefore(createConsultationPanel(consultationId), sideTitle);
  const guestBanner = createGuestBanner(currentSession());
  if (guestBanner) side.prepend(guestBanner);
  const main = document.createElement('div');
  main.className = 'viewer-main';
  main.append(toolbar.element, grid, help, tagPanel.element, srView.element);
  if (exportMenu) main.append(exportMenu.element);
  main.append(...dialogs.elements);
  if (reportPanel) main.append(reportPanel.element);
  container.append(side, main);
  setLayout(layout);
  if (!series.some((s) => s.displayable)) markFirstImageShown(); // nothing to draw: nothing to wait for
  if (hanging) {
    // Linked where they are hung (the same end of both stacks), then the current goes back to the
    // slice it was on and the prior follows by the same distance.
    sync.setEnabled(true, panes);
    toolbar.setSync(true);
    if (keptSeries && kept && kept.index > 0) panes[0]?.setIndex(kept.index);
  }

  const onKey = (event: KeyboardEvent) => {
    const handled = handleShortcut(event, {
      activePane: () => active,
      closeOverlay() {
        if (!help.hidden) help.hidden = true;
        else if (tagPanel.isOpen) tagPanel.close();
        else if (srView.isOpen) srView.close();
        else return false;
        return true;
      },
      toggleCine,
      toggleHelp: () => (help.hidden = !help.hidden),
      toggleSync,
      toggleTags: () => tagPanel.toggle(),
      toggleKeyImage: (pane) => keyImages.toggle(pane),
    });
    if (handled) event.preventDefault();
  };
  const onResize = () => panes.forEach((p) => p.resize());
  document.addEventListener('keydown', onKey);
  window.addEventListener('resize', onResize);

  return () => {
    patientPanel?.close();
    sharedAnnotations.detach();
    exportMenu?.close();
    document.removeEventListener('keydown', onKey);
    window.removeEventListener('resize', onResize);
    seriesLoading.cancelAll();
    for (const p of panes) p.destroy();
    panes = [];
  };
}
