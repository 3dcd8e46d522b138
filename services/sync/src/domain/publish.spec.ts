import { fingerprint, shouldPublish } from './publish';
import { position, state } from './spec-builders';

describe('publish decision', () => {
  it('given a change, then publish it (not a heartbeat)', () => {
    expect(shouldPublish({ changed: true, lastPublishedAtMs: 1_000, nowMs: 1_100, heartbeatMs: 5_000 })).toEqual({ publish: true, heartbeat: false });
  });

  it('given no change, then publish a heartbeat only once the interval has passed', () => {
    expect(shouldPublish({ changed: false, lastPublishedAtMs: 1_000, nowMs: 5_999, heartbeatMs: 5_000 }).publish).toBe(false);
    expect(shouldPublish({ changed: false, lastPublishedAtMs: 1_000, nowMs: 6_000, heartbeatMs: 5_000 })).toEqual({ publish: true, heartbeat: true });
    expect(shouldPublish({ changed: false, lastPublishedAtMs: undefined, nowMs: 0, heartbeatMs: 5_000 }).publish).toBe(true);
  });

  it('given a floating profit or equity move, then the fingerprint changes; given the same state, it does not', () => {
    const a = fingerprint(state([position('1', { profit: 1 })]));
    expect(fingerprint(state([position('1', { profit: 1 })]))).toBe(a);
    expect(fingerprint(state([position('1', { profit: 2 })]))).not.toBe(a);
    expect(fingerprint(state([position('1', { profit: 1 })], [], { equity: 10_001 }))).not.toBe(a);
  });
});
