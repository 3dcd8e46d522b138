import { DEFAULT_HEALTH_THRESHOLDS as T, HealthInputs, deriveConnectionState } from './connection-health';

const healthy: HealthInputs = {
  consecutiveFailures: 0,
  allCircuitsOpen: false,
  authFailed: false,
  onSecondary: false,
  neverConnected: false,
  quality: { calls: 10, failures: 0, errorRate: 0, rttP50Ms: 5, rttP95Ms: 10, rttP99Ms: 12 },
};

describe('deriveConnectionState', () => {
  it('given successful calls with low latency, then CONNECTED', () => {
    expect(deriveConnectionState(healthy, T)).toEqual({ state: 'CONNECTED', reason: 'healthy' });
  });
  it('given every circuit open, then DISCONNECTED', () => {
    expect(deriveConnectionState({ ...healthy, allCircuitsOpen: true }, T)).toEqual({ state: 'DISCONNECTED', reason: 'circuit_open' });
  });
  it('given three failures in a row, then DISCONNECTED; given one, then DEGRADED', () => {
    expect(deriveConnectionState({ ...healthy, consecutiveFailures: 3 }, T).state).toBe('DISCONNECTED');
    expect(deriveConnectionState({ ...healthy, consecutiveFailures: 1 }, T)).toEqual({ state: 'DEGRADED', reason: 'last_call_failed' });
  });
  it('given refused credentials, then DISCONNECTED (auth_failed)', () => {
    expect(deriveConnectionState({ ...healthy, authFailed: true }, T)).toEqual({ state: 'DISCONNECTED', reason: 'auth_failed' });
  });
  it('given no successful call yet, then DISCONNECTED', () => {
    expect(deriveConnectionState({ ...healthy, neverConnected: true }, T).reason).toBe('not_yet_connected');
  });
  it('given requests served by the secondary endpoint, then DEGRADED', () => {
    expect(deriveConnectionState({ ...healthy, onSecondary: true }, T)).toEqual({ state: 'DEGRADED', reason: 'failover' });
  });
  it('given a high error rate or a slow p95 over enough calls, then DEGRADED', () => {
    expect(deriveConnectionState({ ...healthy, quality: { ...healthy.quality, failures: 3, errorRate: 0.3 } }, T).reason).toBe('error_rate');
    expect(deriveConnectionState({ ...healthy, quality: { ...healthy.quality, rttP95Ms: 1500 } }, T).reason).toBe('latency');
  });
  it('given too few calls to judge, then rates do not degrade the connection', () => {
    expect(deriveConnectionState({ ...healthy, quality: { calls: 2, failures: 1, errorRate: 0.5, rttP95Ms: 9000 } }, T).state).toBe('CONNECTED');
  });
});
