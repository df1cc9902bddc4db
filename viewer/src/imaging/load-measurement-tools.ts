/**
 * cornerstone-tools (with cornerstone-math and hammerjs) is two thirds of the viewer's code, and no
 * image needs it to be drawn: it is its own chunk, loaded once a viewport shows its first image or
 * when something needs a measurement earlier (a tool chosen, the study's shared annotations).
 */
import type * as measurementTools from './measurement-tools';

export type MeasurementTools = typeof measurementTools;

let loading: Promise<MeasurementTools> | undefined;
let loaded: MeasurementTools | undefined;
let announce: (tools: MeasurementTools) => void;
const whenLoaded = new Promise<MeasurementTools>((resolve) => (announce = resolve));

export function loadMeasurementTools(): Promise<MeasurementTools> {
  loading ??= import('./measurement-tools').then((tools) => {
    tools.setUpMeasurementTools();
    loaded = tools;
    announce(tools);
    return tools;
  });
  return loading;
}

/** Resolves when the tools are loaded (by whoever loads them first), without loading them. */
export function whenMeasurementToolsLoaded(): Promise<MeasurementTools> {
  return whenLoaded;
}

/** The tools once loaded; before that no measurement exists. */
export function loadedMeasurementTools(): MeasurementTools | undefined {
  return loaded;
}
