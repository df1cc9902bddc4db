/**
 * Orientation markers at the middle of the four viewport edges (L/R, A/P, H/F), from the image
 * plane and the view's rotation and flips; hidden when the image has no patient geometry.
 */
import type { Viewport } from 'cornerstone-core';
import type { ImagePlane } from '../geometry/image-plane';
import { edgeLabels, type EdgeLabels } from '../geometry/orientation';
import { translator } from '../i18n/i18n';
import { viewerMessages } from './messages';

const t = translator(viewerMessages);
const EDGES = ['left', 'right', 'top', 'bottom'] as const satisfies readonly (keyof EdgeLabels)[];

export interface OrientationMarkers {
  readonly elements: readonly HTMLElement[];
  update(plane: ImagePlane | undefined, viewport: Viewport): void;
}

export function createOrientationMarkers(): OrientationMarkers {
  const markers = EDGES.map((edge) => {
    const el = document.createElement('div');
    el.className = `orientation-marker ${edge}`;
    el.dataset.testid = `orientation-${edge}`;
    el.title = t('orientationMarkers');
    el.hidden = true;
    return el;
  });
  return {
    elements: markers,
    update(plane, viewport) {
      const labels = plane ? edgeLabels(plane, viewport) : undefined;
      EDGES.forEach((edge, i) => {
        const el = markers[i]!;
        el.textContent = labels?.[edge] ?? '';
        el.hidden = !labels?.[edge];
      });
    },
  };
}
