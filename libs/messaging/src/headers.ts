import { context, propagation, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';

/**
 * Headers the consumer adds to a message it sends to `<topic>.dlq` (value and key are the original bytes, and the
 * original headers are kept beside these). The names are those of DLQ_HEADERS in @tradebridge/contracts, the message
 * contract; a unit test keeps the two equal.
 */
export const DeadLetterHeaders = {
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  originalTimestamp: 'dlq-original-timestamp',
  consumerGroup: 'dlq-consumer-group',
  errorMessage: 'dlq-error',
  errorClass: 'dlq-error-type',
  attempts: 'dlq-attempts',
  failedAt: 'dlq-failed-at',
} as const;

/** The dead-letter topic of `topic`. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

/** Headers as the handlers see them: UTF-8 strings, the last value winning when a header repeats. */
export type MessageHeaders = Readonly<Record<string, string>>;

/** Converts raw Kafka headers (Buffers, strings or arrays) into strings. */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (!headers) return result;
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined || value === null) continue;
    result[name] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return result;
}

const setter: TextMapSetter<Record<string, string>> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

const getter: TextMapGetter<Record<string, string>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/** Writes the W3C trace context (traceparent, tracestate, baggage) of the active context into `headers`. */
export function injectTraceContext(headers: Record<string, string>, from: Context = context.active()): void {
  propagation.inject(from, headers, setter);
}

/** Reads the W3C trace context from message headers. */
export function extractTraceContext(headers: Record<string, string>): Context {
  return propagation.extract(context.active(), headers, getter);
}
