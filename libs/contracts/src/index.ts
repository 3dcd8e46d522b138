/**
 * @tradebridge/contracts: the event contracts of Tradebridge.
 *
 * - Generated TypeScript types of every event (from proto/*.proto): SignalGenerated, OrderIntentApproved, ...
 * - TOPICS: the one topic registry (name, key, value type, partitions, cleanup policy, DLQ) and ensureTopics.
 * - Envelope, deterministic ids (intentId, eventId), Kafka headers (W3C trace context, DLQ headers).
 * - The registry codec (Confluent wire format for protobuf) with upcasters.
 */
export * from './generated';
export * from './topics';
export * from './topic-admin';
export * from './ids';
export * from './time';
export * from './envelope';
export * from './headers';
export * from './codec/errors';
export * from './codec/wire-format';
export * from './codec/registry-client';
export * from './codec/upcasters';
export { validateMessage } from './codec/validate';
export { localSchemas, type LocalSchema } from './codec/local-schemas';
export {
  createEventCodec,
  encodePayload,
  decodePayload,
  type EventCodec,
  type RegistryEventCodec,
  type EventCodecOptions,
  type DecodedEvent,
} from './codec/codec';
export { InMemorySchemaRegistry } from './testing/in-memory-registry';
export * from './keys';
