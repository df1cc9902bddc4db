/**
 * Synchronized scrolling: while on, the viewport the user scrolls moves the other viewports that
 * show a parallel stack.
 * - Same frame of reference (one study): to the slice nearest to the same patient position.
 * - Different frames of reference (a current study and its prior, of the same body part where
 *   both name one): patient positions cannot be compared, so the link is relative. When the
 *   viewports are linked (Sync turned on, the comparison hung, or a viewport given another
 *   series) each one's slice position is taken as its anchor; then scrolling one by d mm along
 *   its normal moves the others to their slice nearest to their anchor + d along theirs. To
 *   align differently: turn Sync off, bring both to the same anatomy, turn it on again.
 * Stacks that are not parallel to the scrolled one (a localizer, a sagittal against an axial) are
 * never moved.
 */
import { getString } from '../../../shared/dicom/dicom-json';
import { Tag } from '../../../shared/dicom/tags';
import { areParallel, planeCenter, sameFrameOfReference, type ImagePlane } from '../geometry/image-plane';
import { nearestSlice } from '../geometry/nearest-slice';
import { relativeSlice, sliceAnchor, type SliceAnchor } from '../geometry/slice-position';
import type { SeriesModel } from './study-model';
import type { ViewportPane } from './viewport-pane-types';

export interface SyncScroll {
  readonly enabled: boolean;
  /** Turning it on links the viewports where they are now. */
  setEnabled(enabled: boolean, panes: readonly ViewportPane[]): void;
  /** Moves the viewports linked to `source` to its current position (when enabled). */
  follow(source: ViewportPane, panes: readonly ViewportPane[]): void;
}

/** Where a viewport was when the link was taken, with the series it showed. */
interface Anchor extends SliceAnchor {
  series: SeriesModel;
}

export function createSyncScroll(): SyncScroll {
  let enabled = false;
  let anchors = new Map<ViewportPane, Anchor>();

  const link = (panes: readonly ViewportPane[]) => {
    anchors = new Map();
    for (const pane of panes) {
      const plane = pane.currentPlane();
      if (pane.series && plane) anchors.set(pane, { ...sliceAnchor(plane), series: pane.series });
    }
  };
  // A viewport given another series (or its first one) is a new link, taken where they all are now.
  const linkAgainIfChanged = (panes: readonly ViewportPane[]) => {
    const changed = panes.some((p) => p.series !== anchors.get(p)?.series && p.currentPlane() !== undefined);
    if (changed) link(panes);
  };

  return {
    get enabled() {
      return enabled;
    },
    setEnabled(next, panes) {
      enabled = next;
      if (next) link(panes);
    },
    follow(source, panes) {
      const plane = enabled ? source.currentPlane() : undefined;
      if (!plane) return;
      linkAgainIfChanged(panes);
      const from = anchors.get(source);
      const centre = planeCenter(plane);
      for (const pane of panes) {
        if (pane === source) continue;
        const index = sameFrameOfReference(pane.planes.find(Boolean) ?? plane, plane)
          ? nearestSlice(
              pane.planes.map((p) => (p && sameFrameOfReference(p, plane) && areParallel(p, plane) ? p : undefined)),
              centre,
            )
          : linkedSlice(pane, anchors.get(pane), from, plane);
        if (index !== undefined && index !== pane.index) pane.setIndex(index);
      }
    },
  };
}

/** Across frames of reference: the slice of `pane` as far from its anchor as the source is from its own, for stacks of one body part. */
function linkedSlice(pane: ViewportPane, to: Anchor | undefined, from: Anchor | undefined, now: ImagePlane): number | undefined {
  if (!from || !to || !sameBodyPart(from.series, to.series)) return undefined;
  return relativeSlice(pane.planes, to, from, now);
}

/** Same Body Part Examined, when both series name one. */
function sameBodyPart(a: SeriesModel, b: SeriesModel): boolean {
  const part = (s: SeriesModel) => (getString(s.instances[0], Tag.BodyPartExamined) ?? '').trim().toUpperCase();
  return part(a) === '' || part(b) === '' || part(a) === part(b);
}
