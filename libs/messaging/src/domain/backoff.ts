/** Settings of an exponential backoff with jitter. */
export interface BackoffPolicy {
  /** Delay before the second attempt, in milliseconds. */
  readonly initialDelayMs: number;
  /** Upper bound of any delay, in milliseconds. */
  readonly maxDelayMs: number;
  /** Growth factor between consecutive delays. */
  readonly multiplier: number;
  /** Fraction (0..1) of the delay that is randomised, so that many consumers do not retry in lockstep. */
  readonly jitter: number;
}

/**
 * Returns the delay to wait after failed attempt number `attempt` (1-based): initialDelayMs * multiplier^(attempt-1),
 * spread by +/- jitter using `random` (a value in [0, 1)), and capped at maxDelayMs.
 */
export function backoffDelayMs(policy: BackoffPolicy, attempt: number, random: number): number {
  const exponential = policy.initialDelayMs * Math.pow(policy.multiplier, Math.max(0, attempt - 1));
  const base = Math.min(policy.maxDelayMs, exponential);
  const spread = base * policy.jitter * (2 * random - 1);
  return Math.round(Math.min(policy.maxDelayMs, Math.max(0, base + spread)));
}
