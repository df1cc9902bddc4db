/**
 * The plane of one image (frame) in the patient coordinate system, from the Image Plane module
 * (PS3.3 C.7.6.2): ImagePositionPatient, ImageOrientationPatient, PixelSpacing, Rows, Columns.
 * For enhanced multi-frame objects the values come from the frame's Plane Position, Plane
 * Orientation and Pixel Measures functional groups (C.7.6.16.2), per-frame before shared.
 *
 * Pixel coordinates here are DICOM's: (column, row) with (0, 0) the centre of the top-left pixel.
 */
import { getNumber, getString, type DicomJson } from '../../../shared/dicom/dicom-json';
import { frameMacroItems } from '../../../shared/dicom/functional-groups';
import { Tag } from '../../../shared/dicom/tags';
import { add, cross, dot, normalize, scale, sub, type Vec3 } from './vector';

export interface ImagePlane {
  /** Patient position of the centre of the first transmitted pixel (mm). */
  origin: Vec3;
  /** Direction of increasing column index (along a row). */
  rowCosines: Vec3;
  /** Direction of increasing row index (down a column). */
  columnCosines: Vec3;
  /** Unit normal, rowCosines × columnCosines. */
  normal: Vec3;
  /** mm between the centres of adjacent rows. */
  rowSpacing: number;
  /** mm between the centres of adjacent columns. */
  columnSpacing: number;
  rows: number;
  columns: number;
  frameOfReferenceUid?: string;
}

export interface PixelPoint {
  /** column */
  x: number;
  /** row */
  y: number;
}

function numbers(ds: DicomJson | undefined, tag: string, count: number): number[] | undefined {
  const values = (ds?.[tag]?.Value ?? []).map(Number);
  return values.length >= count && values.slice(0, count).every(Number.isFinite) ? values.slice(0, count) : undefined;
}

/** The value of `tag` for `frame` (1-based): in the macro `sequence` of the per-frame, then shared functional groups, then the top level. */
function frameValue(instance: DicomJson, frame: number, sequence: string, tag: string, count: number): number[] | undefined {
  for (const item of frameMacroItems(instance, frame, sequence)) {
    const found = numbers(item, tag, count);
    if (found) return found;
  }
  return numbers(instance, tag, count);
}

/** The plane of `frame` of `instance`, or undefined when the geometry is missing or degenerate (e.g. a CR or a secondary capture). */
export function imagePlaneOf(instance: DicomJson, frame = 1): ImagePlane | undefined {
  const position = frameValue(instance, frame, Tag.PlanePositionSequence, Tag.ImagePositionPatient, 3);
  const orientation = frameValue(instance, frame, Tag.PlaneOrientationSequence, Tag.ImageOrientationPatient, 6);
  const spacing = frameValue(instance, frame, Tag.PixelMeasuresSequence, Tag.PixelSpacing, 2);
  const rows = getNumber(instance, Tag.Rows) ?? 0;
  const columns = getNumber(instance, Tag.Columns) ?? 0;
  if (!position || !orientation || !spacing || rows <= 0 || columns <= 0 || !(spacing[0]! > 0) || !(spacing[1]! > 0)) return undefined;
  const frameOfReferenceUid = getString(instance, Tag.FrameOfReferenceUID);
  return planeFrom({
    origin: position as unknown as Vec3,
    rowCosines: orientation.slice(0, 3) as unknown as Vec3,
    columnCosines: orientation.slice(3, 6) as unknown as Vec3,
    rowSpacing: spacing[0]!,
    columnSpacing: spacing[1]!,
    rows,
    columns,
    ...(frameOfReferenceUid ? { frameOfReferenceUid } : {}),
  });
}

/** Completes a plane (normal, unit cosines); undefined when the cosines are not two independent directions. */
export function planeFrom(p: Omit<ImagePlane, 'normal'>): ImagePlane | undefined {
  const rowCosines = normalize(p.rowCosines);
  const columnCosines = normalize(p.columnCosines);
  const n = cross(rowCosines, columnCosines);
  if (Math.hypot(...n) < 0.5) return undefined;
  return { ...p, rowCosines, columnCosines, normal: normalize(n) };
}

/** Patient position of a pixel point (PS3.3 Equation C.7.6.2.1-1). */
export function pixelToPatient(plane: ImagePlane, point: PixelPoint): Vec3 {
  return add(
    plane.origin,
    add(scale(plane.rowCosines, point.x * plane.columnSpacing), scale(plane.columnCosines, point.y * plane.rowSpacing)),
  );
}

/** The pixel point of the projection of a patient position onto the plane. */
export function patientToPixel(plane: ImagePlane, position: Vec3): PixelPoint {
  const d = sub(position, plane.origin);
  return { x: dot(d, plane.rowCosines) / plane.columnSpacing, y: dot(d, plane.columnCosines) / plane.rowSpacing };
}

/** Patient position of the centre of the image. */
export function planeCenter(plane: ImagePlane): Vec3 {
  return pixelToPatient(plane, { x: (plane.columns - 1) / 2, y: (plane.rows - 1) / 2 });
}

/** Signed distance (mm) of a position from the plane, along its normal. */
export function distanceToPlane(plane: ImagePlane, position: Vec3): number {
  return dot(sub(position, plane.origin), plane.normal);
}

/** Whether two planes can be compared: both in the same frame of reference (PS3.3 C.7.4.1.1.1). */
export function sameFrameOfReference(a: ImagePlane, b: ImagePlane): boolean {
  return a.frameOfReferenceUid !== undefined && a.frameOfReferenceUid === b.frameOfReferenceUid;
}

/** Whether the planes are parallel within `toleranceDegrees`. */
export function areParallel(a: ImagePlane, b: ImagePlane, toleranceDegrees = 5): boolean {
  return Math.abs(dot(a.normal, b.normal)) >= Math.cos((toleranceDegrees * Math.PI) / 180);
}
