import { createEventCodec, ensureTopics, type EventCodec } from '@tradebridge/contracts';
import { EventProducer, createKafkaClient, type MessagingLogger } from '@tradebridge/messaging';
import type { Registry } from 'prom-client';
import type { EventPublisher } from '../../application/outbox/outbox-relay';

export interface KafkaPublisherOptions {
  readonly brokers: readonly string[];
  readonly schemaRegistryUrl: string;
  /** Prefix of physical topic names (tests); the outbox stores logical names such as `signal.generated`. */
  readonly topicPrefix: string;
  /** Create signal.generated and its DLQ when missing. */
  readonly ensureTopics: boolean;
  readonly registry: Registry;
  readonly logger: MessagingLogger;
}

/** The Kafka side of the outbox relay, and how to stop it. */
export interface KafkaPublisher extends EventPublisher {
  /** Connects now; rejects while Kafka or the registry is unreachable (publish() tries again). */
  connect(): Promise<void>;
  /** Waits for acknowledgements in flight, then disconnects. */
  close(): Promise<void>;
}

/**
 * Publishes outbox events with the idempotent producer (acks=all) in the Confluent wire format of the schema registry.
 * Kafka and the registry are needed to publish, not to accept signals: the connection (schema registration, topics,
 * producer) is made lazily and retried on the next publish, so the service boots and accepts while they are down.
 */
export function createKafkaPublisher(options: KafkaPublisherOptions): KafkaPublisher {
  const kafka = createKafkaClient({ brokers: options.brokers, clientId: 'signal-service', logger: options.logger });
  const codec = createEventCodec({ registryUrl: options.schemaRegistryUrl, topicPrefix: options.topicPrefix });
  const producer = new EventProducer({ kafka, codec: codec as EventCodec, registry: options.registry, logger: options.logger });
  let connection: Promise<void> | null = null;
  let connected = false;

  const connect = (): Promise<void> =>
    (connection ??= (async () => {
      await codec.registerAll(['signal.generated']);
      if (options.ensureTopics) {
        const admin = kafka.admin();
        await admin.connect();
        try {
          await ensureTopics(admin, ['signal.generated'], { prefix: options.topicPrefix });
        } finally {
          await admin.disconnect();
        }
      }
      await producer.connect();
      connected = true;
    })().catch((error: unknown) => {
      connection = null;
      throw error;
    }));

  return {
    connect,
    async publish(topic, key, value, headers) {
      await connect();
      return producer.publish(`${options.topicPrefix}${topic}`, key, value, headers);
    },
    async close() {
      if (connected) await producer.disconnect();
    },
  };
}
