import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { NestLoggerAdapter, ObservabilityModule, type AppLogger, type ReadinessChecks, type Telemetry } from '@tradebridge/observability';
import type { Registry } from 'prom-client';
import type { TraceQueries } from '../../application/trace/trace-queries';
import { ProblemFilter } from './problem';
import { CLOCK, TRACE_QUERIES, TraceController } from './trace.controller';

/** What the HTTP layer needs. */
export interface AuditHttpDeps {
  readonly queries: TraceQueries;
  readonly now: () => Date;
  readonly registry: Registry;
  readonly readiness: ReadinessChecks;
  readonly logger: AppLogger;
  readonly telemetry?: Telemetry;
}

@Module({})
class AuditHttpModule {
  static forRoot(deps: AuditHttpDeps): DynamicModule {
    return {
      module: AuditHttpModule,
      imports: [
        ObservabilityModule.forRoot({
          registry: deps.registry,
          readiness: deps.readiness,
          ...(deps.telemetry ? { onShutdown: () => deps.telemetry!.shutdown() } : {}),
        }),
      ],
      controllers: [TraceController],
      providers: [
        { provide: TRACE_QUERIES, useValue: deps.queries },
        { provide: CLOCK, useValue: deps.now },
      ],
    };
  }
}

/**
 * Nest on Fastify with the trace API, /healthz, /readyz, /metrics, and problem+json for every error. No Nest
 * shutdown hooks: the service closes the consumer first, then this app (see service.ts).
 */
export async function createAuditHttpApp(deps: AuditHttpDeps): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AuditHttpModule.forRoot(deps), new FastifyAdapter({ logger: false, return503OnClosing: true }), {
    logger: new NestLoggerAdapter(deps.logger.child({ component: 'nest' })),
    abortOnError: false,
  });
  app.useGlobalFilters(
    new ProblemFilter((error) => deps.logger.error({ error: error instanceof Error ? error.message : String(error), stack: (error as Error)?.stack }, 'unhandled error')),
  );
  return app;
}
