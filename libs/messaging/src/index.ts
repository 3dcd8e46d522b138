/**
 * @tradebridge/messaging: the Kafka backbone every service uses.
 *
 * - {@link EventProducer}: idempotent (acks=all) publishing through a pluggable {@link EventCodec}, with metrics and
 *   W3C trace context in headers.
 * - Errors a handler throws to steer retries: {@link RetryableError} (retried with backoff, then dead-lettered) and
 *   {@link PermanentError} (dead-lettered at once).
 */
export { type EventCodec, type DecodedEvent, jsonCodec } from './codec';
export { RetryableError, PermanentError, UndecodableMessageError } from './errors';
export { DeadLetterHeaders, deadLetterTopicOf, type MessageHeaders } from './headers';
export { createKafkaClient, type KafkaClientOptions } from './kafka-client';
export { type MessagingLogger, jsonLogger, silentLogger } from './logger';
export { EventProducer, type EventProducerOptions, type MessageKey } from './producer';
