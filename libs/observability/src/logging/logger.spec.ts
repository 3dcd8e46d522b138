import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { NestLoggerAdapter } from './nest-logger';
import { REDACTED, redactObject, redactText, secretKeyMatcher } from './redact';

/** A destination that keeps every line the logger writes, parsed. */
class CapturedLines extends Writable {
  readonly lines: Record<string, any>[] = [];
  readonly raw: string[] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.raw.push(chunk.toString());
    this.lines.push(JSON.parse(chunk.toString()));
    done();
  }
}

function capture(level = 'trace') {
  const out = new CapturedLines();
  return { out, logger: createLogger({ serviceName: 'execution', level, destination: out }) };
}

describe('createLogger', () => {
  it('writes one JSON line with time, level name, service and message', () => {
    const { out, logger } = capture();

    logger.info({ accountId: 'acc-1' }, 'order placed');

    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatchObject({ level: 'info', service: 'execution', accountId: 'acc-1', msg: 'order placed' });
    expect(new Date(out.lines[0]!.time).toISOString()).toBe(out.lines[0]!.time);
  });

  it('redacts tokens, passwords, api keys and auth headers at any depth', () => {
    const { out, logger } = capture();

    logger.info(
      {
        metaApiToken: 'tok-live-123',
        request: { headers: { authorization: 'Bearer abcdefghijk', 'x-api-key': 'k-999', 'content-type': 'application/json' } },
        account: { login: 42, broker: { password: 'p@ss' } },
        sources: [{ id: 's1', webhook_secret: 'shh' }],
        idempotencyKey: 'keep-me',
      },
      'calling broker',
    );

    const line = out.lines[0]!;
    expect(line.metaApiToken).toBe(REDACTED);
    expect(line.request.headers).toEqual({ authorization: REDACTED, 'x-api-key': REDACTED, 'content-type': 'application/json' });
    expect(line.account).toEqual({ login: 42, broker: { password: REDACTED } });
    expect(line.sources).toEqual([{ id: 's1', webhook_secret: REDACTED }]);
    expect(line.idempotencyKey).toBe('keep-me');
    for (const secret of ['tok-live-123', 'abcdefghijk', 'k-999', 'p@ss', 'shh']) expect(out.raw[0]).not.toContain(secret);
  });

  it('redacts secrets in child bindings, messages and error texts', () => {
    const { out, logger } = capture();

    logger.child({ authToken: 'child-secret' }).error(
      new Error('connect to postgres://svc:db-pass@db:5432/x failed; header was Bearer eyJhbGciOiJIUzI1NiJ9.payload'),
    );
    logger.warn('retrying https://api.example.com/trade?account=7&token=query-secret');

    const all = out.raw.join('');
    for (const secret of ['child-secret', 'db-pass', 'eyJhbGciOiJIUzI1NiJ9', 'query-secret']) expect(all).not.toContain(secret);
    expect(out.lines[0]!.authToken).toBe(REDACTED);
    expect(out.lines[0]!.err.message).toContain(`postgres://svc:${REDACTED}@db:5432/x`);
    expect(out.lines[1]!.msg).toBe(`retrying https://api.example.com/trade?account=7&token=${REDACTED}`);
  });

  it('redacts the secret properties of an error object', () => {
    const { out, logger } = capture();
    const err = Object.assign(new Error('request failed'), { config: { headers: { Authorization: 'Basic dXNlcjpwYXNz' } } });

    logger.error({ err }, 'broker call failed');

    expect(out.lines[0]!.err).toMatchObject({ message: 'request failed', config: { headers: { Authorization: REDACTED } } });
  });

  it('refuses an unknown LOG_LEVEL with its name', () => {
    expect(() => createLogger({ serviceName: 'x', level: 'verbose' })).toThrow(/LOG_LEVEL must be one of/);
  });
});

describe('redaction helpers', () => {
  it('returns objects without secrets unchanged (no copy)', () => {
    const value = { a: 1, nested: { b: [1, 2, { c: 'x' }] } };
    expect(redactObject(value, secretKeyMatcher())).toBe(value);
  });

  it('accepts extra key names', () => {
    expect(redactObject({ accountLogin: 123, other: 1 }, secretKeyMatcher(['account_login']))).toEqual({ accountLogin: REDACTED, other: 1 });
  });

  it('leaves prose that merely mentions Basic or Bearer alone', () => {
    expect(redactText('Basic checks passed; Bearer tokens expire')).toBe('Basic checks passed; Bearer tokens expire');
  });
});

describe('NestLoggerAdapter', () => {
  it('maps Nest calls to levels with the context and the stack', () => {
    const { out, logger } = capture();
    const nest = new NestLoggerAdapter(logger);

    nest.log('Nest application successfully started', 'NestApplication');
    nest.error('boom', 'Error: boom\n    at somewhere (file.ts:1:1)', 'ExceptionsHandler');
    nest.verbose({ routes: 3 }, 'RoutesResolver');

    expect(out.lines.map((l) => [l.level, l.context, l.msg])).toEqual([
      ['info', 'NestApplication', 'Nest application successfully started'],
      ['error', 'ExceptionsHandler', 'boom'],
      ['trace', 'RoutesResolver', undefined],
    ]);
    expect(out.lines[1]!.err.stack).toContain('at somewhere');
    expect(out.lines[2]!.routes).toBe(3);
  });
});
