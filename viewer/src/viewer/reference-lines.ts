/**
 * Reference lines: the active viewport's current slice drawn as a line on every other viewport
 * whose image shares its frame of reference and is not parallel to it (e.g. an axial slice on a
 * sagittal localizer).
 */
import cornerstone from 'cornerstone-core';
import { referenceLine, type Segment } from '../geometry/reference-line';
import type { ViewportPane } from './viewport-pane-types';

export const REFERENCE_LINE_COLOUR = 'rgb(255, 210, 0)';

/** Gives each viewport the line of the active viewport's slice (none on the active one). */
export function updateReferenceLines(active: ViewportPane | undefined, panes: readonly ViewportPane[]): void {
  const source = active?.currentPlane();
  for (const pane of panes) {
    const target = pane === active ? undefined : pane.currentPlane();
    pane.setReferenceLine(source && target ? referenceLine(source, target) : undefined);
  }
}

/** Draws the line over the rendered image; `line` is in DICOM pixel coordinates (pixel centres at integers). */
export function drawReferenceLine(element: HTMLElement, canvas: HTMLCanvasElement, line: Segment): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  // Cornerstone's pixel coordinates put the centre of pixel (0, 0) at (0.5, 0.5).
  const start = cornerstone.pixelToCanvas(element, { x: line.start.x + 0.5, y: line.start.y + 0.5 });
  const end = cornerstone.pixelToCanvas(element, { x: line.end.x + 0.5, y: line.end.y + 0.5 });
  context.save();
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.strokeStyle = REFERENCE_LINE_COLOUR;
  context.lineWidth = 2;
  context.beginPath();
  context.moveTo(start.x, start.y);
  context.lineTo(end.x, end.y);
  context.stroke();
  context.restore();
}

export const sameLine = (a: Segment | undefined, b: Segment | undefined): boolean =>
  a === b ||
  (a !== undefined &&
    b !== undefined &&
    [a.start.x - b.start.x, a.start.y - b.start.y, a.end.x - b.end.x, a.end.y - b.end.y].every((d) => Math.abs(d) < 1e-3));
