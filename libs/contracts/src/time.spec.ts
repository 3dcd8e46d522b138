import { fromMicros, nowMicros, toMicros } from './time';

describe('time', () => {
  it('converts dates to microseconds and back', () => {
    const d = new Date('2026-11-23T08:00:00.123Z');
    expect(toMicros(d)).toBe(1795420800123000);
    expect(fromMicros(1795420800123999).toISOString()).toBe('2026-11-23T08:00:00.123Z');
  });

  it('reads the clock in whole microseconds within a couple of milliseconds of the wall clock', () => {
    const before = Date.now() * 1000;
    const now = nowMicros();
    const after = Date.now() * 1000;
    expect(Number.isSafeInteger(now)).toBe(true);
    expect(now).toBeGreaterThanOrEqual(before - 2000);
    expect(now).toBeLessThanOrEqual(after + 2000);
  });
});
