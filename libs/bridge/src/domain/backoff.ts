/** Exponential backoff with jitter, as used for reconnection attempts and circuit-breaker open periods. */
export interface BackoffPolicy {
  /** Delay before the first retry, in ms. */
  readonly initialMs: number;
  /** Ceiling of any delay, in ms. */
  readonly maxMs: number;
  /** Growth factor per attempt (2 doubles the delay). */
  readonly multiplier: number;
  /**
   * `full`: uniform in [0, d]; `equal`: uniform in [d/2, d] (never hammers immediately); `none`: exactly d.
   * Jitter spreads the reconnects of many accounts that failed together, so they do not retry in lockstep.
   */
  readonly jitter: 'full' | 'equal' | 'none';
}

/** A sensible default for reconnecting to a terminal: 250 ms doubling up to 30 s, equal jitter. */
export const DEFAULT_RECONNECT_BACKOFF: BackoffPolicy = Object.freeze({ initialMs: 250, maxMs: 30_000, multiplier: 2, jitter: 'equal' });

/**
 * Computes the delay before retry number `attempt` (0 for the first retry). `random` is a number in [0, 1) supplied
 * by the caller, so the function is deterministic under test.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: number): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`attempt must be a non-negative integer, got ${attempt}`);
  if (!(random >= 0 && random < 1)) throw new RangeError(`random must be in [0, 1), got ${random}`);
  // Cap the exponent so huge attempt counts cannot overflow to Infinity before the ceiling applies.
  const exponential = policy.initialMs * Math.pow(policy.multiplier, Math.min(attempt, 60));
  const ceiling = Math.min(policy.maxMs, exponential);
  switch (policy.jitter) {
    case 'none':
      return ceiling;
    case 'full':
      return Math.floor(random * ceiling);
    case 'equal':
      return Math.floor(ceiling / 2 + random * (ceiling / 2));
    default: {
      const _exhaustive: never = policy.jitter;
      return _exhaustive;
    }
  }
}
