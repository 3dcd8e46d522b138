import { collectDefaultMetrics, Histogram, register, Registry, type LabelValues } from 'prom-client';

/**
 * Histogram buckets for latencies in milliseconds, from sub-millisecond broker hops to a slow trade
 * request that times out after several seconds.
 */
export const LATENCY_BUCKETS_MS: readonly number[] = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000];

/** Settings for {@link initMetrics} and {@link createMetricsRegistry}. */
export interface MetricsOptions {
  /** Added as the `service` label to every metric. */
  readonly serviceName: string;
  /** Process metrics (CPU, memory, event-loop lag, GC); default true. */
  readonly defaultMetrics?: boolean;
}

let initialised: string | undefined;

/**
 * Prepares the process-wide registry (prom-client's global one, which libraries such as messaging default
 * to): every metric gets the `service` label, and process metrics are collected. Idempotent per service.
 */
export function initMetrics(options: MetricsOptions): Registry {
  if (initialised === options.serviceName) return register;
  if (initialised !== undefined) {
    throw new Error(
      `the process-wide metrics registry is already labelled service="${initialised}"; ` +
        `give "${options.serviceName}" its own registry (createMetricsRegistry) when several services share a process`,
    );
  }
  configure(register, options);
  initialised = options.serviceName;
  return register;
}

/** The process-wide registry served on /metrics. */
export function metricsRegistry(): Registry {
  return register;
}

/** A separate registry with the same setup as {@link initMetrics}; for tests and embedded components. */
export function createMetricsRegistry(options: MetricsOptions): Registry {
  return configure(new Registry(), options);
}

function configure(registry: Registry, options: MetricsOptions): Registry {
  registry.setDefaultLabels({ service: options.serviceName });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}

/** Settings for {@link latencyHistogram}. */
export interface LatencyHistogramOptions<L extends string> {
  /** Must end in `_ms`, so the unit is in the name. */
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly L[];
  readonly buckets?: readonly number[];
  /** Defaults to the process-wide registry. */
  readonly registry?: Registry;
}

/**
 * Creates (or returns the already registered) histogram of latencies in milliseconds with
 * {@link LATENCY_BUCKETS_MS}. Returning the existing one keeps module reloads and several instances of a
 * component in one process from failing on a duplicate name.
 */
export function latencyHistogram<L extends string = string>(options: LatencyHistogramOptions<L>): Histogram<L> {
  if (!options.name.endsWith('_ms')) {
    throw new Error(`latency histogram "${options.name}" must end in _ms: its observations are milliseconds`);
  }
  const registry = options.registry ?? register;
  const existing = registry.getSingleMetric(options.name);
  if (existing) return existing as Histogram<L>;
  return new Histogram<L>({
    name: options.name,
    help: options.help,
    labelNames: [...(options.labelNames ?? [])],
    buckets: [...(options.buckets ?? LATENCY_BUCKETS_MS)],
    registers: [registry],
  });
}

/**
 * Starts a millisecond stopwatch for `histogram`; the returned function observes the elapsed time (with
 * labels given now or at the end) and returns it.
 */
export function startTimerMs<L extends string>(histogram: Histogram<L>, labels: LabelValues<L> = {}): (endLabels?: LabelValues<L>) => number {
  const start = process.hrtime.bigint();
  return (endLabels = {}) => {
    const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
    histogram.observe({ ...labels, ...endLabels }, elapsedMs);
    return elapsedMs;
  };
}
