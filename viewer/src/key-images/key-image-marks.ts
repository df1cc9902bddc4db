/**
 * Key images in the viewer: K or the toolbar button marks / unmarks the image a viewport shows, a
 * marker shows on viewports whose current image is a key image, and a marked image's measurements
 * follow later edits (they belong to the image, while its view is the one it was marked with).
 */
import cornerstone from 'cornerstone-core';
import { translator } from '../i18n/i18n';
import { parseImageId } from '../imaging/image-ids';
import { viewerMessages } from '../viewer/messages';
import type { ViewportPane } from '../viewer/viewport-pane-types';
import { captureKeyImage } from './capture-key-image';
import { findKeyImage, keyImagesOf, toggleKeyImage, updateKeyImage } from './key-images';

const t = translator(viewerMessages);

export interface KeyImageMarks {
  /** Marks or unmarks the pane's current image. */
  toggle(pane: ViewportPane): void;
  /** After the pane's image or measurements changed: its marker, and a marked image's measurements. */
  refresh(pane: ViewportPane): void;
}

export function createKeyImageMarks(studyUid: string, onCount: (count: number) => void): KeyImageMarks {
  const markers = new WeakMap<ViewportPane, HTMLElement>();
  const markerOf = (pane: ViewportPane) => {
    let marker = markers.get(pane);
    if (!marker) {
      marker = document.createElement('div');
      marker.className = 'key-image-marker';
      marker.dataset.testid = 'key-image-marker';
      marker.hidden = true;
      pane.element.append(marker);
      markers.set(pane, marker);
    }
    return marker;
  };
  const currentRef = (pane: ViewportPane) => {
    const image = cornerstone.getImage(pane.imageElement);
    return image ? { ...parseImageId(image.imageId), studyUid } : undefined;
  };
  const showMarker = (pane: ViewportPane, marked: boolean) => {
    const marker = markerOf(pane);
    marker.hidden = !marked;
    marker.textContent = `★ ${t('keyImageMarker')}`;
    pane.element.dataset.keyImage = String(marked);
  };
  onCount(keyImagesOf(studyUid).length);

  return {
    toggle(pane) {
      const entry = captureKeyImage(pane.imageElement);
      if (!entry || entry.studyUid !== studyUid) return;
      showMarker(pane, toggleKeyImage(entry));
      onCount(keyImagesOf(studyUid).length);
    },
    refresh(pane) {
      const ref = currentRef(pane);
      const stored = ref ? findKeyImage(ref) : undefined;
      showMarker(pane, stored !== undefined);
      if (!stored) return;
      const now = captureKeyImage(pane.imageElement);
      if (now) updateKeyImage({ ...stored, measurements: now.measurements });
    },
  };
}
