/**
 * The key images of a study as the archive keeps them (server/key-images): which frames the
 * study's Key Object Selection document names, each with the view it was marked with (window,
 * invert, rotation, flips) and its measurements in image pixel coordinates, so the print sheet
 * can redraw them at any size. Nothing of it is kept in the browser: every user on every browser
 * reads the same set. Keyed by UIDs + frame, never by image-loader ids.
 */
import type { KeyImageEntry, KeyImages, KeyImageTitle, KeyImageView, KeyMeasurement, Point } from '../../../shared/api/key-images';
import { apiJson } from '../auth/api';

export type { KeyImageTitle, KeyMeasurement, Point };

export interface KeyImage {
  studyUid: string;
  seriesUid: string;
  sopUid: string;
  /** 1-based */
  frame: number;
  /** Image matrix size the handles refer to. */
  columns: number;
  rows: number;
  /** Undefined when no view was kept with the key image: the image's own window then. */
  windowWidth?: number;
  windowCenter?: number;
  invert: boolean;
  /** degrees, clockwise, as cornerstone's viewport */
  rotation: number;
  hflip: boolean;
  vflip: boolean;
  seriesNumber?: number;
  instanceNumber?: number;
  measurements: KeyMeasurement[];
}

export type KeyImageRef = Pick<KeyImage, 'studyUid' | 'sopUid' | 'frame'>;

/** The study's key images in the order marked, and its KOS's title and last author (none without key images). */
export interface KeyImageSet {
  title?: KeyImageTitle;
  author?: string;
  images: KeyImage[];
}

export const sameKeyImage = (a: Pick<KeyImageRef, 'sopUid' | 'frame'>, b: Pick<KeyImageRef, 'sopUid' | 'frame'>) =>
  a.sopUid === b.sopUid && a.frame === b.frame;

const base = (studyUid: string) => `/api/studies/${encodeURIComponent(studyUid)}/key-images`;

export async function loadKeyImages(studyUid: string): Promise<KeyImageSet> {
  return toSet(studyUid, await apiJson<KeyImages>('GET', base(studyUid)));
}

/** Marks the frame with its view (appended at the end), or gives a marked frame its new view. */
export async function markKeyImage(image: KeyImage): Promise<KeyImageSet> {
  return toSet(image.studyUid, await apiJson<KeyImages>('POST', base(image.studyUid), frameBody(image)));
}

/** Replaces a marked frame's view (its measurements changed); the study's KOS stays as it is. */
export async function updateKeyImageView(image: KeyImage): Promise<KeyImageSet> {
  return toSet(image.studyUid, await apiJson<KeyImages>('PUT', `${base(image.studyUid)}/view`, frameBody(image)));
}

export async function unmarkKeyImage(ref: KeyImageRef): Promise<KeyImageSet> {
  const path = `${base(ref.studyUid)}/${encodeURIComponent(ref.sopUid)}/${ref.frame}`;
  return toSet(ref.studyUid, await apiJson<KeyImages>('DELETE', path));
}

export async function setKeyImageTitle(studyUid: string, title: KeyImageTitle): Promise<KeyImageSet> {
  return toSet(studyUid, await apiJson<KeyImages>('PUT', `${base(studyUid)}/title`, { title }));
}

function frameBody(image: KeyImage) {
  const view: KeyImageView = {
    windowWidth: image.windowWidth ?? 0,
    windowCenter: image.windowCenter ?? 0,
    invert: image.invert,
    rotation: image.rotation,
    hflip: image.hflip,
    vflip: image.vflip,
    measurements: image.measurements,
  };
  return { seriesInstanceUID: image.seriesUid, sopInstanceUID: image.sopUid, frame: image.frame, view };
}

function toSet(studyUid: string, answer: KeyImages): KeyImageSet {
  return {
    ...(answer.document ? { title: answer.document.title, author: answer.document.author } : {}),
    images: answer.images.map((entry) => toKeyImage(studyUid, entry)),
  };
}

function toKeyImage(studyUid: string, entry: KeyImageEntry): KeyImage {
  const view = entry.view;
  return {
    studyUid,
    seriesUid: entry.seriesInstanceUID,
    sopUid: entry.sopInstanceUID,
    frame: entry.frame,
    columns: entry.columns,
    rows: entry.rows,
    ...(view ? { windowWidth: view.windowWidth, windowCenter: view.windowCenter } : {}),
    invert: view?.invert ?? false,
    rotation: view?.rotation ?? 0,
    hflip: view?.hflip ?? false,
    vflip: view?.vflip ?? false,
    ...(entry.seriesNumber !== undefined ? { seriesNumber: entry.seriesNumber } : {}),
    ...(entry.instanceNumber !== undefined ? { instanceNumber: entry.instanceNumber } : {}),
    measurements: view?.measurements ?? [],
  };
}
