/**
 * The risk service's HTTP API on Nest + Fastify: accounts and subscriptions, the kill switch, the preview, the
 * decision ledger and reference data; plus /healthz, /readyz and /metrics from the observability library.
 */
import { Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp, type AppLogger, type ReadinessChecks } from '@tradebridge/observability';
import type { Registry } from 'prom-client';
import { AccountsController } from './accounts.controller';
import { PreviewController } from './preview.controller';
import { ProblemFilter, type ErrorSink } from './problem.filter';
import { RISK_HTTP_DEPS, type RiskHttpDeps } from './tokens';
import { TradingStateController } from './trading-state.controller';

@Module({})
class RiskHttpModule {
  static forRoot(deps: RiskHttpDeps): DynamicModule {
    return {
      module: RiskHttpModule,
      controllers: [AccountsController, TradingStateController, PreviewController],
      providers: [{ provide: RISK_HTTP_DEPS, useValue: deps }],
    };
  }
}

export interface RiskHttpOptions {
  readonly logger: AppLogger;
  readonly registry: Registry;
  readonly readiness: ReadinessChecks;
  readonly reportError: ErrorSink;
}

export async function createRiskHttpApp(deps: RiskHttpDeps, options: RiskHttpOptions): Promise<NestFastifyApplication> {
  const app = await createHttpApp(RiskHttpModule.forRoot(deps), {
    serviceName: 'risk',
    logger: options.logger,
    registry: options.registry,
    readiness: options.readiness,
    // The service's close() (run by runService on SIGTERM/SIGINT) stops the consumer, producer, app and pool in order.
    shutdownHooks: false,
  });
  app.useGlobalFilters(new ProblemFilter(options.reportError));
  return app;
}
