/** closed: requests flow; open: requests fail fast; half_open: one probe request decides. */
export type BreakerState = 'closed' | 'open' | 'half_open';

/** Settings of a circuit breaker. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /**
   * How long the circuit stays open before the next probe, given how many times in a row it has opened (1 for the
   * first). Typically `backoffDelay` with a jitter source, so a dead account is probed less and less often.
   */
  readonly openDurationMs: (consecutiveOpenings: number) => number;
}

/** A plain-data view of a breaker, for metrics and logs. */
export interface BreakerSnapshot {
  readonly state: BreakerState;
  readonly consecutiveFailures: number;
  readonly consecutiveOpenings: number;
  /** When an open circuit lets its next probe through (epoch ms); undefined unless open. */
  readonly openUntil?: number;
}

/**
 * A per-account circuit breaker: after `failureThreshold` consecutive failures it opens and callers fail fast, so
 * a dead account costs nothing and cannot slow the others; after the open period one probe is let through
 * (half-open), and its outcome closes or re-opens the circuit. Time comes in as arguments (epoch ms).
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openings = 0;
  private openUntil = 0;
  private probeInFlight = false;

  constructor(private readonly options: CircuitBreakerOptions) {
    if (!Number.isInteger(options.failureThreshold) || options.failureThreshold < 1) {
      throw new RangeError(`failureThreshold must be a positive integer, got ${options.failureThreshold}`);
    }
  }

  /** The state at `now`: an open circuit whose period has passed reads as half-open. */
  state(now: number): BreakerState {
    if (this.current === 'open' && now >= this.openUntil) return 'half_open';
    return this.current;
  }

  /**
   * Asks to send one request at `now`. Returns false when the caller must fail fast. In half-open state only one
   * probe is admitted until its outcome is reported.
   */
  tryAcquire(now: number): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'open') return false;
    if (this.probeInFlight) return false;
    this.current = 'half_open';
    this.probeInFlight = true;
    return true;
  }

  /** Reports a request that proved the endpoint works. */
  onSuccess(_now: number): void {
    this.current = 'closed';
    this.failures = 0;
    this.openings = 0;
    this.probeInFlight = false;
  }

  /** Reports a request that failed for connectivity reasons (timeouts, refused connections, auth failures). */
  onFailure(now: number): void {
    this.failures += 1;
    const wasProbe = this.current === 'half_open';
    this.probeInFlight = false;
    if (wasProbe || (this.current === 'closed' && this.failures >= this.options.failureThreshold)) {
      this.openings += 1;
      this.current = 'open';
      this.openUntil = now + Math.max(0, this.options.openDurationMs(this.openings));
    }
  }

  /**
   * Forgets a probe whose outcome says nothing about connectivity (e.g. a broker rejection arrived, which proves the
   * path works: callers report that as success instead). Used when a probe is abandoned without an answer.
   */
  releaseProbe(): void {
    this.probeInFlight = false;
  }

  snapshot(now: number): BreakerSnapshot {
    const state = this.state(now);
    return state === 'open'
      ? { state, consecutiveFailures: this.failures, consecutiveOpenings: this.openings, openUntil: this.openUntil }
      : { state, consecutiveFailures: this.failures, consecutiveOpenings: this.openings };
  }
}
