/**
 * The key images of a study, kept in localStorage per study: which frame, how it was viewed
 * (window, invert, rotation, flips) and the measurements drawn on it, in image pixel coordinates,
 * so the print sheet can redraw them at any size. Keyed by UIDs + frame, never by image-loader ids.
 */
export interface Point {
  x: number;
  y: number;
}

export interface KeyMeasurement {
  /** cornerstone-tools tool name (Length, Angle, RectangleRoi, EllipticalRoi, Probe, …) */
  tool: string;
  /** The tool's handles by name (start, middle, end…), image pixel coordinates. */
  handles: Record<string, Point>;
  /** The text the viewer shows for it, one entry per line. */
  text: string[];
}

export interface KeyImage {
  studyUid: string;
  seriesUid: string;
  sopUid: string;
  /** 1-based */
  frame: number;
  /** Image matrix size the handles refer to. */
  columns: number;
  rows: number;
  windowWidth: number;
  windowCenter: number;
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

const storageKey = (studyUid: string) => `pacs.keyImages.${studyUid}`;
const same = (a: KeyImageRef, b: KeyImageRef) => a.sopUid === b.sopUid && a.frame === b.frame;
const listeners = new Set<(studyUid: string) => void>();

export function keyImagesOf(studyUid: string): KeyImage[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(storageKey(studyUid)) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(isKeyImage) : [];
  } catch {
    return []; // storage disabled or a damaged entry: no key images rather than a broken screen
  }
}

export function isKeyImage(value: unknown): value is KeyImage {
  const k = value as Partial<KeyImage> | null;
  return (
    typeof k === 'object' &&
    k !== null &&
    typeof k.studyUid === 'string' &&
    typeof k.seriesUid === 'string' &&
    typeof k.sopUid === 'string' &&
    typeof k.frame === 'number' &&
    typeof k.columns === 'number' &&
    typeof k.rows === 'number' &&
    typeof k.windowWidth === 'number' &&
    typeof k.windowCenter === 'number' &&
    Array.isArray(k.measurements)
  );
}

export function findKeyImage(ref: KeyImageRef): KeyImage | undefined {
  return keyImagesOf(ref.studyUid).find((k) => same(k, ref));
}

/** Marks the image (appended at the end of the list) or, when it is marked already, unmarks it. Returns whether it is marked now. */
export function toggleKeyImage(image: KeyImage): boolean {
  const list = keyImagesOf(image.studyUid);
  const marked = !list.some((k) => same(k, image));
  save(image.studyUid, marked ? [...list, image] : list.filter((k) => !same(k, image)));
  return marked;
}

/** Replaces a marked image's entry (e.g. its measurements changed); does nothing when it is not marked. */
export function updateKeyImage(image: KeyImage): void {
  const list = keyImagesOf(image.studyUid);
  const at = list.findIndex((k) => same(k, image));
  if (at < 0 || JSON.stringify(list[at]) === JSON.stringify(image)) return;
  list[at] = image;
  save(image.studyUid, list);
}

export function removeKeyImage(ref: KeyImageRef): void {
  save(
    ref.studyUid,
    keyImagesOf(ref.studyUid).filter((k) => !same(k, ref)),
  );
}

export function clearKeyImages(studyUid: string): void {
  save(studyUid, []);
}

/** Called after every change of a study's list; returns the unsubscribe function. */
export function onKeyImagesChange(listener: (studyUid: string) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function save(studyUid: string, list: KeyImage[]): void {
  try {
    if (list.length === 0) localStorage.removeItem(storageKey(studyUid));
    else localStorage.setItem(storageKey(studyUid), JSON.stringify(list));
  } catch {
    // storage full or disabled: the list stays as it was
  }
  for (const listener of listeners) listener(studyUid);
}
