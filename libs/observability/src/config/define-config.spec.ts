import { z } from 'zod';
import { ConfigError, defineConfig } from './define-config';
import { bool, duration, int, list, checkHostPort, oneOf, port, secret, str, url } from './fields';

const schema = z.object({
  HTTP_PORT: port({ default: 8080 }),
  DATABASE_URL: url({ protocols: ['postgres', 'postgresql'] }),
  KAFKA_BROKERS: list({ item: checkHostPort }),
  REQUEST_TIMEOUT: duration({ default: 2000, max: '1m' }),
  DRY_RUN: bool({ default: false }),
  METAAPI_TOKEN: secret(),
  MAX_RETRIES: int({ min: 0, max: 10, default: 3 }),
  LOG_LEVEL: oneOf(['debug', 'info', 'warn'] as const, { default: 'info' }),
  REGION: str({ optional: true }),
});

const valid = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/tradebridge',
  KAFKA_BROKERS: '127.0.0.1:19092, 127.0.0.1:19093',
  METAAPI_TOKEN: 'tok-123456',
};

function violationsOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('defineConfig', () => {
  it('given valid variables, returns typed values with defaults applied', () => {
    const config = defineConfig(schema, { ...valid, REQUEST_TIMEOUT: '1.5s', DRY_RUN: 'YES' });

    expect(config).toEqual({
      HTTP_PORT: 8080,
      DATABASE_URL: valid.DATABASE_URL,
      KAFKA_BROKERS: ['127.0.0.1:19092', '127.0.0.1:19093'],
      REQUEST_TIMEOUT: 1500,
      DRY_RUN: true,
      METAAPI_TOKEN: 'tok-123456',
      MAX_RETRIES: 3,
      LOG_LEVEL: 'info',
      REGION: undefined,
    });
  });

  it('returns a deeply frozen object', () => {
    const config = defineConfig(schema, valid);

    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.KAFKA_BROKERS)).toBe(true);
    expect(() => (config.KAFKA_BROKERS as string[]).push('x')).toThrow(TypeError);
  });

  it('given several bad variables, reports every one of them in a single error', () => {
    const error = violationsOf(() =>
      defineConfig(schema, {
        HTTP_PORT: '70000',
        DATABASE_URL: 'http://example.com/db',
        KAFKA_BROKERS: 'localhost:9092,nonsense',
        REQUEST_TIMEOUT: '500',
        DRY_RUN: 'maybe',
        MAX_RETRIES: '11',
        LOG_LEVEL: 'loud',
      }),
    );

    expect(error.violations).toEqual([
      { variable: 'HTTP_PORT', problem: 'expected a port number from 1 to 65535, got "70000"' },
      { variable: 'DATABASE_URL', problem: 'expected a postgres or postgresql URL, got a http URL, got "http://example.com/db"' },
      { variable: 'KAFKA_BROKERS', problem: 'item 2 ("nonsense"): expected host:port, got "localhost:9092,nonsense"' },
      { variable: 'REQUEST_TIMEOUT', problem: 'expected a duration with a unit, e.g. 500ms, 2s, 5m or 1h, got "500"' },
      { variable: 'DRY_RUN', problem: 'expected true or false (also 1/0, yes/no, on/off), got "maybe"' },
      { variable: 'METAAPI_TOKEN', problem: 'required but not set' },
      { variable: 'MAX_RETRIES', problem: 'expected an integer from 0 to 10, got "11"' },
      { variable: 'LOG_LEVEL', problem: 'expected one of debug, info, warn, got "loud"' },
    ]);
    expect(error.message).toMatch(/^invalid configuration \(8 problems\):\n {2}HTTP_PORT: /);
  });

  it('never echoes the value of a secret, even when it is invalid', () => {
    const strict = z.object({ SIGNING_SECRET: secret({ minLength: 32 }), API_PASSWORD: secret({ minLength: 12 }).optional() });

    const error = violationsOf(() => defineConfig(strict, { SIGNING_SECRET: 'hunter2-short', API_PASSWORD: 'pw-short' }));

    expect(error.violations).toEqual([
      { variable: 'SIGNING_SECRET', problem: 'expected at least 32 characters' },
      { variable: 'API_PASSWORD', problem: 'expected at least 12 characters' },
    ]);
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('pw-short');
  });

  it('treats empty variables as unset', () => {
    const error = violationsOf(() => defineConfig(schema, { ...valid, METAAPI_TOKEN: '  ', HTTP_PORT: '' }));

    expect(error.violations).toEqual([{ variable: 'METAAPI_TOKEN', problem: 'required but not set' }]);
  });

  it('reports plain zod fields too, and lets the schema reshape the result', () => {
    const reshaped = z
      .object({ HTTP_PORT: port({ default: 3000 }), SERVICE_NAME: z.string() })
      .transform((env) => ({ http: { port: env.HTTP_PORT }, serviceName: env.SERVICE_NAME }));

    expect(violationsOf(() => defineConfig(reshaped, {})).violations).toEqual([{ variable: 'SERVICE_NAME', problem: 'required but not set' }]);
    const config = defineConfig(reshaped, { SERVICE_NAME: 'execution' });
    expect(config).toEqual({ http: { port: 3000 }, serviceName: 'execution' });
    expect(Object.isFrozen(config.http)).toBe(true);
  });
});

describe('duration', () => {
  it.each([
    ['250ms', 250],
    ['2s', 2000],
    ['1.5m', 90_000],
    ['1h', 3_600_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(defineConfig(z.object({ D: duration() }), { D: text }).D).toBe(ms);
  });

  it('refuses values outside its bounds', () => {
    const error = violationsOf(() => defineConfig(z.object({ D: duration({ min: '10ms', max: '1s' }) }), { D: '2s' }));
    expect(error.violations).toEqual([{ variable: 'D', problem: 'expected a duration from 10ms to 1s, got "2s"' }]);
  });
});
