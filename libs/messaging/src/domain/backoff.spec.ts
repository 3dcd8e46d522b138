import { backoffDelayMs } from './backoff';

const policy = { initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 2, jitter: 0.2 };

describe('backoffDelayMs', () => {
  it('grows exponentially with the attempt number when the jitter sits in the middle', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(policy, a, 0.5))).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds the maximum delay', () => {
    expect(backoffDelayMs(policy, 10, 0.999)).toBe(1_000);
  });

  it('spreads the delay by the jitter fraction in both directions', () => {
    expect(backoffDelayMs(policy, 2, 0)).toBe(160);
    expect(backoffDelayMs(policy, 2, 1)).toBe(240);
  });
});
