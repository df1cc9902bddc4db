/**
 * Touch on a viewport (phone, tablet), with Pointer Events: one finger drags the chosen tool
 * (stack scroll by default on a touch screen), two fingers pinch to zoom and drag to pan at once,
 * and a long press followed by a drag draws a length measurement.
 *
 * Written here rather than with cornerstone-tools' touch tools (StackScrollMultiTouch,
 * ZoomTouchPinch, PanMultiTouch): those act on cornerstone-tools' own stack state and Hammer
 * recognisers, while our panes keep the stack themselves (viewport-pane.ts loads and displays
 * each slice, staged over slow links) and the tools are loaded lazily after the first image; a
 * stack-scroll tool would not see our stack, and pinch and pan would start only once the
 * measurement chunk arrived. The pane's mouse drags ignore touch pointers.
 */
import cornerstone from 'cornerstone-core';
import type { MeasurementData } from 'cornerstone-tools';
import { loadedMeasurementTools } from '../imaging/load-measurement-tools';
import { isMeasurementTool, MEASUREMENT_COMPLETED } from '../imaging/measurement-tool-names';
import { changeViewport, dragViewport, panTranslation } from './viewport-drag';
import type { DragTool } from './viewport-pane-types';

/** Finger travel per slice when swiping through a stack. */
export const SCROLL_STEP_PX = 12;
const LONG_PRESS_MS = 500;
/** A finger that moves less than this is still "holding still" (for the long press). */
const SLOP_PX = 8;

/** The drag tool a viewer starts with: stack scroll where the main pointer is a finger. */
export function defaultDragTool(): DragTool {
  return window.matchMedia('(pointer: coarse)').matches ? 'scroll' : 'windowLevel';
}

/** Turns drag distances into whole slice steps, keeping the remainder for the next move. */
export function createStackStepper(stepPx = SCROLL_STEP_PX): (dy: number) => number {
  let rest = 0;
  return (dy) => {
    rest += dy;
    const steps = Math.trunc(rest / stepPx);
    rest -= steps * stepPx;
    return steps;
  };
}

export interface TouchTarget {
  /** The cornerstone element. */
  element: HTMLElement;
  dragTool(): DragTool;
  scroll(delta: number): void;
  activate(): void;
}

interface Point {
  x: number;
  y: number;
}

const distance = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);
const middle = (a: Point, b: Point) => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });

/** Listens for touch pointers on the element; returns the function that stops listening. */
export function attachTouchGestures(target: TouchTarget): () => void {
  const { element } = target;
  const fingers = new Map<number, Point>();
  let mode: 'none' | 'drag' | 'pinch' | 'measure' | 'done' = 'none';
  let start: Point = { x: 0, y: 0 };
  let last: Point = { x: 0, y: 0 };
  // The pinch as it started: the view is set from it and where the fingers are now, so the
  // order in which the two fingers' moves arrive does not matter.
  let pinch = { distance: 1, middle: { x: 0, y: 0 }, scale: 1, translation: { x: 0, y: 0 } };
  let pressTimer: number | undefined;
  let measuring: MeasurementData | undefined;
  let step = createStackStepper();

  const cancelPress = () => {
    if (pressTimer !== undefined) window.clearTimeout(pressTimer);
    pressTimer = undefined;
  };
  const imagePoint = (p: Point) => cornerstone.pageToPixel(element, p.x + window.scrollX, p.y + window.scrollY);

  // A length from where the finger rests; its end follows the finger until it lifts.
  const startMeasure = () => {
    pressTimer = undefined;
    const tools = loadedMeasurementTools();
    const image = cornerstone.getImage(element);
    if (!tools || !image || mode !== 'drag' || fingers.size !== 1) return;
    const at = imagePoint(start);
    measuring = {
      visible: true,
      active: true,
      invalidated: true,
      handles: {
        start: { x: at.x, y: at.y, highlight: true, active: false },
        end: { x: at.x, y: at.y, highlight: true, active: true },
        textBox: {
          active: false,
          hasMoved: false,
          movesIndependently: false,
          drawnIndependently: true,
          allowedOutsideImage: true,
          hasBoundingBox: true,
        },
      },
    } as unknown as MeasurementData;
    tools.addMeasurementToImage(image.imageId, { tool: 'Length', data: measuring });
    mode = 'measure';
    element.dataset.touchMeasuring = 'true';
    cornerstone.updateImage(element);
  };
  const moveMeasure = (p: Point) => {
    if (!measuring) return;
    const at = imagePoint(p);
    const end = (measuring.handles as Record<string, Point>).end!;
    end.x = at.x;
    end.y = at.y;
    (measuring as { invalidated?: boolean }).invalidated = true;
    cornerstone.updateImage(element);
  };
  const finishMeasure = () => {
    const data = measuring;
    measuring = undefined;
    delete element.dataset.touchMeasuring;
    if (!data) return;
    (data as { active?: boolean }).active = false;
    // As cornerstone-tools announces a drawn measurement: the pane selects it, shared annotations save it.
    element.dispatchEvent(
      new CustomEvent(MEASUREMENT_COMPLETED, { detail: { toolName: 'Length', toolType: 'Length', measurementData: data } }),
    );
    cornerstone.updateImage(element);
  };

  const onDown = (event: PointerEvent) => {
    if (event.pointerType !== 'touch') return;
    event.preventDefault();
    target.activate();
    element.setPointerCapture(event.pointerId);
    const p = { x: event.clientX, y: event.clientY };
    fingers.set(event.pointerId, p);
    if (fingers.size === 1) {
      const box = element.getBoundingClientRect();
      // A finger on a measurement moves it, and a chosen measurement tool draws: cornerstone-tools' own touch input.
      const near = loadedMeasurementTools()?.measurementNear(element, { x: p.x - box.left, y: p.y - box.top });
      const measuring = isMeasurementTool(target.dragTool());
      mode = near ? 'done' : 'drag';
      start = p;
      last = p;
      step = createStackStepper();
      cancelPress();
      if (!near && !measuring) pressTimer = window.setTimeout(startMeasure, LONG_PRESS_MS);
    } else if (fingers.size === 2 && mode !== 'measure') {
      cancelPress();
      const [a, b] = [...fingers.values()] as [Point, Point];
      const vp = cornerstone.getImage(element) ? cornerstone.getViewport(element) : undefined;
      mode = 'pinch';
      pinch = {
        distance: Math.max(1, distance(a, b)),
        middle: middle(a, b),
        scale: vp?.scale ?? 1,
        translation: { ...(vp?.translation ?? { x: 0, y: 0 }) },
      };
    }
  };
  const onMove = (event: PointerEvent) => {
    if (event.pointerType !== 'touch' || !fingers.has(event.pointerId)) return;
    const p = { x: event.clientX, y: event.clientY };
    fingers.set(event.pointerId, p);
    if (mode === 'measure') return moveMeasure(p);
    if (mode === 'drag') {
      if (pressTimer !== undefined && distance(p, start) < SLOP_PX) return;
      cancelPress();
      const dx = p.x - last.x;
      const dy = p.y - last.y;
      last = p;
      const tool = target.dragTool();
      // A finger moving up brings the next image, as a page follows the finger.
      if (tool === 'scroll') {
        const steps = step(-dy);
        if (steps) target.scroll(steps);
      } else if (!isMeasurementTool(tool)) changeViewport(element, (vp) => dragViewport(vp, tool, dx, dy, cornerstone.getImage(element)));
    } else if (mode === 'pinch' && fingers.size >= 2) {
      const [a, b] = [...fingers.values()] as [Point, Point];
      const now = middle(a, b);
      const box = element.getBoundingClientRect();
      const centre = { x: box.left + box.width / 2, y: box.top + box.height / 2 };
      changeViewport(element, (vp) => {
        const image = cornerstone.getImage(element);
        const before = panTranslation(
          { scale: pinch.scale, rotation: vp.rotation },
          pinch.middle.x - centre.x,
          pinch.middle.y - centre.y,
          image,
        );
        vp.scale = Math.min(40, Math.max(0.05, (pinch.scale * Math.max(1, distance(a, b))) / pinch.distance));
        // The image point that was between the fingers stays between them.
        const after = panTranslation(vp, now.x - centre.x, now.y - centre.y, image);
        vp.translation = { x: pinch.translation.x + after.x - before.x, y: pinch.translation.y + after.y - before.y };
      });
    }
  };
  const onUp = (event: PointerEvent) => {
    if (event.pointerType !== 'touch' || !fingers.delete(event.pointerId)) return;
    cancelPress();
    if (mode === 'measure') finishMeasure();
    // The finger left after a pinch does not start a drag.
    mode = fingers.size === 0 ? 'none' : 'done';
  };

  element.addEventListener('pointerdown', onDown);
  element.addEventListener('pointermove', onMove);
  element.addEventListener('pointerup', onUp);
  element.addEventListener('pointercancel', onUp);
  return () => {
    cancelPress();
    element.removeEventListener('pointerdown', onDown);
    element.removeEventListener('pointermove', onMove);
    element.removeEventListener('pointerup', onUp);
    element.removeEventListener('pointercancel', onUp);
  };
}
