/**
 * What the staged loader fetches next, from what each slice has and where the user is. Pure.
 * - The slice on screen first: its preview if it has nothing, else its lossless remainder.
 * - Then a preview of every slice, outward from the slice on screen (so scrolling either way
 *   finds something), then the remainders, outward again. Slices the user left behind are thus
 *   demoted each time the focus moves; nothing already in flight is asked for twice.
 */

export type SliceStage = 'none' | 'preview' | 'lossless';

export interface SliceState {
  stage: SliceStage;
  /** A request for this slice is in flight. */
  busy: boolean;
  /** Its preview could not be had (e.g. no resolution fit in the prefix): go straight to the remainder. */
  noPreview?: boolean;
}

export interface Job {
  index: number;
  kind: 'preview' | 'remainder';
}

/** Indices outward from `focus`: focus, focus+1, focus-1, focus+2, … */
export function outward(focus: number, count: number): number[] {
  const order: number[] = [];
  for (let d = 0; order.length < count; d++) {
    if (focus + d < count && focus + d >= 0) order.push(focus + d);
    if (d > 0 && focus - d >= 0 && focus - d < count) order.push(focus - d);
    if (focus + d >= count && focus - d < 0) break;
  }
  return order;
}

function jobFor(index: number, slice: SliceState): Job | undefined {
  if (slice.busy || slice.stage === 'lossless') return undefined;
  return { index, kind: slice.stage === 'none' && !slice.noPreview ? 'preview' : 'remainder' };
}

/** The job for the slice on screen, if it is not lossless or already being fetched. */
export function focusJob(slices: readonly SliceState[], focus: number): Job | undefined {
  const slice = slices[focus];
  return slice ? jobFor(focus, slice) : undefined;
}

/** The next background job, or undefined when every slice is lossless or in flight. */
export function nextJob(slices: readonly SliceState[], focus: number): Job | undefined {
  const order = outward(Math.max(0, Math.min(focus, slices.length - 1)), slices.length);
  for (const index of order) {
    const slice = slices[index]!;
    if (slice.stage === 'none' && !slice.busy && !slice.noPreview) return { index, kind: 'preview' };
  }
  for (const index of order) {
    const job = jobFor(index, slices[index]!);
    if (job) return job;
  }
  return undefined;
}

/** The lossless remainder of the slice nearest the one on screen that has its preview, if any. */
export function nextRemainder(slices: readonly SliceState[], focus: number): Job | undefined {
  const order = outward(Math.max(0, Math.min(focus, slices.length - 1)), slices.length);
  const index = order.find((i) => slices[i]!.stage === 'preview' && !slices[i]!.busy);
  return index === undefined ? undefined : { index, kind: 'remainder' };
}
