import { firstDue, nextDue, phaseOf } from './schedule';

describe('schedule', () => {
  it('given 1,000 accounts, when phased over one second, then they spread over the interval (no thundering herd)', () => {
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 1_000; i++) buckets[Math.floor(phaseOf(`acc-${i}-${i * 7919}`, 1_000) / 100)]! += 1;
    for (const b of buckets) {
      expect(b).toBeGreaterThan(60);
      expect(b).toBeLessThan(140);
    }
  });

  it('given an account, then its phase is stable and inside the interval', () => {
    expect(phaseOf('a', 1_000)).toBe(phaseOf('a', 1_000));
    expect(phaseOf('a', 1_000)).toBeGreaterThanOrEqual(0);
    expect(phaseOf('a', 1_000)).toBeLessThan(1_000);
  });

  it('given now, then the first due time is the next slot on the account grid', () => {
    const phase = phaseOf('x', 1_000);
    const due = firstDue('x', 1_000, 10_000_000);
    expect(due).toBeGreaterThanOrEqual(10_000_000);
    expect(due - 10_000_000).toBeLessThan(1_000);
    expect(due % 1_000).toBe(phase);
  });

  it('given a cycle on time, then the next is one interval later', () => {
    expect(nextDue(5_000, 1_000, 5_300)).toEqual({ dueMs: 6_000, skipped: 0 });
  });

  it('given a cycle that overran several intervals, then the missed slots are skipped, not run in a burst', () => {
    expect(nextDue(5_000, 1_000, 8_500)).toEqual({ dueMs: 9_000, skipped: 3 });
  });
});
