/**
 * One viewport: a cornerstone element showing a stack (a series' image ids), with stack scroll
 * (wheel, slider), mouse window/level, pan and zoom, view transforms, cine, corner overlays,
 * orientation markers, a reference line from another viewport, a selected measurement and a
 * message line. Its state is mirrored in data attributes for tests and styles.
 */
import cornerstone, { type ImageRenderedEventDetail, type Viewport } from 'cornerstone-core';
import type { MeasurementData } from 'cornerstone-tools';
import { isReadOnlyMeasurement } from '../annotations/measurement-owner';
import { imagePlaneOf, type ImagePlane } from '../geometry/image-plane';
import type { Segment } from '../geometry/reference-line';
import { translator } from '../i18n/i18n';
import { parseImageId } from '../imaging/image-ids';
import { setUpCornerstone } from '../imaging/cornerstone-setup';
import {
  loadedMeasurementTools,
  loadMeasurementTools,
  whenMeasurementToolsLoaded,
  type MeasurementTools,
} from '../imaging/load-measurement-tools';
import { isMeasurementTool, MEASUREMENT_COMPLETED, MEASUREMENT_EVENTS, type MeasurementTool } from '../imaging/measurement-tool-names';
import { qualityOf } from '../loading/image-quality';
import { stagedSeriesOf } from '../loading/staged-series';
import { viewerMessages } from './messages';
import { askText } from './annotation-input';
import { drawPreviewMarks } from './preview-marks';
import { createQualityBadge } from './quality-badge';
import { qualityMessages } from './quality-messages';
import { createOrientationMarkers } from './orientation-marker';
import { CORNERS, overlayLines, renderOverlay, type Corner } from './overlay';
import { drawReferenceLine, sameLine } from './reference-lines';
import { dragViewport } from './viewport-drag';
import { applyView, applyZoomAndPan, isFitted, viewOf, type PaneView } from './pane-view';
import { attachTouchGestures, createStackStepper } from './touch-gestures';
import { drawSelection } from './measurement-selection';
import type { SeriesModel } from './study-model';
import type { DragTool, ViewportPane } from './viewport-pane-types';

const t = translator(viewerMessages);
const tQuality = translator(qualityMessages);

export interface PaneOptions {
  onActivate(pane: ViewportPane): void;
  /** Called once the first image of a series is on screen (to start prefetching the rest). */
  onFirstImage(series: SeriesModel): void;
  /** The image shown or its measurements changed. */
  onChange(pane: ViewportPane): void;
  dragTool(): DragTool;
}

export function createViewportPane(index: number, options: PaneOptions): ViewportPane {
  setUpCornerstone();
  const root = document.createElement('div');
  root.className = 'viewport';
  root.dataset.testid = 'viewport';
  root.dataset.index = String(index);
  const imageElement = document.createElement('div');
  imageElement.className = 'viewport-image';
  imageElement.dataset.testid = 'viewport-image';
  const overlay = (corner: Corner) => {
    const el = document.createElement('div');
    el.className = `viewport-overlay ${corner}`;
    el.dataset.testid = `overlay-${corner}`;
    return el;
  };
  const overlays: Record<Corner, HTMLElement> = {
    'top-left': overlay('top-left'),
    'top-right': overlay('top-right'),
    'bottom-left': overlay('bottom-left'),
    'bottom-right': overlay('bottom-right'),
  };
  const message = document.createElement('div');
  message.className = 'viewport-message';
  message.dataset.testid = 'viewport-message';
  message.textContent = t('emptyViewport');
  const slider = document.createElement('input');
  slider.type = 'range';
  slider.className = 'viewport-slider';
  slider.dataset.testid = 'slice-slider';
  slider.min = '0';
  slider.max = '0';
  slider.value = '0';
  slider.setAttribute('aria-label', t('slice'));
  slider.hidden = true;
  const markers = createOrientationMarkers();
  const badge = createQualityBadge();
  root.append(imageElement, ...CORNERS.map((c) => overlays[c]), ...markers.elements, badge.element, message, slider);
  cornerstone.enable(imageElement);
  // The measurement tools come after the first image (load-measurement-tools.ts); until then no measurement exists.
  let tools: MeasurementTools | undefined;
  let destroyed = false;
  const attachTools = (loaded: MeasurementTools) => {
    if (tools || destroyed) return;
    tools = loaded;
    loaded.enableMeasurementTools(imageElement, (_element, current) => askText(root, current));
    loaded.setMeasurementTool(imageElement, isMeasurementTool(options.dragTool()) ? (options.dragTool() as MeasurementTool) : undefined);
    // After cornerstone-tools' own listener, so that a render's measurements are measured when the pane reports it.
    imageElement.removeEventListener(cornerstone.EVENTS.IMAGE_RENDERED, onRendered);
    imageElement.addEventListener(cornerstone.EVENTS.IMAGE_RENDERED, onRendered);
    if (cornerstone.getImage(imageElement)) cornerstone.updateImage(imageElement);
  };
  const requestTools = () => {
    if (!tools) void loadMeasurementTools();
  };
  const measurementsOf = (element: HTMLElement) => tools?.measurementsOf(element) ?? [];

  let series: SeriesModel | undefined;
  let current = 0;
  let request = 0;
  let freshSeries = true;
  /** The view the series' first image is shown in (show's `view`). */
  let startView: PaneView | undefined;
  let cineTimer: number | undefined;
  let renderCount = 0;
  let planes: (ImagePlane | undefined)[] = [];
  let referenceLine: Segment | undefined;
  let selected: MeasurementData | undefined;

  const viewport = (): Viewport | undefined => (cornerstone.getImage(imageElement) ? cornerstone.getViewport(imageElement) : undefined);

  const onRendered = (event: Event) => {
    const detail = (event as CustomEvent<ImageRenderedEventDetail>).detail;
    requestTools(); // the first image is on screen
    if (!series) return;
    const instance = series.instances[current];
    const vp = detail.viewport;
    root.dataset.sliceIndex = String(current);
    root.dataset.sliceCount = String(series.imageIds.length);
    root.dataset.windowWidth = String(Math.round(vp.voi.windowWidth * 100) / 100);
    root.dataset.windowCenter = String(Math.round(vp.voi.windowCenter * 100) / 100);
    root.dataset.scale = String(vp.scale);
    root.dataset.translation = `${Math.round(vp.translation.x * 100) / 100},${Math.round(vp.translation.y * 100) / 100}`;
    root.dataset.invert = String(vp.invert);
    root.dataset.rotation = String(vp.rotation);
    root.dataset.hflip = String(vp.hflip);
    root.dataset.vflip = String(vp.vflip);
    root.dataset.renderedImageId = detail.image.imageId;
    const quality = qualityOf(detail.image.imageId);
    root.dataset.quality = quality ?? '';
    badge.show(quality);
    root.dataset.renderCount = String(++renderCount);
    if (instance) {
      const frame = parseImageId(detail.image.imageId).frame;
      renderOverlay(overlays, overlayLines({ instance, frame, index: current, count: series.imageIds.length, viewport: vp }));
    }
    markers.update(planes[current], vp);
    if (referenceLine) drawReferenceLine(imageElement, detail.enabledElement.canvas, referenceLine);
    // The line on the canvas now (data-reference-line changes before cornerstone's next draw).
    root.dataset.referenceLineDrawn = root.dataset.referenceLine ?? '';
    if (quality === 'preview')
      drawPreviewMarks(imageElement, detail.enabledElement.canvas, measurementsOf(imageElement), tQuality('onPreview'));
    const chosen = selectedMeasurement();
    if (chosen) drawSelection(imageElement, detail.enabledElement.canvas, chosen);
    root.dataset.selectedMeasurement = chosen ? (measurementsOf(imageElement).find((m) => m.data === chosen)?.tool ?? '') : '';
    options.onChange(pane);
  };
  const selectedMeasurement = () => (selected && measurementsOf(imageElement).some((m) => m.data === selected) ? selected : undefined);
  const select = (data: MeasurementData | undefined) => {
    if (data === selected) return;
    selected = data;
    if (cornerstone.getImage(imageElement)) cornerstone.updateImage(imageElement);
  };
  const onMeasurement = (event: Event) => {
    // A measurement just drawn is the selected one, so Delete takes it away at once.
    if (event.type === MEASUREMENT_COMPLETED) select((event as CustomEvent<{ measurementData?: MeasurementData }>).detail.measurementData);
    options.onChange(pane);
  };
  imageElement.addEventListener(cornerstone.EVENTS.IMAGE_RENDERED, onRendered);
  for (const name of MEASUREMENT_EVENTS) imageElement.addEventListener(name, onMeasurement);
  const alreadyLoaded = loadedMeasurementTools();
  if (alreadyLoaded) attachTools(alreadyLoaded);
  else void whenMeasurementToolsLoaded().then(attachTools);

  async function display(index: number): Promise<void> {
    if (!series) return;
    const shown = series;
    const mine = ++request;
    current = Math.max(0, Math.min(index, shown.imageIds.length - 1));
    slider.value = String(current);
    const imageId = shown.imageIds[current];
    if (!imageId) return;
    // Over a slow link this slice is fetched next, ahead of the background loading.
    stagedSeriesOf(shown.seriesUid)?.focus(imageId);
    try {
      const image = await cornerstone.loadAndCacheImage(imageId);
      if (mine !== request || shown !== series) return;
      message.hidden = true;
      if (freshSeries) {
        freshSeries = false;
        // A view's zoom is relative to the fitted image: the canvas takes the pane's size first (a new pane has none yet).
        if (startView) cornerstone.resize(imageElement, true);
        const vp = cornerstone.getDefaultViewportForImage(imageElement, image);
        if (startView) applyView(vp, startView, imageElement, image);
        startView = undefined;
        cornerstone.displayImage(imageElement, image, vp);
        options.onFirstImage(shown);
      } else {
        // Keep the user's window, zoom and orientation while scrolling; an image's own window only for a new series.
        cornerstone.displayImage(imageElement, image, viewport());
      }
    } catch (error) {
      if (mine !== request) return;
      message.hidden = false;
      message.textContent = t('imageFailed', { message: error instanceof Error ? error.message : String(error) });
    }
  }

  function update(change: (vp: Viewport) => void): void {
    const vp = viewport();
    if (!vp) return;
    change(vp);
    cornerstone.setViewport(imageElement, vp);
  }

  // Mouse: left drag = the chosen tool, middle = pan, right = zoom; wheel = stack scroll.
  imageElement.addEventListener('contextmenu', (event) => event.preventDefault());
  imageElement.addEventListener('pointerdown', (event) => {
    pane.setActive(true);
    options.onActivate(pane);
    if (event.pointerType === 'touch') return; // touch-gestures.ts
    const tool: DragTool = event.button === 1 ? 'pan' : event.button === 2 ? 'zoom' : options.dragTool();
    if (event.button === 0) {
      const rect = imageElement.getBoundingClientRect();
      const near = tools?.measurementNear(imageElement, { x: event.clientX - rect.left, y: event.clientY - rect.top });
      select(near?.data);
      // Someone else's mark is not moved: without its mousedown cornerstone-tools does not start a drag.
      if (near && isReadOnlyMeasurement(near.data)) event.preventDefault();
      if (near) return; // cornerstone-tools moves it
    }
    if (isMeasurementTool(tool)) return; // cornerstone-tools draws it
    let lastX = event.clientX;
    let lastY = event.clientY;
    const scrollSteps = createStackStepper();
    imageElement.setPointerCapture(event.pointerId);
    const move = (e: PointerEvent) => {
      const dx = e.clientX - lastX;
      const dy = e.clientY - lastY;
      lastX = e.clientX;
      lastY = e.clientY;
      if (tool === 'scroll') pane.scroll(scrollSteps(dy));
      else update((vp) => dragViewport(vp, tool, dx, dy, cornerstone.getImage(imageElement)));
    };
    const up = () => {
      imageElement.removeEventListener('pointermove', move);
      imageElement.removeEventListener('pointerup', up);
      imageElement.removeEventListener('pointercancel', up);
    };
    imageElement.addEventListener('pointermove', move);
    imageElement.addEventListener('pointerup', up);
    imageElement.addEventListener('pointercancel', up);
    event.preventDefault();
  });
  imageElement.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      options.onActivate(pane);
      pane.scroll(event.deltaY > 0 ? 1 : event.deltaY < 0 ? -1 : 0);
    },
    { passive: false },
  );
  const detachTouch = attachTouchGestures({
    element: imageElement,
    dragTool: options.dragTool,
    scroll: (delta) => pane.scroll(delta),
    activate() {
      pane.setActive(true);
      options.onActivate(pane);
    },
  });
  slider.addEventListener('input', () => void display(Number(slider.value)));
  root.addEventListener('pointerdown', () => options.onActivate(pane));

  const pane: ViewportPane = {
    element: root,
    imageElement,
    get series() {
      return series;
    },
    get playing() {
      return cineTimer !== undefined;
    },
    get index() {
      return current;
    },
    get planes() {
      return planes;
    },
    currentPlane() {
      return planes[current];
    },
    setReferenceLine(line) {
      if (sameLine(line, referenceLine)) return;
      referenceLine = line;
      root.dataset.referenceLine = line ? [line.start.x, line.start.y, line.end.x, line.end.y].map((v) => v.toFixed(2)).join(',') : '';
      if (cornerstone.getImage(imageElement)) cornerstone.updateImage(imageElement);
    },
    selectedMeasurement,
    selectMeasurement: select,
    deleteSelectedMeasurement() {
      const chosen = selectedMeasurement();
      const measurement = chosen ? measurementsOf(imageElement).find((m) => m.data === chosen) : undefined;
      if (measurement && isReadOnlyMeasurement(measurement.data)) return false;
      selected = undefined;
      root.dataset.selectedMeasurement = '';
      if (!measurement) return false;
      tools?.removeMeasurement(imageElement, measurement);
      options.onChange(pane);
      return true;
    },
    async show(next, index = 0, view) {
      pane.stopCine();
      series = next;
      startView = view;
      planes = next.imageIds.map((imageId, i) => {
        const instance = next.instances[i];
        return instance ? imagePlaneOf(instance, parseImageId(imageId).frame) : undefined;
      });
      freshSeries = true;
      root.dataset.seriesUid = next.seriesUid;
      slider.max = String(Math.max(0, next.imageIds.length - 1));
      slider.hidden = next.imageIds.length < 2;
      await display(index);
    },
    scroll(delta) {
      if (series && delta !== 0) void display(current + delta);
    },
    setIndex(index) {
      void display(index);
    },
    setWindow(width, center) {
      update((vp) => {
        vp.voi = { windowWidth: width, windowCenter: center };
      });
    },
    toggleInvert() {
      update((vp) => {
        vp.invert = !vp.invert;
      });
    },
    rotate90() {
      update((vp) => {
        vp.rotation = (vp.rotation + 90) % 360;
      });
    },
    flip(direction) {
      update((vp) => {
        if (direction === 'h') vp.hflip = !vp.hflip;
        else vp.vflip = !vp.vflip;
      });
    },
    fit() {
      if (cornerstone.getImage(imageElement)) cornerstone.fitToWindow(imageElement);
    },
    reset() {
      if (cornerstone.getImage(imageElement)) cornerstone.reset(imageElement);
    },
    view() {
      const image = cornerstone.getImage(imageElement);
      const vp = viewport();
      return image && vp ? viewOf(imageElement, image, vp) : undefined;
    },
    resize() {
      // Fitted again to the new size, keeping the user's zoom (relative to the fit) and pan.
      const kept = pane.view();
      cornerstone.resize(imageElement, true);
      const image = cornerstone.getImage(imageElement);
      if (kept && image && !isFitted(kept)) update((vp) => applyZoomAndPan(vp, kept, imageElement, image));
    },
    setActive(active) {
      root.classList.toggle('active', active);
      root.dataset.active = String(active);
    },
    setMeasurementTool(tool) {
      if (tools) tools.setMeasurementTool(imageElement, tool);
      else if (tool) requestTools(); // set from options.dragTool() once loaded
    },
    playCine(fps) {
      pane.stopCine();
      if (!series || series.imageIds.length < 2) return;
      const interval = 1000 / Math.max(1, fps);
      // The next frame is due one interval after this one started, not after it was drawn: the
      // drawing time does not slow a 30 fps run down.
      const step = () => {
        if (!series) return;
        const started = performance.now();
        const count = series.imageIds.length;
        void display((current + 1) % count).then(() => {
          if (cineTimer !== undefined) cineTimer = window.setTimeout(step, Math.max(0, interval - (performance.now() - started)));
        });
      };
      cineTimer = window.setTimeout(step, interval);
      root.dataset.cine = 'playing';
      root.dataset.cineFps = String(fps);
    },
    stopCine() {
      if (cineTimer !== undefined) window.clearTimeout(cineTimer);
      cineTimer = undefined;
      root.dataset.cine = 'stopped';
    },
    destroy() {
      destroyed = true;
      detachTouch();
      pane.stopCine();
      request++;
      imageElement.removeEventListener(cornerstone.EVENTS.IMAGE_RENDERED, onRendered);
      for (const name of MEASUREMENT_EVENTS) imageElement.removeEventListener(name, onMeasurement);
      cornerstone.disable(imageElement);
      root.remove();
    },
  };
  return pane;
}
