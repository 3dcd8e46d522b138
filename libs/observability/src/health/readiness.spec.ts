import { ReadinessChecks } from './readiness';

describe('ReadinessChecks', () => {
  it('given no checks, is ready', async () => {
    await expect(new ReadinessChecks().evaluate()).resolves.toEqual({ status: 'ready', checks: {} });
  });

  it('given every check up, is ready and lists each', async () => {
    const checks = new ReadinessChecks().register('db', async () => undefined).register('kafka', async () => 'connected');

    const report = await checks.evaluate();

    expect(report.status).toBe('ready');
    expect(report.checks).toEqual({
      db: { status: 'up', durationMs: expect.any(Number) },
      kafka: { status: 'up', durationMs: expect.any(Number) },
    });
  });

  it('given one check failing, is not ready and says why, with secrets scrubbed', async () => {
    const checks = new ReadinessChecks()
      .register('db', async () => {
        throw new Error('connect ECONNREFUSED postgres://svc:pw123@10.0.0.1:5432/db');
      })
      .register('kafka', async () => undefined);

    const report = await checks.evaluate();

    expect(report.status).toBe('not_ready');
    expect(report.checks.kafka?.status).toBe('up');
    expect(report.checks.db).toMatchObject({ status: 'down', error: 'connect ECONNREFUSED postgres://svc:[REDACTED]@10.0.0.1:5432/db' });
  });

  it('counts a check that throws synchronously as down', async () => {
    const checks = new ReadinessChecks().register('registry', () => {
      throw new Error('not configured');
    });

    await expect(checks.evaluate()).resolves.toMatchObject({ status: 'not_ready', checks: { registry: { status: 'down', error: 'not configured' } } });
  });

  it('counts a check that never answers as down after its timeout, without waiting for it', async () => {
    const checks = new ReadinessChecks().register('broker', () => new Promise(() => undefined), { timeoutMs: 20 });

    const report = await checks.evaluate();

    expect(report).toMatchObject({ status: 'not_ready', checks: { broker: { status: 'down', error: 'timed out after 20 ms' } } });
  });

  it('refuses two checks with one name', () => {
    const checks = new ReadinessChecks().register('db', async () => undefined);
    expect(() => checks.register('db', async () => undefined)).toThrow(/already registered/);
  });
});
