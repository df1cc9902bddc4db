import type { MeasurementData } from 'cornerstone-tools';
import type { ImagePlane } from '../geometry/image-plane';
import type { Segment } from '../geometry/reference-line';
import type { MeasurementTool } from '../imaging/measurement-tool-names';
import type { PaneView } from './pane-view';
import type { SeriesModel } from './study-model';

/** 'scroll': a drag moves through the stack (the default on a touch screen, touch-gestures.ts). */
export type DragTool = 'scroll' | 'windowLevel' | 'pan' | 'zoom' | MeasurementTool;

export interface ViewportPane {
  readonly element: HTMLElement;
  /** The cornerstone element (measurements live on it). */
  readonly imageElement: HTMLElement;
  readonly series: SeriesModel | undefined;
  /** Index of the image shown (or being loaded) in the series' imageIds. */
  readonly index: number;
  /** The plane of each image of the series (same index as imageIds); undefined without geometry. */
  readonly planes: readonly (ImagePlane | undefined)[];
  currentPlane(): ImagePlane | undefined;
  /** The reference line to draw over the image, in its DICOM pixel coordinates (undefined: none). */
  setReferenceLine(line: Segment | undefined): void;
  /** The selected measurement of the image shown (its handles are ringed; Delete removes it). */
  selectedMeasurement(): MeasurementData | undefined;
  selectMeasurement(data: MeasurementData | undefined): void;
  /** Removes the selected measurement of the image shown; false when none is selected. */
  deleteSelectedMeasurement(): boolean;
  /** Shows the series from `index`, its first image in `view` when given (else the image's own window, fitted). */
  show(series: SeriesModel, index?: number, view?: PaneView): Promise<void>;
  /** The view of the image shown (undefined before one is). */
  view(): PaneView | undefined;
  scroll(delta: number): void;
  setIndex(index: number): void;
  setWindow(width: number, center: number): void;
  toggleInvert(): void;
  rotate90(): void;
  flip(direction: 'h' | 'v'): void;
  fit(): void;
  reset(): void;
  resize(): void;
  setActive(active: boolean): void;
  /** Left drag draws this measurement, or (undefined) is the viewport's own window/level, pan or zoom. */
  setMeasurementTool(tool: MeasurementTool | undefined): void;
  playCine(fps: number): void;
  stopCine(): void;
  readonly playing: boolean;
  destroy(): void;
}
