/**
 * Observability and boot-time plumbing shared by every Tradebridge service: OpenTelemetry tracing,
 * JSON logs carrying trace ids with secrets redacted, Prometheus metrics, liveness/readiness probes, the
 * Nest-on-Fastify HTTP app that serves them, and typed configuration from the environment.
 */
export { startTelemetry, type Telemetry, type TelemetryOptions } from './telemetry/telemetry';
export { createLogger, type AppLogger, type LoggerOptions } from './logging/logger';
export { runService, EXIT_CONFIG, type RunServiceOptions, type StartedService } from './lifecycle/run-service';
export { NestLoggerAdapter } from './logging/nest-logger';
export { REDACTED, REDACTED_KEYS, redactObject, redactText, secretKeyMatcher } from './logging/redact';
export {
  initMetrics,
  metricsRegistry,
  createMetricsRegistry,
  latencyHistogram,
  startTimerMs,
  LATENCY_BUCKETS_MS,
  type MetricsOptions,
  type LatencyHistogramOptions,
} from './metrics/metrics';
export {
  ReadinessChecks,
  type ReadinessCheck,
  type ReadinessCheckOptions,
  type ReadinessReport,
  type CheckResult,
} from './health/readiness';
export { ObservabilityModule, METRICS_REGISTRY, type ObservabilityModuleOptions } from './http/observability.module';
export { createHttpApp, type HttpAppOptions, type FastifyAdapterOptions } from './http/create-http-app';
export { defineConfig, ConfigError, type ConfigViolation, type ConfigSchema, type DeepReadonly } from './config/define-config';
export {
  str,
  int,
  port,
  url,
  duration,
  bool,
  list,
  oneOf,
  secret,
  checkHostPort,
  parseDurationMs,
  isSecretField,
  type EnvField,
  type FieldOptions,
} from './config/fields';
