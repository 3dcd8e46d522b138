import { ConfigError } from '@tradebridge/observability';
import { loadConfig } from './config';

describe('execution configuration', () => {
  it('given no environment, then the defaults apply', () => {
    const c = loadConfig({});
    expect(c.concurrency).toEqual({ global: 256, perAccount: 2 });
    expect(c.retry.marketClosedRetryMs).toBe(30_000);
    expect(c.topicPrefix).toBe('');
  });

  it('given several bad variables, then every one is reported at once, and a secret is never echoed', () => {
    let error: unknown;
    try {
      loadConfig({ KAFKA_BROKERS: 'nohostport', EXECUTION_TRADE_TIMEOUT: '10', EXECUTION_OPERATOR_TOKEN: 'short-secret-value' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const violations = (error as ConfigError).violations.map((v) => v.variable).sort();
    expect(violations).toEqual(['EXECUTION_OPERATOR_TOKEN', 'EXECUTION_TRADE_TIMEOUT', 'KAFKA_BROKERS']);
    expect((error as ConfigError).message).not.toContain('short-secret-value');
  });
});
