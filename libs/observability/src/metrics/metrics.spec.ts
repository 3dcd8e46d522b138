import { createMetricsRegistry, latencyHistogram, startTimerMs, LATENCY_BUCKETS_MS } from './metrics';

describe('metrics', () => {
  it('labels every metric with the service and includes process metrics', async () => {
    const registry = createMetricsRegistry({ serviceName: 'risk' });
    const histogram = latencyHistogram({ name: 'tradebridge_test_latency_ms', help: 'Test.', labelNames: ['outcome'], registry });

    startTimerMs(histogram, { outcome: 'ok' })();

    const text = await registry.metrics();
    expect(text).toContain('tradebridge_test_latency_ms_count{service="risk",outcome="ok"} 1');
    expect(text).toMatch(/process_cpu_user_seconds_total\{service="risk"\}/);
    for (const bucket of LATENCY_BUCKETS_MS) expect(text).toContain(`le="${bucket}"`);
  });

  it('returns the registered histogram when asked for the same name twice', () => {
    const registry = createMetricsRegistry({ serviceName: 'risk', defaultMetrics: false });
    const first = latencyHistogram({ name: 'tradebridge_again_ms', help: 'Test.', registry });
    expect(latencyHistogram({ name: 'tradebridge_again_ms', help: 'Test.', registry })).toBe(first);
  });

  it('insists on the unit in the name', () => {
    expect(() => latencyHistogram({ name: 'tradebridge_latency_seconds', help: 'x' })).toThrow(/must end in _ms/);
  });
});
