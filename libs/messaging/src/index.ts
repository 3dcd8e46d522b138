/**
 * @tradebridge/messaging: the Kafka backbone every service uses.
 *
 * - {@link EventProducer}: idempotent (acks=all) publishing through a pluggable {@link EventCodec}, with metrics and
 *   W3C trace context in headers; {@link MessagingModule} provides one to a Nest application.
 * - {@link ConsumerRunner}: at-least-once consumption with key-ordered parallelism inside partitions, retries with
 *   backoff, `<topic>.dlq` for poison messages, commits of completed prefixes only, and a draining stop.
 * - {@link KafkaEventTransport}: the same runner behind Nest `@EventPattern('<topic>')` handlers.
 * - Errors a handler throws to steer retries: {@link RetryableError} (retried with backoff, then dead-lettered) and
 *   {@link PermanentError} (dead-lettered at once). Any other error is treated as retryable.
 */
export { type EventCodec, type DecodedEvent, jsonCodec } from './codec';
export {
  ConsumerRunner,
  type ConsumerRunnerOptions,
  type ConsumerRunnerStatus,
  type ConsumedEvent,
  type EventHandler,
  type RetryPolicy,
  startConsumerAgain,
} from './consumer-runner';
export { RetryableError, PermanentError, UndecodableMessageError } from './errors';
export { DeadLetterHeaders, deadLetterTopicOf, type MessageHeaders } from './headers';
export { createKafkaClient, type KafkaClientOptions } from './kafka-client';
export { type MessagingLogger, jsonLogger, silentLogger } from './logger';
export { EventProducer, type EventProducerOptions, type MessageKey } from './producer';
export {
  KafkaEventTransport,
  KafkaEventContext,
  KAFKA_EVENT_TRANSPORT,
  type KafkaEventTransportOptions,
  type KafkaEventTransportStatus,
} from './nest/kafka-event-transport';
export { MessagingModule, type MessagingModuleAsyncOptions } from './nest/messaging.module';
