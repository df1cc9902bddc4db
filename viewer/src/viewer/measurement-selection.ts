/** The selected measurement's mark on the viewport canvas. */
import cornerstone from 'cornerstone-core';
import type { MeasurementData } from 'cornerstone-tools';

/** Marks the handles of the selected measurement with rings over the rendered image. */
export function drawSelection(element: HTMLElement, canvas: HTMLCanvasElement, data: MeasurementData): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  context.save();
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.strokeStyle = 'rgb(0, 200, 255)';
  context.lineWidth = 2;
  for (const handle of Object.values(data.handles)) {
    const h = handle as { x?: unknown; y?: unknown };
    if (typeof h.x !== 'number' || typeof h.y !== 'number') continue;
    const at = cornerstone.pixelToCanvas(element, { x: h.x, y: h.y });
    context.beginPath();
    context.arc(at.x, at.y, 7, 0, 2 * Math.PI);
    context.stroke();
  }
  context.restore();
}
