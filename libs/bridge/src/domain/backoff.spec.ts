import * as fc from 'fast-check';
import { BackoffPolicy, backoffDelay } from './backoff';

const policy = (jitter: BackoffPolicy['jitter']): BackoffPolicy => ({ initialMs: 100, maxMs: 5_000, multiplier: 2, jitter });

describe('backoffDelay', () => {
  it('given no jitter, when attempts grow, then the delay doubles up to the ceiling', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 100].map((a) => backoffDelay(policy('none'), a, 0.5))).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it('given equal jitter, then the delay lies in [d/2, d]', () => {
    expect(backoffDelay(policy('equal'), 3, 0)).toBe(400);
    expect(backoffDelay(policy('equal'), 3, 0.999999)).toBe(799);
    fc.assert(
      fc.property(fc.nat(200), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const d = backoffDelay(policy('equal'), attempt, r);
        const ceiling = Math.min(5000, 100 * 2 ** Math.min(attempt, 60));
        return d >= Math.floor(ceiling / 2) && d <= ceiling;
      }),
    );
  });

  it('given full jitter, then the delay lies in [0, d]', () => {
    expect(backoffDelay(policy('full'), 2, 0)).toBe(0);
    expect(backoffDelay(policy('full'), 2, 0.5)).toBe(200);
  });

  it('refuses a negative attempt or a random number outside [0, 1)', () => {
    expect(() => backoffDelay(policy('none'), -1, 0)).toThrow(/attempt/);
    expect(() => backoffDelay(policy('none'), 0, 1)).toThrow(/random/);
  });
});
