/**
 * What a viewport shows of its image besides which image: window, invert, zoom, pan, rotation and
 * flips. Zoom is kept relative to the image fitted to the viewport, so a view carries over to a
 * viewport of another size (a new layout, the viewer rebuilt with a prior beside the current).
 */
import cornerstone, { type Image, type Viewport } from 'cornerstone-core';

export interface PaneView {
  voi: { windowWidth: number; windowCenter: number };
  invert: boolean;
  /** The scale over the scale that fits the image to the viewport (1: fitted). */
  zoom: number;
  /** The pan, in image pixels. */
  translation: { x: number; y: number };
  rotation: number;
  hflip: boolean;
  vflip: boolean;
}

/** The scale at which the image fits the element as it is now. */
function fittedScale(element: HTMLElement, image: Image): number {
  return cornerstone.getDefaultViewportForImage(element, image).scale;
}

export function viewOf(element: HTMLElement, image: Image, vp: Viewport): PaneView {
  const zoom = vp.scale / fittedScale(element, image);
  return {
    voi: { windowWidth: vp.voi.windowWidth, windowCenter: vp.voi.windowCenter },
    invert: vp.invert,
    zoom: Number.isFinite(zoom) && zoom > 0 ? zoom : 1,
    translation: { x: vp.translation.x, y: vp.translation.y },
    rotation: vp.rotation,
    hflip: vp.hflip,
    vflip: vp.vflip,
  };
}

/** Whether the view is the fitted, unpanned image (which a resize fits again anyway). */
export function isFitted(view: PaneView): boolean {
  return Math.abs(view.zoom - 1) < 1e-6 && view.translation.x === 0 && view.translation.y === 0;
}

/** Sets `vp` (of `image` in `element`) to the view: zoom relative to the element's fitted scale now. */
export function applyView(vp: Viewport, view: PaneView, element: HTMLElement, image: Image): void {
  vp.voi = { ...view.voi };
  vp.invert = view.invert;
  vp.scale = fittedScale(element, image) * view.zoom;
  vp.translation = { ...view.translation };
  vp.rotation = view.rotation;
  vp.hflip = view.hflip;
  vp.vflip = view.vflip;
}

/** Only the zoom and the pan: what fitting the image to a new size undoes. */
export function applyZoomAndPan(vp: Viewport, view: PaneView, element: HTMLElement, image: Image): void {
  vp.scale = fittedScale(element, image) * view.zoom;
  vp.translation = { ...view.translation };
}
