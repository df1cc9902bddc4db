/**
 * The default hanging rule for a current study and a prior (OHIF's comparison protocol, reduced
 * to its core): 1×2, the current study on the left, the prior on the right (viewer-page.ts hangs
 * them 2×1 on a portrait screen). The left pane gets the current study's first stack (the first
 * displayable series of more than one image, else the first displayable one); the right pane the
 * prior's series of the same modality that matches it best, by, in this order: same series
 * description, same body part, same orientation (parallel image planes), closest slice
 * thickness, then series order. A prior without that modality gets its own first stack. The
 * prior starts at the same end of its stack as the current (its last slice when one is written
 * head first and the other feet first).
 */
import { getNumber, getString } from '../../../shared/dicom/dicom-json';
import { Tag } from '../../../shared/dicom/tags';
import { imagePlaneOf } from '../geometry/image-plane';
import { sameEndSlice } from '../geometry/slice-position';
import { dot, type Vec3 } from '../geometry/vector';
import { seriesPlanes, type SeriesModel } from './study-model';

/** What the rule compares of a series. */
export interface SeriesTraits {
  modality: string;
  description: string;
  bodyPart: string;
  /** Unit normal of its first image, when it has a geometry. */
  normal?: Vec3;
  sliceThickness?: number;
  imageCount: number;
}

export interface Hanging {
  left: SeriesModel;
  right: SeriesModel;
  /** The right series' slice at the same end of its stack as the left's first slice (sync links them there). */
  rightStart: number;
}

/** Planes within this angle count as the same orientation. */
const SAME_ORIENTATION_DEGREES = 10;

export function seriesTraits(s: SeriesModel): SeriesTraits {
  const first = s.instances[0];
  const normal = first ? imagePlaneOf(first)?.normal : undefined;
  const sliceThickness = getNumber(first, Tag.SliceThickness);
  return {
    modality: s.modality.toUpperCase(),
    description: s.description.trim().toUpperCase(),
    bodyPart: (getString(first, Tag.BodyPartExamined) ?? '').trim().toUpperCase(),
    ...(normal ? { normal } : {}),
    ...(sliceThickness !== undefined && sliceThickness > 0 ? { sliceThickness } : {}),
    imageCount: s.imageIds.length,
  };
}

/** Index of the series to show first: the first stack, else the first displayable image. */
export function firstStack(traits: readonly (SeriesTraits | undefined)[]): number | undefined {
  const stack = traits.findIndex((t) => t !== undefined && t.imageCount > 1);
  if (stack >= 0) return stack;
  const any = traits.findIndex((t) => t !== undefined && t.imageCount > 0);
  return any >= 0 ? any : undefined;
}

/** Index of the candidate of the same modality that matches `current` best; undefined when none has its modality. */
export function bestMatch(current: SeriesTraits, candidates: readonly (SeriesTraits | undefined)[]): number | undefined {
  let best: number | undefined;
  let bestScore: number[] = [];
  candidates.forEach((candidate, index) => {
    if (!candidate || candidate.imageCount === 0 || candidate.modality !== current.modality) return;
    const score = matchScore(current, candidate);
    if (best === undefined || isBetter(score, bestScore)) {
      best = index;
      bestScore = score;
    }
  });
  return best;
}

/** Criteria in order of importance, higher is better. */
function matchScore(current: SeriesTraits, candidate: SeriesTraits): number[] {
  const known = (a: string) => a !== '';
  const thickness =
    current.sliceThickness !== undefined && candidate.sliceThickness !== undefined
      ? -Math.abs(current.sliceThickness - candidate.sliceThickness)
      : -Infinity;
  return [
    Number(known(current.description) && current.description === candidate.description),
    Number(known(current.bodyPart) && current.bodyPart === candidate.bodyPart),
    Number(sameOrientation(current.normal, candidate.normal)),
    thickness,
  ];
}

function isBetter(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false; // a tie keeps the earlier series
}

function sameOrientation(a: Vec3 | undefined, b: Vec3 | undefined): boolean {
  return a !== undefined && b !== undefined && Math.abs(dot(a, b)) >= Math.cos((SAME_ORIENTATION_DEGREES * Math.PI) / 180);
}

/** The left and right series for a current study and a prior; undefined when either has nothing to show. */
export function hangCurrentAndPrior(current: readonly SeriesModel[], prior: readonly SeriesModel[]): Hanging | undefined {
  const traitsOf = (list: readonly SeriesModel[]) => list.map((s) => (s.displayable ? seriesTraits(s) : undefined));
  const currentTraits = traitsOf(current);
  const priorTraits = traitsOf(prior);
  const leftIndex = firstStack(currentTraits);
  if (leftIndex === undefined) return undefined;
  const rightIndex = bestMatch(currentTraits[leftIndex]!, priorTraits) ?? firstStack(priorTraits);
  if (rightIndex === undefined) return undefined;
  const left = current[leftIndex]!;
  const right = prior[rightIndex]!;
  return { left, right, rightStart: sameEndSlice(seriesPlanes(left), seriesPlanes(right)) ?? 0 };
}
