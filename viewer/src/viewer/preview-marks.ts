/** Over a preview, each measurement's value is approximate: a mark beside it on the canvas says so. */
import cornerstone from 'cornerstone-core';
import type { Measurement } from '../imaging/measurement-tool-names';

export function drawPreviewMarks(
  element: HTMLElement,
  canvas: HTMLCanvasElement,
  measurements: readonly Measurement[],
  label: string,
): void {
  const context = canvas.getContext('2d');
  if (!context || measurements.length === 0) return;
  context.save();
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.font = 'bold 13px sans-serif';
  context.fillStyle = '#f0b400';
  context.strokeStyle = '#000';
  context.lineWidth = 3;
  for (const m of measurements) {
    const points = Object.values(m.data.handles).filter(
      (h): h is { x: number; y: number } => typeof (h as { x?: unknown }).x === 'number' && typeof (h as { y?: unknown }).y === 'number',
    );
    const first = points[0];
    if (!first) continue;
    // Below the lowest handle, where cornerstone-tools does not put its own text.
    const lowest = points.reduce((a, b) => (b.y > a.y ? b : a), first);
    const at = cornerstone.pixelToCanvas(element, lowest);
    context.strokeText(`≈ ${label}`, at.x + 8, at.y + 18);
    context.fillText(`≈ ${label}`, at.x + 8, at.y + 18);
  }
  context.restore();
}
