import { getItem, type DicomJson } from './dicom-json';
import { Tag } from './tags';

/**
 * Enhanced multi-frame objects keep per-frame attributes in functional group macros (PS3.3
 * C.7.6.16): a frame's item of the Per-Frame Functional Groups Sequence overrides the one item of
 * the Shared Functional Groups Sequence, and both override the top level of the data set.
 */

/** The functional group items that apply to `frame` (1-based): per-frame first, then shared. */
export function functionalGroups(ds: DicomJson, frame: number): DicomJson[] {
  const perFrame = getItem(ds, Tag.PerFrameFunctionalGroupsSequence, frame - 1);
  const shared = getItem(ds, Tag.SharedFunctionalGroupsSequence);
  return [perFrame, shared].filter((item): item is DicomJson => item !== undefined);
}

/** The items of the macro `sequence` (e.g. Tag.PlanePositionSequence) that apply to `frame`: per-frame first, then shared. */
export function frameMacroItems(ds: DicomJson, frame: number, sequence: string): DicomJson[] {
  return functionalGroups(ds, frame)
    .map((group) => getItem(group, sequence))
    .filter((item): item is DicomJson => item !== undefined);
}
