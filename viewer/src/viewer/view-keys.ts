/**
 * Window, zoom and pan without a mouse: Shift+arrows change the window (←/→ width, ↑/↓ level),
 * + and − zoom, Ctrl+arrows move the image; and the preset menu's choices. They change the active
 * viewport through cornerstone's viewport, as a drag does (viewport-drag.ts).
 */
import cornerstone from 'cornerstone-core';
import type { WindowChoice } from './toolbar';
import { changeViewport, dragViewport } from './viewport-drag';
import type { ViewportPane } from './viewport-pane-types';

/** Screen pixels one key press stands for: a window step of ~1/50 of a 16-bit range, a 24 px move. */
const WINDOW_STEP_PX = 20;
const PAN_STEP_PX = 24;
const ZOOM_STEP = 1.2;

/** Sets a CT preset, or the window the image came with. */
export function applyWindow(pane: ViewportPane | undefined, choice: WindowChoice): void {
  if (!pane) return;
  if (choice !== 'default') return pane.setWindow(choice.width, choice.center);
  const image = cornerstone.getImage(pane.imageElement);
  if (!image) return;
  const { voi } = cornerstone.getDefaultViewportForImage(pane.imageElement, image);
  pane.setWindow(voi.windowWidth, voi.windowCenter);
}

const ARROWS: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/** Handles the key if it is one of these; true when it did (the caller then prevents its default). */
export function handleViewKey(event: KeyboardEvent, pane: ViewportPane | undefined): boolean {
  if (!pane || event.altKey || event.metaKey) return false;
  const arrow = ARROWS[event.key];
  const image = () => cornerstone.getImage(pane.imageElement);
  if (arrow && event.shiftKey && !event.ctrlKey) {
    // ↑ brightens (lower level) as dragging up does.
    changeViewport(pane.imageElement, (vp) =>
      dragViewport(vp, 'windowLevel', arrow[0] * WINDOW_STEP_PX, arrow[1] * WINDOW_STEP_PX, image()),
    );
  } else if (arrow && event.ctrlKey && !event.shiftKey) {
    changeViewport(pane.imageElement, (vp) => dragViewport(vp, 'pan', arrow[0] * PAN_STEP_PX, arrow[1] * PAN_STEP_PX, image()));
  } else if (!event.ctrlKey && (event.key === '+' || event.key === '=')) {
    changeViewport(pane.imageElement, (vp) => (vp.scale = Math.min(40, vp.scale * ZOOM_STEP)));
  } else if (!event.ctrlKey && (event.key === '-' || event.key === '_')) {
    changeViewport(pane.imageElement, (vp) => (vp.scale = Math.max(0.05, vp.scale / ZOOM_STEP)));
  } else return false;
  return true;
}
