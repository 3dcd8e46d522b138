import type { Envelope } from './generated';
import type { Micros } from './time';

/** Producing services, as written in Envelope.producer. */
export type ProducerService = 'signal' | 'risk' | 'execution' | 'sync' | 'audit';

/** Schema version every producer writes today for every message type; readers upcast older ones. */
export const CURRENT_SCHEMA_VERSION = 1;

/** What a producer knows when it creates an event; ids and time come in as arguments. */
export interface EnvelopeInput {
  /** Unique or deterministic (see eventId) id of the new event. */
  eventId: string;
  /** The signal id that started the chain; empty for events no signal caused. */
  correlationId: string;
  /** event_id of the event that caused this one; empty when an outside request did. */
  causationId?: string;
  occurredAtUs: Micros;
  producer: ProducerService;
  schemaVersion?: number;
}

/** Builds the envelope of a new event. */
export function envelope(input: EnvelopeInput): Envelope {
  if (!input.eventId) throw new Error('envelope: eventId must be a non-empty string');
  if (!Number.isSafeInteger(input.occurredAtUs) || input.occurredAtUs <= 0) {
    throw new Error(`envelope: occurredAtUs must be a positive integer of microseconds, got ${input.occurredAtUs}`);
  }
  return {
    eventId: input.eventId,
    correlationId: input.correlationId,
    causationId: input.causationId ?? '',
    occurredAtUs: input.occurredAtUs,
    producer: input.producer,
    schemaVersion: input.schemaVersion ?? CURRENT_SCHEMA_VERSION,
  };
}

/** Envelope of an event caused by `cause`: same correlation id, causation id = the cause's event id. */
export function causedBy(
  cause: Envelope,
  input: Omit<EnvelopeInput, 'correlationId' | 'causationId'> & { correlationId?: string },
): Envelope {
  return envelope({ ...input, correlationId: input.correlationId ?? cause.correlationId, causationId: cause.eventId });
}
