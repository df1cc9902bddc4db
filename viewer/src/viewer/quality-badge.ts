/**
 * The badge in a viewport's corner that says what the image on screen is: Preview (amber), Lossy
 * (red) or Lossless (green), so that a preview is never mistaken for the diagnostic image.
 */
import { translator } from '../i18n/i18n';
import type { ImageQuality } from '../loading/image-quality';
import { qualityMessages } from './quality-messages';
import './quality-badge.css';

const t = translator(qualityMessages);

const TEXT = {
  preview: ['qualityPreview', 'qualityPreviewTitle'],
  lossy: ['qualityLossy', 'qualityLossyTitle'],
  lossless: ['qualityLossless', 'qualityLosslessTitle'],
} as const;

export interface QualityBadge {
  element: HTMLElement;
  show(quality: ImageQuality | undefined): void;
}

export function createQualityBadge(): QualityBadge {
  const element = document.createElement('div');
  element.className = 'quality-badge';
  element.dataset.testid = 'quality-badge';
  element.hidden = true;
  return {
    element,
    show(quality) {
      element.hidden = quality === undefined;
      if (!quality) return;
      element.dataset.quality = quality;
      element.textContent = t(TEXT[quality][0]);
      element.title = t(TEXT[quality][1]);
    },
  };
}
