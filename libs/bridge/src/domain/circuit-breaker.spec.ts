import { CircuitBreaker } from './circuit-breaker';

const breaker = () => new CircuitBreaker({ failureThreshold: 3, openDurationMs: (n) => 1000 * n });

describe('CircuitBreaker', () => {
  it('given a closed breaker, when fewer than the threshold of failures occur, then requests still flow', () => {
    const b = breaker();
    b.onFailure(0);
    b.onFailure(1);
    expect(b.state(2)).toBe('closed');
    expect(b.tryAcquire(2)).toBe(true);
  });

  it('given failures interrupted by a success, then the count starts again', () => {
    const b = breaker();
    b.onFailure(0);
    b.onFailure(1);
    b.onSuccess(2);
    b.onFailure(3);
    b.onFailure(4);
    expect(b.state(5)).toBe('closed');
  });

  it('given threshold consecutive failures, then it opens and callers fail fast until the open period ends', () => {
    const b = breaker();
    for (let t = 0; t < 3; t++) b.onFailure(t);
    expect(b.state(2)).toBe('open');
    expect(b.tryAcquire(500)).toBe(false);
    expect(b.snapshot(500)).toEqual({ state: 'open', consecutiveFailures: 3, consecutiveOpenings: 1, openUntil: 1002 });
  });

  it('given the open period passed, then exactly one probe is admitted', () => {
    const b = breaker();
    for (let t = 0; t < 3; t++) b.onFailure(t);
    expect(b.state(1002)).toBe('half_open');
    expect(b.tryAcquire(1002)).toBe(true);
    expect(b.tryAcquire(1003)).toBe(false);
  });

  it('given a successful probe, then the breaker closes', () => {
    const b = breaker();
    for (let t = 0; t < 3; t++) b.onFailure(t);
    b.tryAcquire(1002);
    b.onSuccess(1010);
    expect(b.state(1010)).toBe('closed');
    expect(b.tryAcquire(1011)).toBe(true);
  });

  it('given a failed probe, then it re-opens for a longer period', () => {
    const b = breaker();
    for (let t = 0; t < 3; t++) b.onFailure(t);
    b.tryAcquire(1002);
    b.onFailure(1010);
    expect(b.state(1010)).toBe('open');
    expect(b.snapshot(1010).openUntil).toBe(1010 + 2000);
    expect(b.tryAcquire(3009)).toBe(false);
    expect(b.tryAcquire(3010)).toBe(true);
  });

  it('given an abandoned probe, when released, then another probe may go', () => {
    const b = breaker();
    for (let t = 0; t < 3; t++) b.onFailure(t);
    b.tryAcquire(1002);
    b.releaseProbe();
    expect(b.tryAcquire(1003)).toBe(true);
  });

  it('refuses a threshold below 1', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0, openDurationMs: () => 1 })).toThrow(/failureThreshold/);
  });
});
