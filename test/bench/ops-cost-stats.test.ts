import { describe, expect, it } from 'vitest';
import { costOf, costVerdict, formatCost, median, percentile } from './ops-cost-stats';

describe('bench:ops statistics', () => {
  it('takes medians and nearest-rank percentiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile([5, 1, 4, 2, 3, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([5, 1, 4, 2, 3, 6, 7, 8, 9, 10], 50)).toBe(5);
  });

  it('pairs the rounds: a cost is on / off − 1 per round, whatever the drift between rounds', () => {
    // the machine twice as slow in round 2: the feature still costs 10 % in each round
    const cost = costOf([1.1, 2.2, 1.1], [1, 2, 1]);
    expect(cost.perRound.map((p) => Number(p.toFixed(6)))).toEqual([10, 10, 10]);
    expect(cost.medianPercent).toBeCloseTo(10, 9);
  });

  it('gives the sign-test interval of the median: 3rd and 10th of 12 rounds at 96.1 %', () => {
    const off = Array.from({ length: 12 }, () => 100);
    const on = [95, 101, 102, 99, 103, 97, 104, 100, 106, 98, 105, 107];
    const cost = costOf(on, off);
    expect(cost.lowPercent).toBeCloseTo(-2, 9); // sorted: −5 −3 −2 −1 0 1 2 3 4 5 6 7
    expect(cost.highPercent).toBeCloseTo(5, 9);
    expect(cost.coverage).toBeCloseTo(1 - (2 * (1 + 12 + 66)) / 4096, 12);
    expect(cost.medianPercent).toBeCloseTo(1.5, 9);
    expect(formatCost(cost)).toBe('+1.5 % [−2.0, +5.0]');
  });

  it('says when too few rounds reach 95 %: 5 rounds give min…max at 93.75 %', () => {
    const cost = costOf([101, 102, 100, 101, 101], [100, 100, 100, 100, 100]);
    expect(cost.coverage).toBe(0.9375);
    expect([cost.lowPercent, cost.highPercent].map((p) => Number(p.toFixed(6)))).toEqual([0, 2]);
    expect(costVerdict(cost, 3)).toBe('met at the median');
  });

  it('judges against the target only with a 95 % interval', () => {
    const rounds = (costs: number[]) =>
      costOf(
        costs.map((c) => 100 + c),
        costs.map(() => 100),
      );
    expect(costVerdict(rounds([0, 1, 2, 1, 0, 1, 2, 1]), 3)).toBe('met');
    expect(costVerdict(rounds([4, 5, 6, 5, 4, 5, 6, 5]), 3)).toBe('NOT met');
    expect(costVerdict(rounds([0, 5, 1, 6, 2, 1, 0, 8]), 3)).toBe('met at the median');
    expect(costVerdict(rounds([2, 5, 4, 6, 2, 4, 0, 8]), 3)).toBe('NOT met at the median');
  });
});
