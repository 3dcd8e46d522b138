import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('given an empty environment, when loaded, then local defaults apply and the object is frozen', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ kafkaBrokers: ['127.0.0.1:9092'], http: { port: 3001, bodyLimitBytes: 16_384 }, adminToken: null, runMigrations: true });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('given several invalid variables, when loaded, then every violation is reported at once', () => {
    let error: unknown;
    try {
      loadConfig({ SIGNAL_HTTP_PORT: 'eighty', KAFKA_BROKERS: 'nohost', SIGNAL_ADMIN_TOKEN: 'short', DATABASE_URL: 'not a url' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const fields = (error as ConfigError).problems.map((p) => p.split(':')[0]).sort();
    expect(fields).toEqual(['DATABASE_URL', 'KAFKA_BROKERS.0', 'SIGNAL_ADMIN_TOKEN', 'SIGNAL_HTTP_PORT']);
  });

  it('given known symbols, when loaded, then they are an upper-case set', () => {
    expect(loadConfig({ SIGNAL_KNOWN_SYMBOLS: 'eurusd, XAUUSD' }).validation.knownSymbols).toEqual(new Set(['EURUSD', 'XAUUSD']));
  });
});
