/**
 * Slice positions along a stack's normal, for scrolling stacks of different frames of reference
 * together (a current study and its prior): their patient coordinates cannot be compared, but the
 * distance scrolled along parallel normals can.
 */
import { areParallel, planeCenter, type ImagePlane } from './image-plane';
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

/** Where a stack was when it was linked: its plane then, and that plane's position along its own normal. */
export interface SliceAnchor {
  plane: ImagePlane;
  position: number;
}

export function sliceAnchor(plane: ImagePlane): SliceAnchor {
  return { plane, position: positionAlong(plane, plane.normal) };
}

/**
 * The slice of a stack anchored at `to` that lies as far from its anchor as `now` lies from
 * `from`, each along its own normal; undefined when the two stacks are not parallel. Normals
 * pointing opposite ways (one stack written head first, the other feet first) still move both
 * the same way in the patient.
 */
export function relativeSlice(
  planes: readonly (ImagePlane | undefined)[],
  to: SliceAnchor,
  from: SliceAnchor,
  now: ImagePlane,
): number | undefined {
  if (!areParallel(from.plane, to.plane)) return undefined;
  const moved = positionAlong(now, from.plane.normal) - from.position;
  const sign = dot(from.plane.normal, to.plane.normal) < 0 ? -1 : 1;
  const parallel = planes.map((p) => (p && areParallel(p, to.plane) ? p : undefined));
  return nearestAlong(parallel, to.plane.normal, to.position + sign * moved);
}

/**
 * The slice of `planes` at the same end of its stack, in the patient, as the first slice of
 * `reference` (a prior written feet first against a current written head first: its last
 * slice); where a prior is first linked to a current. Undefined without parallel geometry.
 */
export function sameEndSlice(
  reference: readonly (ImagePlane | undefined)[],
  planes: readonly (ImagePlane | undefined)[],
): number | undefined {
  const first = reference[0];
  const last = reference.findLast(Boolean);
  if (!first || !last) return undefined;
  const normal = first.normal;
  // The first slice is at the high end of its stack along its normal, or at the low end.
  const direction = positionAlong(first, normal) >= positionAlong(last, normal) ? 1 : -1;
  let best: number | undefined;
  let bestPosition = -Infinity;
  planes.forEach((plane, index) => {
    if (!plane || !areParallel(plane, first)) return;
    const position = direction * positionAlong(plane, normal);
    if (position > bestPosition) {
      best = index;
      bestPosition = position;
    }
  });
  return best;
}
