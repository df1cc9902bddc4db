import { describe, expect, it } from 'vitest';
import { TurnBudget } from './turn-budget';

describe('TurnBudget', () => {
  it('lets many callers together do at most the budget between two turns of the event loop, all of them finishing', async () => {
    const budget = new TurnBudget(3);
    const perTurn: number[] = [0];
    let turning = true;
    const tick = (): void => {
      perTurn.push(0);
      if (turning) setImmediate(tick);
    };
    setImmediate(tick);
    const caller = async (pieces: number): Promise<number> => {
      for (let done = 0; done < pieces; done++) {
        const turn = budget.wait();
        if (turn) await turn;
        perTurn[perTurn.length - 1]!++;
        budget.spend(1);
      }
      return pieces;
    };
    const done = await Promise.all([caller(20), caller(20), caller(20), caller(20), caller(20)]);
    turning = false;
    expect(done).toEqual([20, 20, 20, 20, 20]);
    expect(Math.max(...perTurn)).toBe(3);
    expect(perTurn.reduce((a, b) => a + b, 0)).toBe(100);
  });
});
