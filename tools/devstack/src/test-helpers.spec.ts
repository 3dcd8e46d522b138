import { testInfra, uniqueName, waitFor } from './test-helpers';

describe('testInfra', () => {
  it('defaults to the devstack test profile', () => {
    expect(testInfra({})).toEqual({
      kafkaBrokers: ['127.0.0.1:19092'],
      schemaRegistryUrl: 'http://127.0.0.1:18081/apis/ccompat/v7',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/tradebridge_test',
    });
  });

  it('reads comma-separated brokers and the other endpoints from the environment', () => {
    const infra = testInfra({ KAFKA_BROKERS: 'a:1, b:2,', SCHEMA_REGISTRY_URL: 'http://r/apis/ccompat/v7', DATABASE_URL: 'postgres://x/db' });
    expect(infra).toEqual({ kafkaBrokers: ['a:1', 'b:2'], schemaRegistryUrl: 'http://r/apis/ccompat/v7', databaseUrl: 'postgres://x/db' });
  });
});

describe('uniqueName', () => {
  it('never repeats and keeps to characters valid in topic and group names', () => {
    const names = Array.from({ length: 500 }, () => uniqueName('Orders.Placed v1!'));
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) {
      expect(n).toMatch(/^orders-placed-v1-[a-z0-9_-]+$/);
      expect(n.length).toBeLessThan(120);
    }
  });
});

describe('waitFor', () => {
  it('returns the first truthy value of the condition', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? { calls } : undefined), { intervalMs: 1 });
    expect(value).toEqual({ calls: 3 });
  });

  it('keeps polling through errors and reports the last one at the deadline', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('not yet');
        },
        { timeoutMs: 50, intervalMs: 5, message: 'the answer' },
      ),
    ).rejects.toThrow(/timed out after 50 ms waiting for the answer; last error: not yet/);
  });
});
