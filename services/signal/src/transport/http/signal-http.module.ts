import { Module, type DynamicModule, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AdminApi } from './admin';
import { AdminController } from './admin.controller';
import { ObservabilityModule, type ReadinessChecks } from '@tradebridge/observability';
import type { Registry } from 'prom-client';
import type { SignalIngest } from './ingest';
import { OpenApiController } from './openapi.controller';
import { ProblemFilter, type ErrorSink } from './problem.filter';
import { SignalsController } from './signals.controller';
import { recordArrival } from './fastify-request';
import { SIGNAL_ADMIN, SIGNAL_INGEST } from './tokens';

export interface SignalHttpDeps {
  readonly ingest: SignalIngest;
  readonly admin: AdminApi;
  /** Served on /metrics. */
  readonly registry: Registry;
  /** Behind /readyz. */
  readonly readiness: ReadinessChecks;
  /** Runs when the application closes (flushes telemetry). */
  readonly onShutdown?: () => Promise<void>;
  readonly nestLogger: LoggerService | false;
  readonly bodyLimitBytes: number;
  readonly reportError: ErrorSink;
  /** The request-arrival clock (epoch microseconds). */
  readonly nowMicros: () => number;
}

@Module({})
class SignalHttpModule {
  static forRoot(deps: SignalHttpDeps): DynamicModule {
    return {
      module: SignalHttpModule,
      imports: [
        ObservabilityModule.forRoot({ registry: deps.registry, readiness: deps.readiness, ...(deps.onShutdown ? { onShutdown: deps.onShutdown } : {}) }),
      ],
      controllers: [SignalsController, AdminController, OpenApiController],
      providers: [
        { provide: SIGNAL_INGEST, useValue: deps.ingest },
        { provide: SIGNAL_ADMIN, useValue: deps.admin },
      ],
    };
  }
}

/**
 * Builds the service's HTTP application: Nest on Fastify with the observability module (/healthz, /readyz, /metrics), bodies kept as raw text (JSON is parsed by the handlers so
 * that every body problem becomes a field error), one arrival timestamp per request taken in the first hook, and
 * problem+json for every error, including Fastify's own (413, 415).
 */
export async function createSignalHttpApp(deps: SignalHttpDeps): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ logger: false, bodyLimit: deps.bodyLimitBytes, return503OnClosing: true });
  const fastify = adapter.getInstance();
  fastify.addHook('onRequest', (req, _reply, done) => {
    recordArrival(req.raw, deps.nowMicros());
    done();
  });
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string', bodyLimit: deps.bodyLimitBytes }, (_req, body, done) => done(null, body));

  const app = await NestFactory.create<NestFastifyApplication>(SignalHttpModule.forRoot(deps), adapter, {
    bodyParser: false,
    logger: deps.nestLogger,
    abortOnError: false,
  });
  app.useGlobalFilters(new ProblemFilter(deps.reportError));
  return app;
}
