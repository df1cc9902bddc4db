/** The four corner overlays of a viewport, always written as text. */
import { getNumber, getString, type DicomJson } from '../../../shared/dicom/dicom-json';
import { Tag } from '../../../shared/dicom/tags';
import type { Viewport } from 'cornerstone-core';
import { currentLanguage, formatDicomDate, translator } from '../i18n/i18n';
import { formatPatientAge } from '../i18n/patient-age';
import { formatPatientSex } from '../i18n/patient-sex';
import { frameAttributes } from '../imaging/image-attributes';
import { viewerMessages } from './messages';

const t = translator(viewerMessages);

export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
export const CORNERS: readonly Corner[] = ['top-left', 'top-right', 'bottom-left', 'bottom-right'];

export interface OverlayState {
  instance: DicomJson;
  frame: number;
  index: number;
  count: number;
  viewport: Viewport;
}

const personName = (value: string | undefined) => (value ?? '').replace(/\^+/g, ' ').trim();
const round = (value: number, digits = 1) => String(Math.round(value * 10 ** digits) / 10 ** digits);

export function overlayLines(s: OverlayState): Record<Corner, string[]> {
  const a = frameAttributes(s.instance, s.frame);
  const sex = formatPatientSex(getString(s.instance, Tag.PatientSex), currentLanguage());
  const age = formatPatientAge(getString(s.instance, Tag.PatientAge), currentLanguage());
  const seriesNumber = getNumber(s.instance, Tag.SeriesNumber);
  const bottomLeft = [
    seriesNumber !== undefined ? t('overlaySeries', { number: seriesNumber }) : '',
    t('overlayImage', { index: s.index + 1, count: s.count }),
    a.sliceLocation !== undefined ? t('overlayLocation', { value: round(a.sliceLocation, 2) }) : '',
    a.sliceThickness !== undefined ? t('overlayThickness', { value: round(a.sliceThickness, 2) }) : '',
  ];
  return {
    'top-left': [personName(getString(s.instance, Tag.PatientName)), getString(s.instance, Tag.PatientID) ?? '', `${sex} ${age}`.trim()],
    'top-right': [
      formatDicomDate(getString(s.instance, Tag.StudyDate)),
      getString(s.instance, Tag.StudyDescription) ?? '',
      getString(s.instance, Tag.SeriesDescription) ?? '',
    ],
    'bottom-left': bottomLeft,
    'bottom-right': [
      t('overlayWindow', { width: Math.round(s.viewport.voi.windowWidth), center: Math.round(s.viewport.voi.windowCenter) }),
      t('overlayZoom', { value: Math.round(s.viewport.scale * 100) }),
    ],
  };
}

export function renderOverlay(elements: Record<Corner, HTMLElement>, lines: Record<Corner, string[]>): void {
  for (const corner of CORNERS) {
    const el = elements[corner];
    const rows = lines[corner]
      .filter((line) => line !== '')
      .map((line) => {
        const div = document.createElement('div');
        div.textContent = line;
        return div;
      });
    el.replaceChildren(...rows);
  }
}
