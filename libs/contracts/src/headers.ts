/**
 * Kafka headers of Tradebridge messages: W3C trace context (so a trace follows a signal across every hop), the event
 * type and id (so tools can route and deduplicate without decoding), and the dead-letter headers.
 */

/** Header values as kafkajs accepts and returns them. */
export type KafkaHeaderValue = Buffer | string | (Buffer | string)[] | undefined;
/** Kafka message headers as kafkajs accepts and returns them. */
export type KafkaHeaders = Record<string, KafkaHeaderValue>;

/** Names of the headers on every event message. */
export const EVENT_HEADERS = Object.freeze({
  /** W3C Trace Context `traceparent` (version-traceid-spanid-flags). */
  traceparent: 'traceparent',
  /** W3C Trace Context `tracestate` (vendor entries), only with a traceparent. */
  tracestate: 'tracestate',
  /** Fully-qualified protobuf type of the value, e.g. tradebridge.events.risk_approved.v1.OrderIntentApproved. */
  eventType: 'tb-event-type',
  /** Envelope event_id of the value, for deduplication without decoding. */
  eventId: 'tb-event-id',
  /** EVENT_CONTENT_TYPE on event values. */
  contentType: 'content-type',
});

/** Content type of event values: protobuf in the Confluent wire format (magic byte, schema id, message indexes). */
export const EVENT_CONTENT_TYPE = 'application/x-protobuf; framing=confluent';

/**
 * Headers a dead-lettered message carries (its value is the original bytes, unchanged, and its key the original
 * key), beside the original message's own headers.
 */
export const DLQ_HEADERS = Object.freeze({
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  /** Original message timestamp (ms since the epoch, as Kafka gives it). */
  originalTimestamp: 'dlq-original-timestamp',
  /** Consumer group that gave up on the message. */
  consumerGroup: 'dlq-consumer-group',
  /** Error message of the last failure (truncated to 1,000 characters). */
  error: 'dlq-error',
  /** Error class/name of the last failure, e.g. DecodeError. */
  errorType: 'dlq-error-type',
  /** How many times the handler was tried. */
  attempts: 'dlq-attempts',
  /** When the message was dead-lettered, ISO 8601 UTC. */
  failedAt: 'dlq-failed-at',
});

/** A parsed W3C traceparent. */
export interface TraceParent {
  traceId: string;
  spanId: string;
  /** trace-flags byte; bit 0 means sampled. */
  flags: number;
}

const TRACEPARENT_RE = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** Parses a traceparent header value; undefined when it is not a valid W3C traceparent. */
export function parseTraceparent(value: string | undefined): TraceParent | undefined {
  if (!value) return undefined;
  const m = TRACEPARENT_RE.exec(value.trim());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m as unknown as [string, string, string, string, string, string?];
  if (version === 'ff' || (version === '00' && rest)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, flags: parseInt(flags, 16) };
}

/** Formats a traceparent header value (version 00). */
export function formatTraceparent(tp: TraceParent): string {
  if (!/^[0-9a-f]{32}$/.test(tp.traceId) || /^0+$/.test(tp.traceId)) throw new Error(`invalid trace id "${tp.traceId}"`);
  if (!/^[0-9a-f]{16}$/.test(tp.spanId) || /^0+$/.test(tp.spanId)) throw new Error(`invalid span id "${tp.spanId}"`);
  if (!Number.isInteger(tp.flags) || tp.flags < 0 || tp.flags > 255) throw new Error(`invalid trace flags ${tp.flags}`);
  return `00-${tp.traceId}-${tp.spanId}-${tp.flags.toString(16).padStart(2, '0')}`;
}

/** Trace context as carried in headers (the raw strings, as OpenTelemetry's propagator reads and writes them). */
export interface TraceContextCarrier {
  traceparent?: string;
  tracestate?: string;
}

/** Reads a header as a string (first value if repeated); undefined if absent. */
export function headerString(headers: KafkaHeaders | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) return undefined;
  let v = headers[key];
  if (Array.isArray(v)) v = v[0];
  if (v === undefined) return undefined;
  return Buffer.isBuffer(v) ? v.toString('utf8') : v;
}

/** The trace context in a message's headers; a malformed traceparent is dropped (and its tracestate with it). */
export function readTraceContext(headers: KafkaHeaders | undefined): TraceContextCarrier {
  const traceparent = headerString(headers, EVENT_HEADERS.traceparent);
  if (!traceparent || !parseTraceparent(traceparent)) return {};
  const tracestate = headerString(headers, EVENT_HEADERS.tracestate);
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/** Headers of an event message: its type, its id and, if given and valid, the trace context. */
export function eventHeaders(input: {
  typeName: string;
  eventId: string;
  trace?: TraceContextCarrier;
}): Record<string, string> {
  const headers: Record<string, string> = {
    [EVENT_HEADERS.eventType]: input.typeName,
    [EVENT_HEADERS.eventId]: input.eventId,
    [EVENT_HEADERS.contentType]: EVENT_CONTENT_TYPE,
  };
  const tp = input.trace?.traceparent;
  if (tp && parseTraceparent(tp)) {
    headers[EVENT_HEADERS.traceparent] = tp;
    if (input.trace?.tracestate) headers[EVENT_HEADERS.tracestate] = input.trace.tracestate;
  }
  return headers;
}

/** What the consumer knew about a message it gives up on. */
export interface DeadLetterInput {
  topic: string;
  partition: number;
  offset: string;
  timestamp?: string;
  consumerGroup: string;
  error: unknown;
  attempts: number;
  failedAt: Date;
}

/** Headers for a dead-lettered copy of a message: the original headers plus the DLQ_HEADERS. */
export function deadLetterHeaders(original: KafkaHeaders | undefined, input: DeadLetterInput): KafkaHeaders {
  const err = input.error;
  const message = err instanceof Error ? err.message : String(err);
  const type = err instanceof Error ? err.name : typeof err;
  const out: KafkaHeaders = { ...(original ?? {}) };
  out[DLQ_HEADERS.originalTopic] = input.topic;
  out[DLQ_HEADERS.originalPartition] = String(input.partition);
  out[DLQ_HEADERS.originalOffset] = input.offset;
  if (input.timestamp !== undefined) out[DLQ_HEADERS.originalTimestamp] = input.timestamp;
  out[DLQ_HEADERS.consumerGroup] = input.consumerGroup;
  out[DLQ_HEADERS.error] = message.length > 1000 ? `${message.slice(0, 997)}...` : message;
  out[DLQ_HEADERS.errorType] = type;
  out[DLQ_HEADERS.attempts] = String(input.attempts);
  out[DLQ_HEADERS.failedAt] = input.failedAt.toISOString();
  return out;
}

/** The dead-letter facts of a DLQ message, or undefined when it lacks the original topic/partition/offset. */
export function readDeadLetterHeaders(headers: KafkaHeaders | undefined):
  | {
      originalTopic: string;
      originalPartition: number;
      originalOffset: string;
      consumerGroup?: string;
      error?: string;
      errorType?: string;
      attempts?: number;
      failedAt?: string;
    }
  | undefined {
  const originalTopic = headerString(headers, DLQ_HEADERS.originalTopic);
  const partition = headerString(headers, DLQ_HEADERS.originalPartition);
  const originalOffset = headerString(headers, DLQ_HEADERS.originalOffset);
  if (!originalTopic || partition === undefined || originalOffset === undefined) return undefined;
  const attempts = headerString(headers, DLQ_HEADERS.attempts);
  const opt = (name: string) => headerString(headers, name);
  return {
    originalTopic,
    originalPartition: Number(partition),
    originalOffset,
    ...(opt(DLQ_HEADERS.consumerGroup) !== undefined ? { consumerGroup: opt(DLQ_HEADERS.consumerGroup)! } : {}),
    ...(opt(DLQ_HEADERS.error) !== undefined ? { error: opt(DLQ_HEADERS.error)! } : {}),
    ...(opt(DLQ_HEADERS.errorType) !== undefined ? { errorType: opt(DLQ_HEADERS.errorType)! } : {}),
    ...(attempts !== undefined ? { attempts: Number(attempts) } : {}),
    ...(opt(DLQ_HEADERS.failedAt) !== undefined ? { failedAt: opt(DLQ_HEADERS.failedAt)! } : {}),
  };
}
