/**
 * How the event loop turned while `work` ran: a 5 ms timer counts its ticks and the longest gap
 * between two. Work kept off this thread (the codec worker pool) leaves the gaps short and the
 * ticks about elapsed / 5.
 */
export async function eventLoopTurnsDuring<T>(
  work: () => Promise<T>,
): Promise<{ result: T; ticks: number; worstGap: number; elapsed: number }> {
  let ticks = 0;
  let worstGap = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worstGap = Math.max(worstGap, now - last);
    last = now;
    ticks++;
  }, 5);
  const start = performance.now();
  try {
    const result = await work();
    return { result, ticks, worstGap, elapsed: performance.now() - start };
  } finally {
    clearInterval(timer);
  }
}
