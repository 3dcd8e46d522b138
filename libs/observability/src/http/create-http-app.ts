import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Registry } from 'prom-client';
import type { ReadinessChecks } from '../health/readiness';
import { createLogger, type AppLogger } from '../logging/logger';
import { NestLoggerAdapter } from '../logging/nest-logger';
import { initMetrics } from '../metrics/metrics';
import type { Telemetry } from '../telemetry/telemetry';
import { ObservabilityModule } from './observability.module';

/** Fastify server options as Nest's adapter takes them (it pins its own Fastify version). */
export type FastifyAdapterOptions = NonNullable<Exclude<ConstructorParameters<typeof FastifyAdapter>[0], { getInstance: unknown }>>;

/** Settings for {@link createHttpApp}. */
export interface HttpAppOptions {
  readonly serviceName: string;
  /** The JSON logger Nest logs through; a new one for `serviceName` when absent. */
  readonly logger?: AppLogger;
  /** The checks behind /readyz; also injectable as `ReadinessChecks` inside the app. */
  readonly readiness?: ReadinessChecks;
  /** The registry behind /metrics; the process-wide one (initialised for the service) when absent. */
  readonly registry?: Registry;
  /** Flushed when the application shuts down. */
  readonly telemetry?: Telemetry;
  /**
   * Let Nest close the app on SIGTERM/SIGINT (default true). Turn off when something else owns the signals and
   * closes more than the app (runService with the service's own close), or the two race and the process exits
   * before the drain finishes.
   */
  readonly shutdownHooks?: boolean;
  /** Extra Fastify server options (body limit, trust proxy, ...); Fastify's own logger stays off. */
  readonly fastify?: Omit<FastifyAdapterOptions, 'logger'>;
}

/**
 * Builds a NestJS application on Fastify with the service's root module, JSON logging, `/healthz`,
 * `/readyz`, `/metrics` and shutdown hooks (SIGTERM closes the app, which flushes telemetry). The caller
 * adds its own setup and calls `app.listen(port, host)`.
 */
export async function createHttpApp(rootModule: Type<unknown> | DynamicModule, options: HttpAppOptions): Promise<NestFastifyApplication> {
  const logger = options.logger ?? createLogger({ serviceName: options.serviceName });
  const registry = options.registry ?? initMetrics({ serviceName: options.serviceName });

  @Module({
    imports: [
      rootModule,
      ObservabilityModule.forRoot({
        registry,
        ...(options.readiness ? { readiness: options.readiness } : {}),
        ...(options.telemetry ? { onShutdown: () => options.telemetry!.shutdown() } : {}),
      }),
    ],
  })
  class HttpAppModule {}

  const app = await NestFactory.create<NestFastifyApplication>(HttpAppModule, new FastifyAdapter({ ...options.fastify, logger: false }), {
    logger: new NestLoggerAdapter(logger.child({ component: 'nest' })),
    abortOnError: false,
  });
  if (options.shutdownHooks ?? true) app.enableShutdownHooks();
  return app;
}
