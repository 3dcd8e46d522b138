import { TokenBucketRateLimiter } from './rate-limiter';

describe('TokenBucketRateLimiter', () => {
  it('given a limit of 3 per minute, when 4 requests arrive at once, then the 4th is refused with a retry time', () => {
    let now = 0;
    const limiter = new TokenBucketRateLimiter(() => now);
    expect([1, 2, 3].map(() => limiter.take('s', 3).allowed)).toEqual([true, true, true]);
    expect(limiter.take('s', 3)).toEqual({ allowed: false, retryAfterSeconds: 20 });
    now = 20_000;
    expect(limiter.take('s', 3).allowed).toBe(true);
    expect(limiter.take('s', 3).allowed).toBe(false);
  });

  it('given two sources, when one is exhausted, then the other is unaffected', () => {
    const limiter = new TokenBucketRateLimiter(() => 0);
    limiter.take('a', 1);
    expect(limiter.take('a', 1).allowed).toBe(false);
    expect(limiter.take('b', 1).allowed).toBe(true);
  });

  it('given a long idle time, when refilled, then the burst never exceeds the limit', () => {
    let now = 0;
    const limiter = new TokenBucketRateLimiter(() => now);
    limiter.take('s', 2);
    now = 3_600_000;
    expect([1, 2, 3].map(() => limiter.take('s', 2).allowed)).toEqual([true, true, false]);
  });
});
