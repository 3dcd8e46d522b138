import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Writable } from 'node:stream';
import { ReadinessChecks } from '../health/readiness';
import { createLogger } from '../logging/logger';
import { createMetricsRegistry, latencyHistogram } from '../metrics/metrics';
import { createHttpApp } from './create-http-app';

/** Flips the tiny app's dependency between reachable and not. */
class FakeDependency {
  reachable = true;
}

@Injectable()
class DependencyProbe implements OnModuleInit {
  constructor(
    @Inject(ReadinessChecks) private readonly readiness: ReadinessChecks,
    @Inject(FakeDependency) private readonly dependency: FakeDependency,
  ) {}

  // A service registers its own checks from inside the app, the way it would for its database or Kafka.
  onModuleInit(): void {
    this.readiness.register('broker', async () => {
      if (!this.dependency.reachable) throw new Error('broker unreachable at https://user:hunter2@broker.example');
    });
  }
}

const dependency = new FakeDependency();

@Module({ providers: [{ provide: FakeDependency, useValue: dependency }, DependencyProbe] })
class TinyServiceModule {}

describe('createHttpApp over real HTTP', () => {
  let app: NestFastifyApplication;
  let shutdownHookRan = false;
  let base: string;
  const registry = createMetricsRegistry({ serviceName: 'tiny' });

  beforeAll(async () => {
    latencyHistogram({ name: 'tradebridge_tiny_handle_ms', help: 'Handling time.', registry }).observe(3);
    const quiet = new Writable({ write: (_chunk, _enc, done) => done() });
    app = await createHttpApp(TinyServiceModule, {
      serviceName: 'tiny',
      registry,
      telemetry: {
        exporting: false,
        shutdown: async () => {
          shutdownHookRan = true;
        },
      },
      logger: createLogger({ serviceName: 'tiny', destination: quiet }),
    });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    if (!address || typeof address === 'string') throw new Error('no TCP address');
    base = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    if (!shutdownHookRan) await app?.close();
  });

  it('serves liveness', async () => {
    const response = await fetch(`${base}/healthz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('serves readiness from the registered checks, 200 when all are up', async () => {
    dependency.reachable = true;

    const response = await fetch(`${base}/readyz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: { broker: { status: 'up', durationMs: expect.any(Number) } } });
  });

  it('answers 503 with each check when a dependency is down, without leaking credentials', async () => {
    dependency.reachable = false;

    const response = await fetch(`${base}/readyz`);
    const body = await response.json();

    expect(response.status).toBe(503);
    expect(body).toEqual({
      status: 'not_ready',
      checks: { broker: { status: 'down', durationMs: expect.any(Number), error: 'broker unreachable at https://user:[REDACTED]@broker.example' } },
    });
    dependency.reachable = true;
  });

  it('serves Prometheus metrics with the service label', async () => {
    const response = await fetch(`${base}/metrics`);
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('tradebridge_tiny_handle_ms_count{service="tiny"} 1');
    expect(text).toMatch(/nodejs_eventloop_lag_seconds\{service="tiny"\}/);
  });

  it('flushes telemetry when the application closes', async () => {
    await app.close();

    expect(shutdownHookRan).toBe(true);
  });
});
