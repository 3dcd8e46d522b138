import { Counter, Gauge, Histogram, register as defaultRegistry, type Registry } from 'prom-client';

// prom-client refuses to register a metric name twice in one registry, and a process may run several producers and
// consumers against the same registry, so every metric is looked up before it is created.
function counter(registry: Registry, name: string, help: string, labelNames: string[]): Counter<string> {
  return (registry.getSingleMetric(name) as Counter<string> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
}

function histogram(registry: Registry, name: string, help: string, labelNames: string[], buckets: number[]): Histogram<string> {
  return (
    (registry.getSingleMetric(name) as Histogram<string> | undefined) ??
    new Histogram({ name, help, labelNames, buckets, registers: [registry] })
  );
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[]): Gauge<string> {
  return (registry.getSingleMetric(name) as Gauge<string> | undefined) ?? new Gauge({ name, help, labelNames, registers: [registry] });
}

const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Metrics of the producer, labelled by topic. */
export interface ProducerMetrics {
  readonly messages: Counter<string>;
  readonly bytes: Counter<string>;
  readonly errors: Counter<string>;
  readonly sendDuration: Histogram<string>;
}

/** Returns the producer metrics registered in `registry`, creating them on first use. */
export function producerMetrics(registry: Registry = defaultRegistry): ProducerMetrics {
  return {
    messages: counter(registry, 'tradebridge_kafka_produced_messages_total', 'Messages acknowledged by the broker.', ['topic']),
    bytes: counter(registry, 'tradebridge_kafka_produced_bytes_total', 'Value bytes acknowledged by the broker.', ['topic']),
    errors: counter(registry, 'tradebridge_kafka_produce_errors_total', 'Messages whose send failed.', ['topic']),
    sendDuration: histogram(
      registry,
      'tradebridge_kafka_produce_duration_seconds',
      'Time from publish() to the broker acknowledgement (acks=all).',
      ['topic'],
      latencyBuckets,
    ),
  };
}

/** Metrics of the consumer runner, labelled by topic and consumer group. */
export interface ConsumerMetrics {
  readonly processed: Counter<string>;
  readonly failures: Counter<string>;
  readonly deadLettered: Counter<string>;
  readonly handlerDuration: Histogram<string>;
  readonly superseded: Counter<string>;
  readonly lag: Gauge<string>;
  readonly inFlight: Gauge<string>;
}

/** Returns the consumer metrics registered in `registry`, creating them on first use. */
export function consumerMetrics(registry: Registry = defaultRegistry): ConsumerMetrics {
  return {
    processed: counter(registry, 'tradebridge_kafka_consumed_messages_total', 'Messages handled successfully.', ['topic', 'group']),
    failures: counter(
      registry,
      'tradebridge_kafka_handler_failures_total',
      'Failed handler attempts (each retry counts), by error class.',
      ['topic', 'group', 'error_class'],
    ),
    deadLettered: counter(
      registry,
      'tradebridge_kafka_dead_lettered_messages_total',
      'Messages sent to the dead-letter topic, by reason (exhausted, permanent, undecodable).',
      ['topic', 'group', 'reason'],
    ),
    handlerDuration: histogram(
      registry,
      'tradebridge_kafka_handler_duration_seconds',
      'Duration of one successful handler call.',
      ['topic', 'group'],
      latencyBuckets,
    ),
    superseded: counter(
      registry,
      'tradebridge_kafka_superseded_messages_total',
      'Messages of latest-state topics skipped because a newer one of the same key was already queued.',
      ['topic', 'group'],
    ),
    lag: gauge(
      registry,
      'tradebridge_kafka_consumer_lag_messages',
      'High watermark minus the next offset fetched, per partition (as of the last fetched batch).',
      ['topic', 'partition', 'group'],
    ),
    inFlight: gauge(registry, 'tradebridge_kafka_consumer_in_flight_messages', 'Fetched messages not yet handled.', ['group']),
  };
}
