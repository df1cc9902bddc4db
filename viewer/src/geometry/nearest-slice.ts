/** The slice of a stack nearest to a patient position, for synchronized scrolling. */
import { distanceToPlane, type ImagePlane } from './image-plane';
import type { Vec3 } from './vector';

/** Index of the plane whose distance (along its normal) to `position` is smallest; undefined when no plane is known. */
export function nearestSlice(planes: readonly (ImagePlane | undefined)[], position: Vec3): number | undefined {
  let best: number | undefined;
  let bestDistance = Infinity;
  planes.forEach((plane, index) => {
    if (!plane) return;
    const distance = Math.abs(distanceToPlane(plane, position));
    if (distance < bestDistance) {
      best = index;
      bestDistance = distance;
    }
  });
  return best;
}
