/**
 * Slice positions along a stack's normal, for scrolling stacks of different frames of reference
 * together (a current study and its prior): their patient coordinates cannot be compared, but the
 * distance scrolled along parallel normals can.
 */
import { planeCenter, type ImagePlane } from './image-plane';
import { dot, type Vec3 } from './vector';

/** Position (mm) of the plane's centre along `normal`. */
export function positionAlong(plane: ImagePlane, normal: Vec3): number {
  return dot(planeCenter(plane), normal);
}

/** Index of the plane whose centre lies nearest to `position` along `normal`; undefined when no plane is known. */
export function nearestAlong(planes: readonly (ImagePlane | undefined)[], normal: Vec3, position: number): number | undefined {
  let best: number | undefined;
  let bestDistance = Infinity;
  planes.forEach((plane, index) => {
    if (!plane) return;
    const distance = Math.abs(positionAlong(plane, normal) - position);
    if (distance < bestDistance) {
      best = index;
      bestDistance = distance;
    }
  });
  return best;
}
