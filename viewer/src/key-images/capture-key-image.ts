/** A key-image entry from what a cornerstone element shows now: its frame, view and measurements. */
import cornerstone from 'cornerstone-core';
import type { MeasurementData } from 'cornerstone-tools';
import { getNumber, getString } from '../../../shared/dicom/dicom-json';
import { Tag } from '../../../shared/dicom/tags';
import { translator } from '../i18n/i18n';
import { instanceOf, parseImageId } from '../imaging/image-ids';
import { loadedMeasurementTools } from '../imaging/load-measurement-tools';
import type { Measurement } from '../imaging/measurement-tool-names';
import { viewerMessages } from '../viewer/messages';
import type { KeyImage, KeyMeasurement, Point } from './key-images';

const t = translator(viewerMessages);
const fixed = (value: number | undefined, digits = 1) => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));

export function captureKeyImage(element: HTMLElement): KeyImage | undefined {
  const image = cornerstone.getImage(element);
  const viewport = cornerstone.getViewport(element);
  if (!image || !viewport) return undefined;
  const ref = parseImageId(image.imageId);
  const instance = instanceOf(ref.sopUid);
  const calibrated = image.rowPixelSpacing !== undefined && image.columnPixelSpacing !== undefined;
  const unit = getString(instance, Tag.Modality) === 'CT' ? 'HU' : '';
  return {
    ...ref,
    columns: image.width,
    rows: image.height,
    windowWidth: viewport.voi.windowWidth,
    windowCenter: viewport.voi.windowCenter,
    invert: viewport.invert,
    rotation: viewport.rotation,
    hflip: viewport.hflip,
    vflip: viewport.vflip,
    seriesNumber: getNumber(instance, Tag.SeriesNumber),
    instanceNumber: getNumber(instance, Tag.InstanceNumber),
    measurements: (loadedMeasurementTools()?.measurementsOf(element) ?? []).map((m) => toKeyMeasurement(m, calibrated, unit)),
  };
}

function toKeyMeasurement(m: Measurement, calibrated: boolean, unit: string): KeyMeasurement {
  return { tool: m.tool, handles: pointsOf(m.data), text: measurementText(m.tool, m.data, calibrated, unit) };
}

/** The handles that are points (cornerstone-tools also keeps e.g. a textBox handle; it is placed anew on print). */
function pointsOf(data: MeasurementData): Record<string, Point> {
  const points: Record<string, Point> = {};
  for (const [name, handle] of Object.entries(data.handles)) {
    const h = handle as Partial<Point> | null;
    if (name !== 'textBox' && typeof h?.x === 'number' && typeof h.y === 'number') points[name] = { x: h.x, y: h.y };
  }
  return points;
}

/** The label the viewer shows for a measurement, in the current language. */
export function measurementText(tool: string, data: MeasurementData, calibrated: boolean, unit: string): string[] {
  const stats = data.cachedStats;
  switch (tool) {
    case 'Length':
      return [calibrated ? t('lengthMm', { value: fixed(data.length, 2) }) : t('lengthPx', { value: fixed(data.length, 2) })];
    case 'Angle':
    case 'CobbAngle':
      return [t('angle', { value: fixed(data.rAngle, 1) })];
    case 'Probe':
      return [t('probeValue', { value: fixed(stats?.mo, 1), unit, x: stats?.x ?? '–', y: stats?.y ?? '–' })];
    case 'RectangleRoi':
    case 'EllipticalRoi':
      return [
        t('roiStats', { mean: fixed(stats?.mean), sd: fixed(stats?.stdDev), unit, min: fixed(stats?.min), max: fixed(stats?.max) }),
        t('roiArea', { value: fixed(stats?.area, 1), unit: calibrated ? 'mm²' : 'px²' }),
      ];
    default: {
      const text = (data as { text?: unknown }).text;
      return typeof text === 'string' && text ? [text] : [];
    }
  }
}
