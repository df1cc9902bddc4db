/**
 * The statistics of bench:ops: percentiles of one round's latencies, and what a feature costs
 * over interleaved rounds. A cost is the median of the per-round ratios (feature on / off − 1),
 * so a machine that drifts between rounds moves both sides of each ratio alike; its confidence
 * is the distribution-free interval of the median (order statistics of a Binomial(n, ½) sign
 * count, as in Hollander & Wolfe's sign-test interval): no normality assumed for a handful of
 * rounds.
 */

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return NaN;
  return n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

export interface Cost {
  /** median over the rounds of (on / off − 1), in % */
  medianPercent: number;
  /** the interval of the median: [x(k), x(n+1−k)] of the sorted per-round costs, in % */
  lowPercent: number;
  highPercent: number;
  /** the interval's coverage, e.g. 0.96: at least 0.95 when there are 6 rounds or more */
  coverage: number;
  rounds: number;
  /** the per-round costs in %, in round order */
  perRound: number[];
}

/** P(X ≤ k) for X ~ Binomial(n, ½). */
function binomialHalfCdf(n: number, k: number): number {
  let term = 0.5 ** n; // C(n, 0) / 2^n
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += term;
    term = (term * (n - i)) / (i + 1);
  }
  return sum;
}

/** The widest-confidence pick: the largest k whose interval still covers ≥ 95 %; k = 1 (min…max) if none does. */
function medianInterval(n: number): { k: number; coverage: number } {
  let best = { k: 1, coverage: 1 - 2 * binomialHalfCdf(n, 0) };
  for (let k = 2; k <= Math.floor(n / 2); k++) {
    const coverage = 1 - 2 * binomialHalfCdf(n, k - 1);
    if (coverage < 0.95) break;
    best = { k, coverage };
  }
  return best;
}

/**
 * The cost of a feature from paired rounds: `on[r]` and `off[r]` are the same figure measured in
 * round r with the feature on and off, where a larger figure is worse (seconds, ms, CPU ms).
 */
export function costOf(on: readonly number[], off: readonly number[]): Cost {
  const perRound = on.map((value, r) => (value / off[r]! - 1) * 100);
  const sorted = [...perRound].sort((a, b) => a - b);
  const n = sorted.length;
  const { k, coverage } = medianInterval(n);
  return {
    medianPercent: median(perRound),
    lowPercent: sorted[k - 1] ?? NaN,
    highPercent: sorted[n - k] ?? NaN,
    coverage: n > 1 ? coverage : 0,
    rounds: n,
    perRound,
  };
}

export type CostVerdict = 'met' | 'NOT met' | 'met at the median' | 'NOT met at the median';

/**
 * Against a target "under `targetPercent`": met (or not) when the whole interval is under (or
 * over) it at ≥ 95 % confidence; otherwise only the median says, and the verdict says so.
 */
export function costVerdict(cost: Cost, targetPercent: number): CostVerdict {
  if (cost.coverage >= 0.95 && cost.highPercent < targetPercent) return 'met';
  if (cost.coverage >= 0.95 && cost.lowPercent >= targetPercent) return 'NOT met';
  return cost.medianPercent < targetPercent ? 'met at the median' : 'NOT met at the median';
}

export function formatCost(cost: Cost): string {
  const pct = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(1)}`;
  return `${pct(cost.medianPercent)} % [${pct(cost.lowPercent)}, ${pct(cost.highPercent)}]`;
}
