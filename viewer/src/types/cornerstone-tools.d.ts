/** The parts of cornerstone-tools 6 this app uses (the package ships no type declarations). */
declare module 'cornerstone-tools' {
  export interface Handle {
    x: number;
    y: number;
  }
  export interface MeasurementData {
    visible?: boolean;
    handles: Record<string, Handle | unknown>;
    /** LengthTool: in mm when the image is calibrated, else in pixels */
    length?: number;
    /** AngleTool, CobbAngleTool: degrees */
    rAngle?: number;
    /** ROI tools: modality values; ProbeTool: `mo` (modality value) at x, y */
    cachedStats?: { area?: number; mean?: number; stdDev?: number; min?: number; max?: number; mo?: number; x?: number; y?: number };
    unit?: string;
    /** ArrowAnnotateTool */
    text?: string;
    /** Set to have cachedStats recomputed at the next render (e.g. the image's pixels changed). */
    invalidated?: boolean;
  }
  export interface ToolInstance {
    pointNearTool(element: HTMLElement, data: MeasurementData, coords: { x: number; y: number }, interactionType?: string): boolean;
  }
  export type ToolClass = abstract new (...args: never[]) => unknown;

  export const external: { cornerstone: unknown; cornerstoneMath: unknown; Hammer: unknown };
  export function init(configuration?: Record<string, unknown>): void;
  export function addToolForElement(element: HTMLElement, tool: ToolClass, configuration?: Record<string, unknown>): void;
  export function setToolActiveForElement(element: HTMLElement, toolName: string, options: { mouseButtonMask: number }): void;
  export function setToolPassiveForElement(element: HTMLElement, toolName: string): void;
  export function getToolState(element: HTMLElement, toolName: string): { data: MeasurementData[] } | undefined;
  export function removeToolState(element: HTMLElement, toolName: string, data: MeasurementData): void;
  export function getToolForElement(element: HTMLElement, toolName: string): ToolInstance | undefined;
  /** The default tool state: measurements kept per image id, shown on any element displaying that image. */
  export interface ImageIdToolStateManager {
    getImageIdToolState(imageId: string, toolName: string): { data: MeasurementData[] } | undefined;
    addImageIdToolState(imageId: string, toolName: string, data: MeasurementData): void;
    /** The whole state, by image id then tool name. */
    saveToolState(): Record<string, Record<string, { data: MeasurementData[] }>>;
  }
  export const globalImageIdSpecificToolStateManager: ImageIdToolStateManager;
  export const CobbAngleTool: ToolClass;
  export const ArrowAnnotateTool: ToolClass;
  export const LengthTool: ToolClass;
  export const AngleTool: ToolClass;
  export const RectangleRoiTool: ToolClass;
  export const EllipticalRoiTool: ToolClass;
  export const ProbeTool: ToolClass;
  /** The elements cornerstone-tools has taken on (on cornerstone's ELEMENT_ENABLED). */
  export const store: { state: { enabledElements: HTMLElement[] } };
  export const EVENTS: { MEASUREMENT_COMPLETED: string; MEASUREMENT_MODIFIED: string; MEASUREMENT_REMOVED: string; [name: string]: string };

  const cornerstoneTools: {
    external: typeof external;
    init: typeof init;
    addToolForElement: typeof addToolForElement;
    setToolActiveForElement: typeof setToolActiveForElement;
    setToolPassiveForElement: typeof setToolPassiveForElement;
    getToolState: typeof getToolState;
    removeToolState: typeof removeToolState;
    getToolForElement: typeof getToolForElement;
    globalImageIdSpecificToolStateManager: ImageIdToolStateManager;
    CobbAngleTool: ToolClass;
    ArrowAnnotateTool: ToolClass;
    LengthTool: ToolClass;
    AngleTool: ToolClass;
    RectangleRoiTool: ToolClass;
    EllipticalRoiTool: ToolClass;
    ProbeTool: ToolClass;
    EVENTS: typeof EVENTS;
    store: typeof store;
  };
  export default cornerstoneTools;
}
