/**
 * Who made a measurement shown in the viewer, for those that came from or went to the archive:
 * the measurement list names the author of others' marks, and the viewer refuses to move or
 * delete them (the archive would refuse too: only the author changes an annotation).
 */
import type { MeasurementData } from 'cornerstone-tools';

export interface MeasurementOwner {
  /** The annotation's id in the archive; undefined while it is being saved. */
  id?: string;
  author: string;
  mine: boolean;
}

const owners = new WeakMap<MeasurementData, MeasurementOwner>();

export function ownerOf(data: MeasurementData): MeasurementOwner | undefined {
  return owners.get(data);
}

export function setOwner(data: MeasurementData, owner: MeasurementOwner | undefined): void {
  if (owner) owners.set(data, owner);
  else owners.delete(data);
}

/** Someone else's mark: shown, never moved or deleted from here. */
export function isReadOnlyMeasurement(data: MeasurementData): boolean {
  return owners.get(data)?.mine === false;
}
