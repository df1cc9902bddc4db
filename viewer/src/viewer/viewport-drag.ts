import cornerstone, { type Image, type Viewport } from 'cornerstone-core';
import type { DragTool } from './viewport-pane-types';

/** How a drag of (dx, dy) screen pixels changes the viewport for each tool. */
export function dragViewport(vp: Viewport, tool: DragTool, dx: number, dy: number, image: Image | undefined): void {
  if (tool === 'windowLevel') {
    // Sensitivity follows the image's value range, so 8-bit and 16-bit images feel alike; on colour
    // images the same window is cornerstone's per-channel LUT, i.e. contrast and brightness.
    const range = image ? Math.max(1, (image.maxPixelValue - image.minPixelValue) * image.slope) : 256;
    const perPixel = Math.max(range / 512, 0.25);
    vp.voi = { windowWidth: Math.max(1, vp.voi.windowWidth + dx * perPixel), windowCenter: vp.voi.windowCenter + dy * perPixel };
  } else if (tool === 'pan') {
    const moved = panTranslation(vp, dx, dy, image);
    vp.translation = { x: vp.translation.x + moved.x, y: vp.translation.y + moved.y };
  } else if (tool === 'zoom') {
    vp.scale = Math.min(40, Math.max(0.05, vp.scale * Math.exp(-dy / 200)));
  }
}

/**
 * The change of viewport.translation that moves the image by (dx, dy) on screen. cornerstone-core
 * 2.6 (internal/calculateTransform) applies the translation as R(θ)·S·R(−θ), S the scale with the
 * pixel aspect (non-square pixels, presentation size mode NONE), before the flips: so the inverse
 * is R(θ)·S⁻¹·R(−θ). Flips do not enter; rotation matters only when pixels are not square.
 */
export function panTranslation(
  vp: Pick<Viewport, 'scale' | 'rotation'>,
  dx: number,
  dy: number,
  image?: Pick<Image, 'rowPixelSpacing' | 'columnPixelSpacing'>,
): { x: number; y: number } {
  const row = image?.rowPixelSpacing || 1;
  const column = image?.columnPixelSpacing || 1;
  const sx = vp.scale * (row < column ? column / row : 1);
  const sy = vp.scale * (column < row ? row / column : 1);
  const angle = (vp.rotation * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // R(−θ)·d, then S⁻¹, then R(θ).
  const ux = (cos * dx + sin * dy) / sx;
  const uy = (-sin * dx + cos * dy) / sy;
  return { x: cos * ux - sin * uy, y: sin * ux + cos * uy };
}

/** Changes the viewport of a cornerstone element showing an image (keys, touch); nothing without an image. */
export function changeViewport(element: HTMLElement, change: (vp: Viewport) => void): void {
  const vp = cornerstone.getImage(element) ? cornerstone.getViewport(element) : undefined;
  if (!vp) return;
  change(vp);
  cornerstone.setViewport(element, vp);
}
