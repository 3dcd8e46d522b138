import { ConfigError } from '@tradebridge/observability';
import { loadConfig } from './config';

describe('risk configuration', () => {
  it('given nothing set, then the defaults', () => {
    const c = loadConfig({});
    expect(c.http.port).toBe(3002);
    expect(c.decisions.defaultSignalTtlMs).toBe(30_000);
    expect(c.decisions.fleetCaps).toEqual({});
  });

  it('given fleet caps, then they are parsed per symbol', () => {
    expect(loadConfig({ RISK_FLEET_CAPS: 'EURUSD=50,XAUUSD=2.5' }).decisions.fleetCaps).toEqual({ EURUSD: 50, XAUUSD: 2.5 });
  });

  it('given several bad variables, then every one is reported at once', () => {
    try {
      loadConfig({ RISK_HTTP_PORT: 'abc', RISK_FLEET_CAPS: 'EURUSD', DATABASE_URL: 'mysql://x' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const vars = (e as ConfigError).violations.map((v) => v.variable).sort();
      expect(vars).toEqual(['DATABASE_URL', 'RISK_FLEET_CAPS', 'RISK_HTTP_PORT']);
    }
  });
});
