import { Controller, Get, Inject, Module, Res, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { ReadinessChecks } from '../health/readiness';
import { metricsRegistry } from '../metrics/metrics';

/** Injection token of the prom-client Registry served on /metrics. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
const SHUTDOWN_HOOK = Symbol('OBSERVABILITY_SHUTDOWN_HOOK');

/** Settings for {@link ObservabilityModule.forRoot}. */
export interface ObservabilityModuleOptions {
  /** The checks behind /readyz; a new, empty set when absent. Injectable as `ReadinessChecks`. */
  readonly readiness?: ReadinessChecks;
  /** The registry behind /metrics; the process-wide one when absent. */
  readonly registry?: Registry;
  /** Runs when the Nest application shuts down, e.g. flushing telemetry. */
  readonly onShutdown?: () => Promise<void>;
}

/** The part of Fastify's reply the probes use; structural, so it fits the Fastify version Nest pins. */
interface Reply {
  status(code: number): Reply;
  header(name: string, value: string): Reply;
}

@Controller()
class ObservabilityController {
  constructor(
    @Inject(ReadinessChecks) private readonly readiness: ReadinessChecks,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  /** Liveness: the process serves HTTP; restarting it is the only cure when this fails. */
  @Get('healthz')
  healthz(@Res({ passthrough: true }) reply: Reply): { status: 'ok' } {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  }

  /** Readiness: every registered dependency check is up; 503 with each check's status otherwise. */
  @Get('readyz')
  async readyz(@Res({ passthrough: true }) reply: Reply): Promise<unknown> {
    const report = await this.readiness.evaluate();
    reply.status(report.status === 'ready' ? 200 : 503).header('cache-control', 'no-store');
    return report;
  }

  @Get('metrics')
  async metrics(@Res({ passthrough: true }) reply: Reply): Promise<string> {
    reply.header('content-type', this.registry.contentType).header('cache-control', 'no-store');
    return this.registry.metrics();
  }
}

class ShutdownHook implements OnApplicationShutdown {
  constructor(private readonly hook?: () => Promise<void>) {}

  async onApplicationShutdown(): Promise<void> {
    await this.hook?.();
  }
}

/**
 * Serves `/healthz`, `/readyz` and `/metrics`, and makes `ReadinessChecks` and `METRICS_REGISTRY`
 * injectable everywhere (the module is global), so any provider can register its own readiness check.
 */
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityModuleOptions = {}): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      controllers: [ObservabilityController],
      providers: [
        { provide: ReadinessChecks, useValue: options.readiness ?? new ReadinessChecks() },
        { provide: METRICS_REGISTRY, useValue: options.registry ?? metricsRegistry() },
        { provide: SHUTDOWN_HOOK, useValue: new ShutdownHook(options.onShutdown) },
      ],
      exports: [ReadinessChecks, METRICS_REGISTRY],
    };
  }
}
