/**
 * Synchronized scrolling: while on, the viewport the user scrolls moves every other viewport that
 * shows a parallel stack of the same frame of reference to its slice nearest by position.
 */
import { areParallel, planeCenter, sameFrameOfReference } from '../geometry/image-plane';
import { nearestSlice } from '../geometry/nearest-slice';
import type { ViewportPane } from './viewport-pane-types';

export interface SyncScroll {
  readonly enabled: boolean;
  setEnabled(enabled: boolean): void;
  /** Moves the viewports linked to `source` to its current position (when enabled). */
  follow(source: ViewportPane, panes: readonly ViewportPane[]): void;
}

export function createSyncScroll(): SyncScroll {
  let enabled = false;
  return {
    get enabled() {
      return enabled;
    },
    setEnabled(next) {
      enabled = next;
    },
    follow(source, panes) {
      const plane = enabled ? source.currentPlane() : undefined;
      if (!plane) return;
      const centre = planeCenter(plane);
      for (const pane of panes) {
        if (pane === source) continue;
        const candidates = pane.planes.map((p) => (p && sameFrameOfReference(p, plane) && areParallel(p, plane) ? p : undefined));
        const index = nearestSlice(candidates, centre);
        if (index !== undefined && index !== pane.index) pane.setIndex(index);
      }
    },
  };
}
