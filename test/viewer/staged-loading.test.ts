import { afterEach, describe, expect, it } from 'vitest';
import { upscaleSamples } from '../../viewer/src/codecs/upscale';
import { focusJob, nextJob, nextRemainder, outward, type SliceState } from '../../viewer/src/loading/load-order';
import { isFastLink } from '../../viewer/src/loading/link-estimate';
import { concurrencyFor, planStages } from '../../viewer/src/loading/stage-plan';

/**
 * The staged loader's decisions, on their own: what is fetched next (load-order.ts), how large a
 * preview and how many requests a link gets (stage-plan.ts), and the preview's upscaling.
 */

/** Where each resolution of a 512² slice of the corpus CT ends in its .202 codestream (as the archive encodes it). */
const CT_RESOLUTION_ENDS = [747, 1575, 4374, 14214, 49284, 162326];

const slices = (stages: string): SliceState[] =>
  [...stages].map((c) => ({ stage: c === 'L' ? 'lossless' : c === 'p' ? 'preview' : 'none', busy: c === 'b' }));

describe('load order', () => {
  it('goes outward from the focus, alternating sides, within the series', () => {
    expect(outward(0, 4)).toEqual([0, 1, 2, 3]);
    expect(outward(5, 8)).toEqual([5, 6, 4, 7, 3, 2, 1, 0]);
    expect(outward(7, 8)).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('fetches every preview before any remainder, nearest the focus first', () => {
    const state = slices('L.....');
    const order: string[] = [];
    for (let job = nextJob(state, 3); job; job = nextJob(state, 3)) {
      order.push(`${job.kind[0]}${job.index}`);
      state[job.index]!.stage = job.kind === 'preview' ? 'preview' : 'lossless';
    }
    expect(order).toEqual(['p3', 'p4', 'p2', 'p5', 'p1', 'r3', 'r4', 'r2', 'r5', 'r1']);
  });

  it('re-orders when the user scrolls: slices left behind are demoted, nothing in flight is asked twice', () => {
    const state = slices('Lpppb....');
    expect(nextJob(state, 0)).toEqual({ index: 5, kind: 'preview' });
    // Scrolled to the end: its neighbours first.
    expect(nextJob(state, 8)).toEqual({ index: 8, kind: 'preview' });
    state[8]!.busy = true;
    expect(nextJob(state, 8)).toEqual({ index: 7, kind: 'preview' });
    // Every preview had or in flight: remainders outward from the focus, skipping the busy slice.
    const later = slices('LppppbppL');
    expect(nextJob(later, 5)).toEqual({ index: 6, kind: 'remainder' });
  });

  it('gives the slice on screen its own job: its preview, then its remainder', () => {
    expect(focusJob(slices('L...'), 3)).toEqual({ index: 3, kind: 'preview' });
    expect(focusJob(slices('L..p'), 3)).toEqual({ index: 3, kind: 'remainder' });
    expect(focusJob(slices('L..L'), 3)).toBeUndefined();
    expect(focusJob(slices('L..b'), 3)).toBeUndefined();
    const noPreview: SliceState[] = [{ stage: 'none', busy: false, noPreview: true }];
    expect(focusJob(noPreview, 0)).toEqual({ index: 0, kind: 'remainder' });
    expect(nextJob(noPreview, 0)).toEqual({ index: 0, kind: 'remainder' });
  });

  it('finds the remainder nearest the focus among slices with a preview, while previews still come', () => {
    // Slice 4 is on screen, 5 is in flight; 3 and 6 have previews, the rest have nothing yet.
    const state = slices('L..pLbp...');
    expect(nextRemainder(state, 4)).toEqual({ index: 3, kind: 'remainder' });
    state[3]!.busy = true;
    expect(nextRemainder(state, 4)).toEqual({ index: 6, kind: 'remainder' });
    expect(nextRemainder(slices('L...'), 1)).toBeUndefined();
  });
});

describe('stage plan', () => {
  it('does not stage on loopback or a LAN', () => {
    expect(planStages({ bitsPerSecond: 900e6, rttMs: 1 }, 300, CT_RESOLUTION_ENDS).staged).toBe(false);
    expect(planStages({ bitsPerSecond: undefined, rttMs: 2 }, 300, CT_RESOLUTION_ENDS).staged).toBe(false);
    // A fast link far away is staged: round trips cost.
    expect(planStages({ bitsPerSecond: 100e6, rttMs: 80 }, 300, CT_RESOLUTION_ENDS).staged).toBe(true);
  });

  it('picks the largest preview whose whole stack arrives in seconds', () => {
    const at4 = planStages({ bitsPerSecond: 4e6, rttMs: 100 }, 300, CT_RESOLUTION_ENDS);
    expect(at4).toMatchObject({ staged: true, previewResolution: 3 }); // 128²: 300 × 17 KB ≈ 10.5 s
    expect(at4.previewBytes).toBe(Math.round(14214 * 1.2));
    const at1 = planStages({ bitsPerSecond: 1e6, rttMs: 200 }, 300, CT_RESOLUTION_ENDS);
    expect(at1.previewResolution).toBe(2); // 64², the smallest that shows anatomy: 300 × 5.2 KB ≈ 14 s
    // A link too slow even for that gets the smallest previews.
    expect(planStages({ bitsPerSecond: 0.25e6, rttMs: 300 }, 300, CT_RESOLUTION_ENDS).previewResolution).toBe(0);
    const at20 = planStages({ bitsPerSecond: 20e6, rttMs: 40 }, 300, CT_RESOLUTION_ENDS);
    expect(at20.previewResolution).toBe(4); // 256²
    // Never the full resolution: that is the lossless stage.
    expect(planStages({ bitsPerSecond: 50e6, rttMs: 40 }, 12, CT_RESOLUTION_ENDS).previewResolution).toBe(4);
  });

  it('gives lossless remainders a connection while previews too small to fill the link come', () => {
    // 4 Mbit/s: 128² previews (17 KB) fill the link, five at a time.
    expect(planStages({ bitsPerSecond: 4e6, rttMs: 100 }, 300, CT_RESOLUTION_ENDS)).toMatchObject({
      previewResolution: 3,
      previewConcurrency: 5,
      remaindersDuringPreviews: 0,
    });
    // 3 Mbit/s: 64² previews (5.2 KB); five per round trip move 290 KB/s of the link's 375:
    // four of them, and one remainder.
    expect(planStages({ bitsPerSecond: 3e6, rttMs: 100 }, 300, CT_RESOLUTION_ENDS)).toMatchObject({
      previewResolution: 2,
      previewConcurrency: 4,
      remaindersDuringPreviews: 1,
    });
    // 1 Mbit/s, 200 ms: the same previews are bound by the link: no remainders meanwhile.
    expect(planStages({ bitsPerSecond: 1e6, rttMs: 200 }, 300, CT_RESOLUTION_ENDS).remaindersDuringPreviews).toBe(0);
  });

  it('keeps enough requests in flight to fill a round trip, and one connection free', () => {
    expect(concurrencyFor(4e6, 0.1, 17000)).toBe(5); // 50 KB in a round trip: 3 previews, and two more

    expect(concurrencyFor(4e6, 0.1, 145000)).toBe(3);
    expect(concurrencyFor(1e6, 0.2, 145000)).toBe(3);
    expect(concurrencyFor(100e6, 0.2, 17000)).toBe(5);
  });
});

describe('preview upscaling', () => {
  it('keeps corner values and interpolates between them, for signed 16-bit samples', () => {
    const small = new Int16Array([-1000, 1000, 3000, -3000]);
    const out = upscaleSamples(new Uint8Array(small.buffer), { width: 2, height: 2 }, { width: 4, height: 4 }, 16, true);
    const values = Array.from(new Int16Array(out.buffer, out.byteOffset, 16));
    expect(values[0]).toBe(-1000);
    expect(values[3]).toBe(1000);
    expect(values[12]).toBe(3000);
    expect(values[15]).toBe(-3000);
    expect(values[1]).toBe(-500); // a quarter of the way from -1000 to 1000
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-3000);
    expect(Math.max(...values)).toBeLessThanOrEqual(3000);
  });
});

describe('link pin', () => {
  // The one browser API the pin reads, given to this Node process for the test.
  const storage = new Map<string, string>();
  (globalThis as unknown as { localStorage: unknown }).localStorage = { getItem: (key: string) => storage.get(key) ?? null };
  afterEach(() => storage.clear());

  it("localStorage['pacs.link'] pins LAN or thin whatever is measured; anything else measures", () => {
    const loopback = { bitsPerSecond: 2e9, rttMs: 1 };
    const district = { bitsPerSecond: 4e6, rttMs: 100 };
    expect([isFastLink(loopback), isFastLink(district)]).toEqual([true, false]);
    storage.set('pacs.link', 'thin');
    expect([isFastLink(loopback), isFastLink(district)]).toEqual([false, false]);
    storage.set('pacs.link', 'lan');
    expect([isFastLink(loopback), isFastLink(district)]).toEqual([true, true]);
    storage.set('pacs.link', 'fast');
    expect([isFastLink(loopback), isFastLink(district)]).toEqual([true, false]);
  });
});
