/**
 * Orientation labels (PS3.3 C.7.6.2.1.1): the patient directions a vector points to, L/R for
 * x, P/A for y, H/F for z, the strongest first; an oblique direction gets up to three letters.
 */
import type { ImagePlane } from './image-plane';
import { add, scale, type Vec3 } from './vector';

/** Components smaller than this are not named (about 0.6°: rounding in the header, not obliquity). */
const OBLIQUITY_THRESHOLD = 0.01;

export function orientationLabel(direction: Vec3): string {
  const letters: [number, string][] = [
    [direction[0], direction[0] > 0 ? 'L' : 'R'],
    [direction[1], direction[1] > 0 ? 'P' : 'A'],
    [direction[2], direction[2] > 0 ? 'H' : 'F'],
  ];
  return letters
    .filter(([value]) => Math.abs(value) > OBLIQUITY_THRESHOLD)
    .sort((a, b) => Math.abs(b[0]) - Math.abs(a[0]))
    .map(([, letter]) => letter)
    .join('');
}

export interface ViewTransform {
  /** degrees clockwise on screen, as cornerstone's viewport.rotation */
  rotation: number;
  hflip: boolean;
  vflip: boolean;
}

export interface EdgeLabels {
  left: string;
  right: string;
  top: string;
  bottom: string;
}

/**
 * The labels of the viewport edges for an image shown with `view`. Cornerstone flips the image
 * first, then rotates it: a screen direction is turned back by the rotation, then un-flipped, to
 * give the image direction it shows.
 */
export function edgeLabels(plane: ImagePlane, view: ViewTransform): EdgeLabels {
  const angle = (view.rotation * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const label = (sx: number, sy: number) => {
    let x = sx * cos + sy * sin;
    let y = -sx * sin + sy * cos;
    if (view.hflip) x = -x;
    if (view.vflip) y = -y;
    return orientationLabel(add(scale(plane.rowCosines, x), scale(plane.columnCosines, y)));
  };
  return { left: label(-1, 0), right: label(1, 0), top: label(0, -1), bottom: label(0, 1) };
}
