/**
 * Per-account token buckets on the wall clock (requests really arrive in wall time, whatever the market clock
 * says). Capacity is one second's worth of requests.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number; rate: number }>();

  /** Takes one token; returns 0 when allowed, else the milliseconds until a token is available. */
  take(accountId: string, perSecond: number, now = Date.now()): number {
    if (!(perSecond > 0)) return 0;
    let b = this.buckets.get(accountId);
    if (!b || b.rate !== perSecond) {
      b = { tokens: perSecond, at: now, rate: perSecond };
      this.buckets.set(accountId, b);
    }
    b.tokens = Math.min(perSecond, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) / perSecond) * 1000);
  }

  forget(accountId: string): void {
    this.buckets.delete(accountId);
  }
}
