/**
 * Key images in the viewer: K or the toolbar button marks / unmarks the image a viewport shows in
 * the study's key object selection (through the archive, for every user), a marker shows on
 * viewports whose current image is a key image, and a marked image's measurements follow later
 * edits (they belong to the image, while its view is the one it was marked with).
 *
 * The viewer element's `data-key-images` says loading | loaded | failed, and
 * `data-key-images-pending` how many changes are on their way.
 */
import cornerstone from 'cornerstone-core';
import { describeError, showError } from '../app/error-banner';
import { currentSession } from '../app/session';
import { translator } from '../i18n/i18n';
import { parseImageId } from '../imaging/image-ids';
import { viewerMessages } from '../viewer/messages';
import type { ViewportPane } from '../viewer/viewport-pane-types';
import { captureKeyImage } from './capture-key-image';
import {
  loadKeyImages,
  markKeyImage,
  sameKeyImage,
  unmarkKeyImage,
  updateKeyImageView,
  type KeyImage,
  type KeyImageSet,
} from './key-images';
import { keyImageMessages } from './messages';
import { firstImageShown } from '../viewer/first-image-shown';

const t = translator(viewerMessages);
const tk = translator(keyImageMessages);
/** Quiet time after a marked image's measurements changed before its view is sent. */
const SETTLE_MS = 400;

export interface KeyImageMarks {
  /** Marks or unmarks the pane's current image. */
  toggle(pane: ViewportPane): void;
  /** After the pane's image or measurements changed: its marker, and a marked image's measurements. */
  refresh(pane: ViewportPane): void;
}

export function createKeyImageMarks(studyUid: string, onCount: (count: number) => void, status?: HTMLElement): KeyImageMarks {
  const canWrite = currentSession()?.permissions.includes('annotate') ?? false;
  const markers = new WeakMap<ViewportPane, HTMLElement>();
  const panes = new Set<ViewportPane>();
  const viewTimers = new Map<string, number>();
  const toggling = new Set<string>();
  let images: KeyImage[] = [];
  let pending = 0;

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
    const image = shownImage(pane.imageElement);
    return image ? parseImageId(image.imageId) : undefined;
  };
  const findMarked = (pane: ViewportPane) => {
    const ref = currentRef(pane);
    // A prior shown beside the study has key images of its own, not these.
    return ref && ref.studyUid === studyUid ? images.find((k) => sameKeyImage(k, ref)) : undefined;
  };
  const showMarker = (pane: ViewportPane) => {
    const marked = findMarked(pane) !== undefined;
    const marker = markerOf(pane);
    marker.hidden = !marked;
    marker.textContent = `★ ${t('keyImageMarker')}`;
    pane.element.dataset.keyImage = String(marked);
  };
  const setPending = (delta: number) => {
    pending += delta;
    if (status) status.dataset.keyImagesPending = String(pending);
  };
  const apply = (set: KeyImageSet) => {
    images = set.images;
    onCount(images.length);
    for (const pane of panes) {
      if (pane.element.isConnected) showMarker(pane);
      else panes.delete(pane);
    }
  };
  const send = (request: Promise<KeyImageSet>, done?: () => void) => {
    setPending(1);
    request
      .then(apply)
      .catch((error: unknown) => showError(tk('saveFailed', { message: describeError(error) })))
      .finally(() => {
        done?.();
        setPending(-1);
      });
  };

  onCount(0);
  setPending(0);
  if (status) status.dataset.keyImages = 'loading';
  firstImageShown()
    .then(() => loadKeyImages(studyUid))
    .then((set) => {
      apply(set);
      if (status) status.dataset.keyImages = 'loaded';
    })
    .catch((error: unknown) => {
      if (status) status.dataset.keyImages = 'failed';
      showError(tk('loadFailed', { message: describeError(error) }));
    });

  return {
    toggle(pane) {
      if (!canWrite) {
        showError(tk('markNotAllowed'));
        return;
      }
      const entry = captureKeyImage(pane.imageElement);
      if (!entry || entry.studyUid !== studyUid) return;
      // A second K before the archive answered the first would act on the list from before it.
      const key = `${entry.sopUid}#${entry.frame}`;
      if (toggling.has(key)) return;
      toggling.add(key);
      const marked = images.find((k) => sameKeyImage(k, entry));
      send(marked ? unmarkKeyImage(entry) : markKeyImage(entry), () => toggling.delete(key));
    },
    refresh(pane) {
      panes.add(pane);
      showMarker(pane);
      const stored = findMarked(pane);
      if (!stored || !canWrite) return;
      const now = captureKeyImage(pane.imageElement);
      if (!now || JSON.stringify(now.measurements) === JSON.stringify(stored.measurements)) return;
      // The view it was marked with, today's measurements; sent once the edits settle.
      const key = `${stored.sopUid}#${stored.frame}`;
      window.clearTimeout(viewTimers.get(key));
      viewTimers.set(
        key,
        window.setTimeout(() => {
          viewTimers.delete(key);
          if (!images.some((k) => sameKeyImage(k, stored))) return; // unmarked meanwhile
          send(updateKeyImageView({ ...stored, measurements: now.measurements }));
        }, SETTLE_MS),
      );
    },
  };
}

/** The image an element shows; undefined for a pane of an earlier layout, no longer enabled in cornerstone (getImage throws then). */
function shownImage(element: HTMLElement): ReturnType<typeof cornerstone.getImage> | undefined {
  try {
    return cornerstone.getImage(element);
  } catch {
    return undefined;
  }
}
