/**
 * The names of the measurement tools and of their events, without cornerstone-tools itself: the
 * toolbar, the shared annotations and the panes name them before the tools are loaded
 * (load-measurement-tools.ts).
 */
import type { MeasurementData } from 'cornerstone-tools';

export const MEASUREMENT_TOOLS = ['Length', 'Angle', 'CobbAngle', 'RectangleRoi', 'EllipticalRoi', 'Probe', 'ArrowAnnotate'] as const;
export type MeasurementTool = (typeof MEASUREMENT_TOOLS)[number];

export function isMeasurementTool(name: string): name is MeasurementTool {
  return (MEASUREMENT_TOOLS as readonly string[]).includes(name);
}

export interface Measurement {
  tool: MeasurementTool;
  data: MeasurementData;
}

/** cornerstone-tools' EVENTS.MEASUREMENT_* (setUpMeasurementTools checks they still are). */
export const MEASUREMENT_COMPLETED = 'cornerstonetoolsmeasurementcompleted';
export const MEASUREMENT_MODIFIED = 'cornerstonetoolsmeasurementmodified';
export const MEASUREMENT_REMOVED = 'cornerstonetoolsmeasurementremoved';
export const MEASUREMENT_EVENTS = [MEASUREMENT_COMPLETED, MEASUREMENT_MODIFIED, MEASUREMENT_REMOVED];
