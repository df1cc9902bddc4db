/**
 * POST /api/studies/{study}/measurement-report: the viewer's measurements of a study stored in it
 * as a DICOM TID 1500 measurement report (server/measurement-report, viewer/src/key-images).
 */

/** The cornerstone-tools tools dcmjs's TID 1500 adapter writes; a probe has no TID 300 form. */
export const REPORTED_TOOLS = ['Length', 'Angle', 'CobbAngle', 'RectangleRoi', 'EllipticalRoi', 'ArrowAnnotate'] as const;
export type ReportedTool = (typeof REPORTED_TOOLS)[number];

/** One measurement as cornerstone-tools measured it: handles in image pixels and its computed values. */
export interface ReportedMeasurement {
  seriesInstanceUID: string;
  sopInstanceUID: string;
  /** 1-based */
  frame: number;
  tool: ReportedTool;
  handles: Record<string, { x: number; y: number }>;
  /** Length, in mm */
  length?: number;
  /** Angle and Cobb angle, in degrees */
  rAngle?: number;
  /** An arrow's text */
  text?: string;
  /** ROI statistics: area in mm², the others in the image's units */
  cachedStats?: { area?: number; perimeter?: number; mean?: number; stdDev?: number; min?: number; max?: number };
}

export interface SavedMeasurementReport {
  sopInstanceUID: string;
  seriesInstanceUID: string;
  /** How many measurements it holds. */
  measurements: number;
}
