/**
 * cornerstone-tools measurement tools (length, angle, Cobb angle, rectangle and elliptical ROI,
 * probe, arrow with text) on a cornerstone element. Window/level, pan, zoom and scrolling stay with the viewport's own handlers;
 * cornerstone-tools only draws and edits measurements.
 */
import cornerstone from 'cornerstone-core';
import cornerstoneMath from 'cornerstone-math';
import cornerstoneTools, { type MeasurementData } from 'cornerstone-tools';
import Hammer from 'hammerjs';
import {
  MEASUREMENT_COMPLETED,
  MEASUREMENT_MODIFIED,
  MEASUREMENT_REMOVED,
  MEASUREMENT_TOOLS,
  type Measurement,
  type MeasurementTool,
} from './measurement-tool-names';
import { localizeCanvasText } from './on-image-text';

const TOOL_CLASSES = {
  Length: cornerstoneTools.LengthTool,
  Angle: cornerstoneTools.AngleTool,
  CobbAngle: cornerstoneTools.CobbAngleTool,
  RectangleRoi: cornerstoneTools.RectangleRoiTool,
  EllipticalRoi: cornerstoneTools.EllipticalRoiTool,
  Probe: cornerstoneTools.ProbeTool,
  ArrowAnnotate: cornerstoneTools.ArrowAnnotateTool,
} as const;

/** Asks the user for an arrow's text (in the page, not window.prompt); undefined when cancelled. */
export type AskText = (element: HTMLElement, current?: string) => Promise<string | undefined>;

let initialised = false;

/** Once (load-measurement-tools.ts calls it): from then on cornerstone-tools attaches its mouse input when cornerstone enables an element. */
export function setUpMeasurementTools(): void {
  if (!initialised) {
    const { EVENTS } = cornerstoneTools;
    if (
      EVENTS.MEASUREMENT_COMPLETED !== MEASUREMENT_COMPLETED ||
      EVENTS.MEASUREMENT_MODIFIED !== MEASUREMENT_MODIFIED ||
      EVENTS.MEASUREMENT_REMOVED !== MEASUREMENT_REMOVED
    )
      throw new Error('cornerstone-tools renamed its measurement events: update measurement-tool-names.ts');
    cornerstoneTools.external.cornerstone = cornerstone;
    cornerstoneTools.external.cornerstoneMath = cornerstoneMath;
    cornerstoneTools.external.Hammer = Hammer;
    cornerstoneTools.init({ showSVGCursors: false, globalToolSyncEnabled: false });
    initialised = true;
  }
}

export function enableMeasurementTools(element: HTMLElement, askText: AskText): void {
  // Enabled before the tools were loaded: announce it to cornerstone-tools as cornerstone.enable would have.
  if (!cornerstoneTools.store.state.enabledElements.includes(element))
    cornerstone.events.dispatchEvent(
      new CustomEvent(cornerstone.EVENTS.ELEMENT_ENABLED, { detail: cornerstone.getEnabledElement(element) }),
    );
  const canvas = element.querySelector('canvas');
  if (canvas) localizeCanvasText(canvas);
  // cornerstone-tools removes an arrow whose text callback answers empty (allowEmptyLabel false): cancel = no arrow.
  const arrowText = {
    getTextCallback: (done: (text: string | undefined) => void) => void askText(element).then(done),
    changeTextCallback: (data: MeasurementData, _event: unknown, done: (text: string | undefined) => void) =>
      void askText(element, data.text).then((text) => done(text ?? data.text)),
  };
  for (const tool of MEASUREMENT_TOOLS) {
    cornerstoneTools.addToolForElement(element, TOOL_CLASSES[tool], tool === 'ArrowAnnotate' ? { configuration: arrowText } : undefined);
    cornerstoneTools.setToolPassiveForElement(element, tool);
  }
}

/** Makes `tool` draw with the left button; the others stay passive (shown, selectable, movable). */
export function setMeasurementTool(element: HTMLElement, tool: MeasurementTool | undefined): void {
  for (const name of MEASUREMENT_TOOLS) {
    if (name === tool) cornerstoneTools.setToolActiveForElement(element, name, { mouseButtonMask: 1 });
    else cornerstoneTools.setToolPassiveForElement(element, name);
  }
}

/** The measurements on the image the element shows now. */
export function measurementsOf(element: HTMLElement): Measurement[] {
  return MEASUREMENT_TOOLS.flatMap((tool) => (cornerstoneTools.getToolState(element, tool)?.data ?? []).map((data) => ({ tool, data })));
}

/** The measurement drawn near a point of the element's canvas (CSS pixels), as cornerstone-tools picks one to move. */
export function measurementNear(element: HTMLElement, point: { x: number; y: number }): Measurement | undefined {
  for (const m of measurementsOf(element)) {
    const tool = cornerstoneTools.getToolForElement(element, m.tool);
    if (tool?.pointNearTool(element, m.data, point, 'mouse')) return m;
  }
  return undefined;
}

export function removeMeasurement(element: HTMLElement, measurement: Measurement): void {
  cornerstoneTools.removeToolState(element, measurement.tool, measurement.data);
  cornerstone.updateImage(element);
}

/** The measurements kept for an image, whether or not a viewport shows it now. */
export function measurementsOfImage(imageId: string): Measurement[] {
  const state = cornerstoneTools.globalImageIdSpecificToolStateManager;
  return MEASUREMENT_TOOLS.flatMap((tool) => (state.getImageIdToolState(imageId, tool)?.data ?? []).map((data) => ({ tool, data })));
}

/** Every image with measurements kept for it, and those measurements. */
export function imagesWithMeasurements(): Array<{ imageId: string; measurements: Measurement[] }> {
  return Object.keys(cornerstoneTools.globalImageIdSpecificToolStateManager.saveToolState())
    .map((imageId) => ({ imageId, measurements: measurementsOfImage(imageId) }))
    .filter((image) => image.measurements.length > 0);
}

/** Adds a measurement to an image (drawn when a viewport shows it; the caller redraws one that does). */
export function addMeasurementToImage(imageId: string, measurement: Measurement): void {
  cornerstoneTools.globalImageIdSpecificToolStateManager.addImageIdToolState(imageId, measurement.tool, measurement.data);
}

/** Takes a measurement off an image without the removal event a user's delete fires. */
export function dropMeasurementFromImage(imageId: string, measurement: Measurement): void {
  const list = cornerstoneTools.globalImageIdSpecificToolStateManager.getImageIdToolState(imageId, measurement.tool)?.data;
  const at = list ? list.indexOf(measurement.data) : -1;
  if (list && at >= 0) list.splice(at, 1);
}
