/**
 * The measurement list: the measurements on the active viewport's current image, as text, each
 * deletable; clicking a row selects that measurement on the image (as clicking it there does).
 */
import cornerstone from 'cornerstone-core';
import { annotationMessages } from '../annotations/messages';
import { isReadOnlyMeasurement, ownerOf } from '../annotations/measurement-owner';
import { displayLocale, translator } from '../i18n/i18n';
import { loadedMeasurementTools } from '../imaging/load-measurement-tools';
import type { Measurement } from '../imaging/measurement-tool-names';
import { qualityOf } from '../loading/image-quality';
import { viewerMessages } from './messages';
import { qualityMessages } from './quality-messages';
import type { ViewportPane } from './viewport-pane-types';

const t = translator(viewerMessages);
const tShared = translator(annotationMessages);
const tQuality = translator(qualityMessages);
// In the UI language's form, as on the image (85,31 in Vietnamese); no grouping, as cornerstone-tools draws.
const fixed = (value: number | undefined, digits = 1) =>
  value === undefined || !Number.isFinite(value)
    ? '–'
    : new Intl.NumberFormat(displayLocale(), { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false }).format(
        value,
      );

export interface MeasurementList {
  element: HTMLElement;
  show(pane: ViewportPane | undefined): void;
}

export function createMeasurementList(): MeasurementList {
  const panel = document.createElement('section');
  panel.className = 'measurement-list';
  panel.dataset.testid = 'measurement-list';
  const title = document.createElement('h2');
  title.textContent = t('measurements');
  const list = document.createElement('ul');
  panel.append(title, list);

  const show = (pane: ViewportPane | undefined) => {
    const element = pane?.imageElement;
    const image = element ? cornerstone.getImage(element) : undefined;
    const measurements = element && image ? (loadedMeasurementTools()?.measurementsOf(element) ?? []) : [];
    if (!element || !image || measurements.length === 0) {
      const empty = document.createElement('li');
      empty.className = 'measurement-empty';
      empty.textContent = t('noMeasurements');
      list.replaceChildren(empty);
      return;
    }
    const calibrated = image.rowPixelSpacing !== undefined && image.columnPixelSpacing !== undefined;
    const unit = pane?.series?.modality === 'CT' ? 'HU' : '';
    const selected = pane?.selectedMeasurement();
    // Values measured on a preview are approximate until the lossless pixels replace it.
    const onPreview = qualityOf(image.imageId) === 'preview';
    list.replaceChildren(
      ...measurements.map((m) => {
        const li = document.createElement('li');
        li.dataset.testid = 'measurement';
        li.dataset.tool = m.tool;
        const isSelected = m.data === selected;
        li.dataset.selected = String(isSelected);
        li.setAttribute('aria-current', String(isSelected));
        // Inline because the viewer stylesheet is shared; the same blue as the handle rings on the image.
        if (isSelected) li.style.boxShadow = 'inset 3px 0 0 rgb(0, 200, 255)';
        if (isSelected) li.style.background = 'rgba(0, 200, 255, 0.15)';
        const value = primaryValue(m);
        if (value !== undefined) li.dataset.value = String(value);
        const text = document.createElement('span');
        text.dataset.testid = 'measurement-text';
        const owner = ownerOf(m.data);
        const described = `${toolLabel(m)}: ${onPreview ? '≈ ' : ''}${describe(m, calibrated, unit)}${onPreview ? ` ${tQuality('onPreview')}` : ''}`;
        text.textContent = `${described}${owner && !owner.mine ? ` ${tShared('byAuthor', { name: owner.author })}` : ''}`;
        li.dataset.onPreview = String(onPreview);
        text.tabIndex = 0;
        text.title = onPreview ? `${tQuality('onPreviewTitle')}. ${t('selectMeasurement')}` : t('selectMeasurement');
        text.style.cursor = 'pointer';
        text.addEventListener('click', () => pane?.selectMeasurement(m.data));
        text.addEventListener('keydown', (event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            pane?.selectMeasurement(m.data);
          }
        });
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.textContent = t('delete');
        remove.addEventListener('click', () => {
          loadedMeasurementTools()?.removeMeasurement(element, m); // listed, so loaded
          show(pane);
        });
        li.append(text);
        // Only its author may delete a shared mark.
        if (!isReadOnlyMeasurement(m.data)) li.append(remove);
        return li;
      }),
    );
  };
  show(undefined);
  return { element: panel, show };
}

function toolLabel(m: Measurement): string {
  return t(`tool${m.tool}`);
}

function primaryValue(m: Measurement): number | undefined {
  if (m.tool === 'Length') return m.data.length;
  if (m.tool === 'Angle' || m.tool === 'CobbAngle') return m.data.rAngle;
  if (m.tool === 'ArrowAnnotate') return undefined;
  if (m.tool === 'Probe') return m.data.cachedStats?.mo;
  return m.data.cachedStats?.mean;
}

function describe(m: Measurement, calibrated: boolean, unit: string): string {
  const stats = m.data.cachedStats;
  switch (m.tool) {
    case 'Length':
      return calibrated ? t('lengthMm', { value: fixed(m.data.length, 2) }) : t('lengthPx', { value: fixed(m.data.length, 2) });
    case 'Angle':
    case 'CobbAngle':
      return t('angle', { value: fixed(m.data.rAngle, 1) });
    case 'ArrowAnnotate':
      return m.data.text ?? '';
    case 'Probe':
      return t('probeValue', { value: fixed(stats?.mo, 1), unit, x: stats?.x ?? '–', y: stats?.y ?? '–' });
    default:
      return `${t('roiStats', { mean: fixed(stats?.mean), sd: fixed(stats?.stdDev), unit, min: fixed(stats?.min), max: fixed(stats?.max) })}; ${t(
        'roiArea',
        {
          value: fixed(stats?.area, 1),
          unit: calibrated ? 'mm²' : 'px²',
        },
      )}`;
  }
}
