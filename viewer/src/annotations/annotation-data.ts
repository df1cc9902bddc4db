/**
 * A measurement as the archive keeps it (`kind` + `data` of /api/studies/{study}/annotations):
 * the cornerstone-tools handles in image pixel coordinates (what their state holds, without the
 * hover and drag flags) and an arrow's text. Another viewer reads the same points on the same
 * image, keyed by Study / Series / SOP Instance UID and frame (STYLE 3.9).
 */
import type { MeasurementData } from 'cornerstone-tools';
import { isMeasurementTool, type Measurement, type MeasurementTool } from '../imaging/measurement-tool-names';

const KINDS: Record<MeasurementTool, string> = {
  Length: 'length',
  Angle: 'angle',
  CobbAngle: 'cobb-angle',
  RectangleRoi: 'rectangle-roi',
  EllipticalRoi: 'ellipse-roi',
  Probe: 'probe',
  ArrowAnnotate: 'arrow',
};

export interface StoredMeasurement {
  /** Per handle its numbers and flags (x, y, hasMoved…); a bare number for EllipticalRoi's initialRotation. */
  handles: Record<string, Record<string, number | boolean> | number>;
  text?: string;
}

/** State cornerstone-tools recomputes or sets while the pointer is on a handle: not part of the measurement. */
const TRANSIENT = new Set(['active', 'highlight', 'hover', 'moving', 'selected']);

export function kindOf(tool: MeasurementTool): string {
  return KINDS[tool];
}

export function toolOfKind(kind: string): MeasurementTool | undefined {
  const tool = (Object.keys(KINDS) as MeasurementTool[]).find((t) => KINDS[t] === kind);
  return tool && isMeasurementTool(tool) ? tool : undefined;
}

export function toStored(m: Measurement): StoredMeasurement {
  const handles: StoredMeasurement['handles'] = {};
  for (const [name, handle] of Object.entries(m.data.handles)) {
    if (typeof handle === 'number' && Number.isFinite(handle)) handles[name] = handle;
    if (handle === null || typeof handle !== 'object') continue;
    const kept: Record<string, number | boolean> = {};
    // A text box the user has not moved is placed by the tool at each draw, from the view.
    const placedByTool = name === 'textBox' && (handle as { hasMoved?: unknown }).hasMoved !== true;
    for (const [key, value] of Object.entries(handle)) {
      if (TRANSIENT.has(key) || (placedByTool && (key === 'x' || key === 'y'))) continue;
      if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) kept[key] = value;
    }
    handles[name] = kept;
  }
  const stored: StoredMeasurement = { handles };
  if (m.tool === 'ArrowAnnotate' && typeof m.data.text === 'string') stored.text = m.data.text;
  return stored;
}

/**
 * The cornerstone-tools data for a stored measurement, or undefined when it is not one this viewer
 * draws (another client's format): every point handle needs finite x and y.
 */
export function fromStored(tool: MeasurementTool, value: unknown): MeasurementData | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { handles, text } = value as { handles?: unknown; text?: unknown };
  if (handles === null || typeof handles !== 'object' || Array.isArray(handles)) return undefined;
  const restored: Record<string, unknown> = {};
  for (const [name, handle] of Object.entries(handles as Record<string, unknown>)) {
    if (typeof handle === 'number') {
      restored[name] = handle;
      continue;
    }
    if (handle === null || typeof handle !== 'object') return undefined;
    const h = handle as Record<string, unknown>;
    const point = name === 'textBox' || (Number.isFinite(h.x) && Number.isFinite(h.y));
    if (!point) return undefined;
    restored[name] = { ...h, active: false, highlight: true };
  }
  if (tool !== 'ArrowAnnotate' && (!restored.end || typeof restored.end !== 'object')) return undefined;
  if (tool === 'ArrowAnnotate' && typeof text !== 'string') return undefined;
  // invalidated: the tool computes the length, angle or statistics on its first draw.
  const data: MeasurementData & { active: boolean; invalidated: boolean; complete?: boolean } = {
    visible: true,
    active: false,
    invalidated: true,
    handles: restored,
  };
  if (tool === 'CobbAngle') data.complete = true;
  if (typeof text === 'string') data.text = text;
  return data;
}

/** Whether two stored forms are the same measurement (what decides if a change must be sent). */
export function sameStored(a: StoredMeasurement, b: StoredMeasurement): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
