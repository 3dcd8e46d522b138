import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('given an empty environment, when loaded, then local defaults apply and the object is frozen', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ kafkaBrokers: ['127.0.0.1:9092'], http: { port: 3001, bodyLimitBytes: 16_384 }, adminToken: null, runMigrations: true });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('given several invalid variables, when loaded, then every violation is reported at once and secrets are not echoed', () => {
    let error: unknown;
    try {
      loadConfig({ SIGNAL_HTTP_PORT: 'eighty', KAFKA_BROKERS: 'nohost', SIGNAL_ADMIN_TOKEN: 'short-secret', DATABASE_URL: 'not a url', SIGNAL_MAX_AGE_MS: '5' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const variables = (error as ConfigError).violations.map((v) => v.variable).sort();
    expect(variables).toEqual(['DATABASE_URL', 'KAFKA_BROKERS', 'SIGNAL_ADMIN_TOKEN', 'SIGNAL_HTTP_PORT', 'SIGNAL_MAX_AGE_MS']);
    expect((error as Error).message).not.toContain('short-secret');
  });

  it('given known symbols, when loaded, then they are an upper-case set', () => {
    expect(loadConfig({ SIGNAL_KNOWN_SYMBOLS: 'eurusd, XAUUSD' }).validation.knownSymbols).toEqual(new Set(['EURUSD', 'XAUUSD']));
  });
});
