import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { core, NodeSDK, resources, tracing } from '@opentelemetry/sdk-node';
import { randomUUID } from 'node:crypto';

/** Settings for {@link startTelemetry}. */
export interface TelemetryOptions {
  readonly serviceName: string;
  readonly serviceVersion: string;
  /** Deployment environment (resource attribute); defaults to DEPLOYMENT_ENVIRONMENT or `development`. */
  readonly environment?: string;
  /** Environment to read OTEL_* from; process.env when absent. */
  readonly env?: NodeJS.ProcessEnv;
}

/** The running SDK. */
export interface Telemetry {
  /** Whether spans are exported (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT was set). */
  readonly exporting: boolean;
  /** Flushes pending spans and stops the SDK; safe to call more than once. */
  shutdown(): Promise<void>;
}

// Probe traffic would drown real requests in traces.
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

let running: Telemetry | undefined;

/**
 * Starts OpenTelemetry for the process: HTTP, pg and kafkajs instrumentation, W3C trace-context and
 * baggage propagation, and resource attributes naming the service. Spans are exported over OTLP/HTTP only
 * when OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) is set; without it spans are still created, so
 * trace ids reach the logs and travel across HTTP and Kafka hops, but go nowhere.
 *
 * Instrumentation works by patching modules as they load, so this must run before pg, kafkajs or the app
 * are imported. The pattern for a service's src/main.ts:
 *
 * ```ts
 * import { startTelemetry } from '@tradebridge/observability';
 *
 * const telemetry = startTelemetry({ serviceName: 'execution', serviceVersion: '0.1.0' });
 * // Everything else loads after the SDK is registered.
 * void import('./bootstrap').then(({ bootstrap }) => bootstrap(telemetry));
 * ```
 *
 * Calling it again returns the running instance.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (running) return running;
  const env = options.env ?? process.env;
  const exporting = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);

  const sdk = new NodeSDK({
    resource: resources.resourceFromAttributes({
      'service.name': options.serviceName,
      'service.version': options.serviceVersion,
      'service.namespace': 'tradebridge',
      'service.instance.id': env.HOSTNAME || randomUUID(),
      'deployment.environment.name': options.environment ?? env.DEPLOYMENT_ENVIRONMENT ?? 'development',
    }),
    // A no-op processor still makes the SDK register its tracer provider: spans get real ids without an exporter.
    spanProcessors: [exporting ? new tracing.BatchSpanProcessor(new OTLPTraceExporter()) : new tracing.NoopSpanProcessor()],
    // Metrics are Prometheus (prom-client) and logs are JSON on stdout: keep the SDK from defaulting to OTLP for them.
    metricReaders: [],
    logRecordProcessors: [],
    textMapPropagator: new core.CompositePropagator({
      propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()],
    }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0] ?? ''),
      }),
      // Statement text only, never parameter values: they can carry account data.
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
      new KafkaJsInstrumentation(),
    ],
  });
  sdk.start();

  let stopped: Promise<void> | undefined;
  running = {
    exporting,
    shutdown: () => {
      stopped ??= sdk.shutdown().finally(() => {
        running = undefined;
        // Leave the global API usable (no-op) for whatever still runs after shutdown.
        trace.disable();
        propagation.disable();
        context.disable();
      });
      return stopped;
    },
  };
  return running;
}
