import { ConfigError } from '@tradebridge/observability';
import { loadConfig } from './config';

describe('sync config', () => {
  it('given no variables, when loaded, then the defaults give a 1 Hz sync with a deadline below the interval', () => {
    const c = loadConfig({});
    expect(c.timing.intervalMs).toBe(1_000);
    expect(c.timing.deadlineMs).toBeLessThan(c.timing.intervalMs);
    expect(c.timing.heartbeatMs).toBe(5_000);
    expect(c.health.intervalMs).toBe(10_000);
    expect(c.alerts).toMatchObject({ syncDelayMs: 2_000, rejectionRate: 0.2, disconnectedSeconds: 30 });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('given several bad variables, when loaded, then one error names every one of them', () => {
    let error: unknown;
    try {
      loadConfig({ SYNC_INTERVAL: 'fast', SYNC_MAX_CONCURRENCY: '0', KAFKA_BROKERS: 'nohostport', SYNC_HTTP_PORT: 'http' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['SYNC_INTERVAL', 'SYNC_MAX_CONCURRENCY', 'KAFKA_BROKERS', 'SYNC_HTTP_PORT']) expect(message).toContain(name);
  });

  it('given a deadline far beyond the interval, then it is refused naming the field', () => {
    expect(() => loadConfig({ SYNC_INTERVAL: '100ms', SYNC_DEADLINE: '10s' })).toThrow(/SYNC_DEADLINE/);
  });
});
