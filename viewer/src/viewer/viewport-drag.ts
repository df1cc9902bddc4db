import type { Image, Viewport } from 'cornerstone-core';
import type { DragTool } from './viewport-pane';

/** How a drag of (dx, dy) screen pixels changes the viewport for each tool. */
export function dragViewport(vp: Viewport, tool: DragTool, dx: number, dy: number, image: Image | undefined): void {
  if (tool === 'windowLevel') {
    // Sensitivity follows the image's value range, so 8-bit and 16-bit images feel alike.
    const range = image ? Math.max(1, (image.maxPixelValue - image.minPixelValue) * image.slope) : 256;
    const perPixel = Math.max(range / 512, 0.25);
    vp.voi = { windowWidth: Math.max(1, vp.voi.windowWidth + dx * perPixel), windowCenter: vp.voi.windowCenter + dy * perPixel };
  } else if (tool === 'pan') {
    vp.translation = { x: vp.translation.x + dx / vp.scale, y: vp.translation.y + dy / vp.scale };
  } else if (tool === 'zoom') {
    vp.scale = Math.min(40, Math.max(0.05, vp.scale * Math.exp(-dy / 200)));
  }
}

