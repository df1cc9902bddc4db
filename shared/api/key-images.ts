/**
 * Key images as /api/studies/{study}/key-images speaks of them (server/key-images,
 * viewer/src/key-images, viewer/src/print). Which images are key images is the study's Key
 * Object Selection document; how each was viewed (window, turns, measurements) is kept beside it
 * in the archive's annotation store, since a KOS cannot say it.
 */

/** Document Title of the KOS (PS3.16 CID 7010): the two a radiologist picks from. */
export const KEY_IMAGE_TITLES = ['of-interest', 'for-referring-provider'] as const;
export type KeyImageTitle = (typeof KEY_IMAGE_TITLES)[number];

export interface Point {
  x: number;
  y: number;
}

/** A measurement as drawn on the key image, for the print sheet to draw again at any size. */
export interface KeyMeasurement {
  /** cornerstone-tools tool name (Length, Angle, RectangleRoi, EllipticalRoi, Probe, …) */
  tool: string;
  /** The tool's handles by name (start, middle, end…), image pixel coordinates. */
  handles: Record<string, Point>;
  /** The text the viewer shows for it, one entry per line. */
  text: string[];
}

/** How a key image was viewed when marked (its measurements follow later edits). */
export interface KeyImageView {
  windowWidth: number;
  windowCenter: number;
  invert: boolean;
  /** degrees, clockwise, as cornerstone's viewport */
  rotation: number;
  hflip: boolean;
  vflip: boolean;
  measurements: KeyMeasurement[];
}

/** One referenced frame of the study's KOS, with what the index knows of its image. */
export interface KeyImageEntry {
  seriesInstanceUID: string;
  sopInstanceUID: string;
  /** 1-based */
  frame: number;
  /** Image matrix size the measurement handles refer to. */
  columns: number;
  rows: number;
  seriesNumber?: number;
  instanceNumber?: number;
  /** Undefined when nobody's view was kept (e.g. the KOS came from another system): the image's own window. */
  view?: KeyImageView;
}

export interface KeyImages {
  /** The study's current KOS, or null when it has no key images. */
  document: { sopInstanceUID: string; seriesInstanceUID: string; title: KeyImageTitle; author: string } | null;
  images: KeyImageEntry[];
}

/** POST /api/studies/{study}/key-images: mark a frame (or replace its view when it is marked). */
export interface MarkKeyImage {
  seriesInstanceUID: string;
  sopInstanceUID: string;
  frame: number;
  view: KeyImageView;
}
