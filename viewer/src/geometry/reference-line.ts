/**
 * Reference line: where the image shown in one viewport (the source) cuts the image shown in
 * another (the target), as a segment in the target's pixel coordinates. Both images must share a
 * frame of reference and not be parallel.
 */
import {
  areParallel,
  distanceToPlane,
  patientToPixel,
  pixelToPatient,
  sameFrameOfReference,
  type ImagePlane,
  type PixelPoint,
} from './image-plane';
import { add, scale, sub, type Vec3 } from './vector';

export interface Segment {
  start: PixelPoint;
  end: PixelPoint;
}

/** Corners of the image's area (pixel edges, not centres), in order around it. */
function corners(plane: ImagePlane): Vec3[] {
  const x0 = -0.5;
  const y0 = -0.5;
  const x1 = plane.columns - 0.5;
  const y1 = plane.rows - 0.5;
  return [
    { x: x0, y: y0 },
    { x: x1, y: y0 },
    { x: x1, y: y1 },
    { x: x0, y: y1 },
  ].map((p) => pixelToPatient(plane, p));
}

/** The intersection of the source image's rectangle with the target's (infinite) plane, as two patient positions. */
function cutThroughPlane(source: ImagePlane, target: ImagePlane): [Vec3, Vec3] | undefined {
  const points: Vec3[] = [];
  const c = corners(source);
  for (let i = 0; i < 4; i++) {
    const a = c[i]!;
    const b = c[(i + 1) % 4]!;
    const da = distanceToPlane(target, a);
    const db = distanceToPlane(target, b);
    if (da === 0) points.push(a);
    else if (da * db < 0) points.push(add(a, scale(sub(b, a), da / (da - db))));
  }
  if (points.length < 2) return undefined;
  // With a corner exactly on the plane the same point can appear twice: take the two farthest apart.
  let best: [Vec3, Vec3] = [points[0]!, points[1]!];
  let bestLength = -1;
  for (const p of points) {
    for (const q of points) {
      const d = sub(p, q);
      const length = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
      if (length > bestLength) {
        best = [p, q];
        bestLength = length;
      }
    }
  }
  return bestLength > 0 ? best : undefined;
}

/** Liang–Barsky clipping of a segment to the target's image area. */
function clipToImage(segment: Segment, plane: ImagePlane): Segment | undefined {
  const { start, end } = segment;
  const dx = end.x - start.x;
  const dy = end.y - start.y;
  let t0 = 0;
  let t1 = 1;
  const edges: [number, number][] = [
    [-dx, start.x + 0.5],
    [dx, plane.columns - 0.5 - start.x],
    [-dy, start.y + 0.5],
    [dy, plane.rows - 0.5 - start.y],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return undefined;
    } else {
      const r = q / p;
      if (p < 0) t0 = Math.max(t0, r);
      else t1 = Math.min(t1, r);
    }
  }
  if (t0 > t1) return undefined;
  return { start: { x: start.x + t0 * dx, y: start.y + t0 * dy }, end: { x: start.x + t1 * dx, y: start.y + t1 * dy } };
}

/** The reference line of `source` on `target` in target pixel coordinates, or undefined when there is none to draw. */
export function referenceLine(source: ImagePlane, target: ImagePlane): Segment | undefined {
  if (!sameFrameOfReference(source, target) || areParallel(source, target, 1)) return undefined;
  const cut = cutThroughPlane(source, target);
  if (!cut) return undefined;
  return clipToImage({ start: patientToPixel(target, cut[0]), end: patientToPixel(target, cut[1]) }, target);
}
