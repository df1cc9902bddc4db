/**
 * Synchronous work shared out among many callers so that together they do at most `budget` units
 * of it between two turns of the event loop (the deflated data sets of concurrent STOW-RS and
 * C-STORE instances, inflated by pako on this thread). A caller asks `wait()` before each piece
 * and reports what it did with `spend()`; once the budget is used, callers queue and are let
 * through one per turn (setImmediate), in order. A per-caller yield would not do: N callers
 * released in the same turn would do N budgets' worth of work before timers and I/O run again.
 */
export class TurnBudget {
  private spent = 0;
  private readonly queue: Array<() => void> = [];
  private releasing = false;

  constructor(private readonly budget: number) {}

  /** Undefined when there is budget left in this turn; else a promise of a later turn. */
  wait(): Promise<void> | undefined {
    if (this.spent < this.budget) return undefined;
    return new Promise((resolve) => {
      this.queue.push(resolve);
      if (!this.releasing) this.release();
    });
  }

  spend(units: number): void {
    this.spent += units;
  }

  private release(): void {
    this.releasing = true;
    setImmediate(() => {
      this.spent = 0;
      this.queue.shift()?.();
      if (this.queue.length > 0) this.release();
      else this.releasing = false;
    });
  }
}
