import { ConfigError, loadConfig } from './config';

describe('audit configuration', () => {
  it('given an empty environment, when loaded, then the defaults are used', () => {
    const c = loadConfig({});
    expect(c.consumerGroup).toBe('audit');
    expect(c.http.port).toBe(3005);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('given several bad variables, when loaded, then one error names all of them', () => {
    let error: unknown;
    try {
      loadConfig({ AUDIT_HTTP_PORT: 'x', AUDIT_BATCH_MAX_ROWS: '0', KAFKA_TOPIC_PREFIX: 'a b' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['AUDIT_HTTP_PORT', 'AUDIT_BATCH_MAX_ROWS', 'KAFKA_TOPIC_PREFIX']) expect(message).toContain(name);
  });
});
