import { AppError } from '../../shared/errors';

/**
 * Slows guessing: after `freeFailures` failures of one key (an account, a client address, a
 * share's PIN) within `windowMs`, the key is locked for a delay that doubles with each further
 * failure, up to `maxLockMs`. A lock is a 429 with Retry-After, checked before any password work.
 * In memory: one archive process; a restart forgets, which costs an attacker a restart per
 * window. Doubling instead of a hard lockout keeps an attacker from locking a radiologist out
 * for the day.
 */
export class FailureThrottle {
  private readonly failures = new Map<string, { count: number; first: number; lockedUntil: number }>();

  constructor(
    private readonly freeFailures: number,
    private readonly windowMs = 15 * 60_000,
    private readonly firstLockMs = 30_000,
    private readonly maxLockMs = 15 * 60_000,
  ) {}

  /** Throws 429 while the key is locked. */
  check(key: string, now = Date.now()): void {
    const entry = this.failures.get(key);
    if (entry && entry.lockedUntil > now) {
      const seconds = Math.ceil((entry.lockedUntil - now) / 1000);
      throw new AppError('TOO_MANY_REQUESTS', `Too many failed attempts; try again in ${seconds} s.`, { retryAfterSeconds: seconds });
    }
  }

  fail(key: string, now = Date.now()): void {
    let entry = this.failures.get(key);
    if (!entry || now - entry.first > this.windowMs) {
      entry = { count: 0, first: now, lockedUntil: 0 };
      this.failures.set(key, entry);
    }
    entry.count += 1;
    const over = entry.count - this.freeFailures;
    if (over >= 0) entry.lockedUntil = now + Math.min(this.maxLockMs, this.firstLockMs * 2 ** over);
    if (this.failures.size > 100_000) this.sweep(now);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.failures) if (now - entry.first > this.windowMs && entry.lockedUntil < now) this.failures.delete(key);
  }
}
