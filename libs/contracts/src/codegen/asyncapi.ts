import { stringify } from 'yaml';
import { DLQ_SETTINGS, type TopicSpec } from '../topics';
import { DLQ_HEADERS, EVENT_CONTENT_TYPE, EVENT_HEADERS } from '../headers';
import type { ProtoFile } from './typescript';
import { parseProto } from './typescript';

const KAFKA_BINDING_VERSION = '0.5.0';

function channelId(topic: string): string {
  return topic.replace(/[._]([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function retentionText(ms: number): string {
  if (ms < 0) return 'forever';
  const days = ms / 86_400_000;
  return Number.isInteger(days) ? `${days} day${days === 1 ? '' : 's'}` : `${ms} ms`;
}

const GUARANTEES = `
Every event is a protobuf message in the Confluent wire format: magic byte 0, the 4-byte big-endian schema id,
the message-index array (a single 0 byte: the value type is the first message of its file), then the protobuf
payload. Value schemas are registered under the subject \`<topic>-value\` (TopicNameStrategy) with BACKWARD
compatibility; each topic's schema is one self-contained .proto file without imports
(libs/contracts/proto/<topic with _ for .>.proto). Keys are plain UTF-8 strings (no registry framing).

Guarantees:
- Ordering: per key only. Every topic is keyed so that what must stay in order shares a key (a signal source for
  signal.generated, an account for the account and execution topics).
- Delivery: at least once. Producers are idempotent with acks=all; consumers may see a message again after a
  rebalance or crash and deduplicate on the envelope's event_id (ids that must survive replays, such as the order
  intent id, are derived deterministically from the logical event).
- Every value starts with \`Envelope meta = 1\`: event_id, correlation_id (the signal id), causation_id,
  occurred_at_us, producer, schema_version. Readers upcast older schema_versions.
- W3C trace context travels in the \`traceparent\` / \`tracestate\` headers.
- Poison messages (undecodable, or still failing after bounded retries) are copied unchanged to \`<topic>.dlq\`
  with headers naming the original topic, partition, offset and the error; the partition keeps moving.
- Fields are only ever added (new field numbers); names and numbers of existing fields never change.
`.trim();

/** The AsyncAPI 3.0 document of every topic, generated from the topic registry and the proto files. */
export function renderAsyncApi(files: readonly ProtoFile[], topics: readonly TopicSpec[]): string {
  const sources = new Map(files.map((f) => [f.name, f.source]));
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};

  for (const t of topics) {
    const source = sources.get(t.protoFile);
    if (source === undefined) throw new Error(`topic ${t.name}: proto/${t.protoFile} is missing`);
    const { pkg } = parseProto({ name: t.protoFile, source });
    const id = channelId(t.name);

    messages[t.messageName] = {
      name: t.messageName,
      title: t.messageName,
      summary: `${t.valueType} (proto/${t.protoFile})`,
      contentType: EVENT_CONTENT_TYPE,
      correlationId: { $ref: '#/components/correlationIds/signal' },
      headers: { $ref: '#/components/schemas/EventHeaders' },
      payload: { schemaFormat: 'application/vnd.google.protobuf;version=3', schema: source },
      bindings: {
        kafka: {
          key: { type: 'string', description: t.key },
          schemaIdLocation: 'payload',
          schemaIdPayloadEncoding: 'confluent',
          schemaLookupStrategy: 'TopicNameStrategy',
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
      'x-protobuf-package': pkg,
      'x-protobuf-message': t.valueType,
      'x-schema-subject': `${t.name}-value`,
    };

    channels[id] = {
      address: t.name,
      title: t.name,
      description:
        `${t.description}\n\nKey: ${t.key}. Value: ${t.valueType}. Partitions: ${t.partitions}, cleanup policy ` +
        `${t.cleanupPolicy}, retention ${retentionText(t.retentionMs)}. Dead letters: ${t.dlq}.`,
      messages: { [t.messageName]: { $ref: `#/components/messages/${t.messageName}` } },
      bindings: {
        kafka: {
          topic: t.name,
          partitions: t.partitions,
          topicConfiguration: { 'cleanup.policy': [t.cleanupPolicy], 'retention.ms': t.retentionMs },
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
    };
    channels[`${id}Dlq`] = {
      address: t.dlq,
      title: t.dlq,
      description:
        `Poison messages of ${t.name}: the original key and value bytes, unchanged, with the original headers and ` +
        `the dead-letter headers. Partitions: ${DLQ_SETTINGS.partitions}, retention ${retentionText(DLQ_SETTINGS.retentionMs)}.`,
      messages: { DeadLetter: { $ref: '#/components/messages/DeadLetter' } },
      bindings: {
        kafka: {
          topic: t.dlq,
          partitions: DLQ_SETTINGS.partitions,
          topicConfiguration: { 'cleanup.policy': [DLQ_SETTINGS.cleanupPolicy], 'retention.ms': DLQ_SETTINGS.retentionMs },
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
    };

    operations[`send${t.messageName}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${id}` },
      title: `${t.producers.join(', ')} publish ${t.messageName}`,
      summary: `Published by: ${t.producers.join(', ')}.`,
      messages: [{ $ref: `#/channels/${id}/messages/${t.messageName}` }],
    };
    operations[`receive${t.messageName}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${id}` },
      title: `${t.consumers.join(', ')} consume ${t.messageName}`,
      summary: `Consumed by: ${t.consumers.join(', ')} (each with its own consumer group; idempotent by event_id).`,
      messages: [{ $ref: `#/channels/${id}/messages/${t.messageName}` }],
    };
  }

  const header = (description: string) => ({ type: 'string', description });
  const doc = {
    asyncapi: '3.0.0',
    info: {
      title: 'Tradebridge events',
      version: '1.0.0',
      description: GUARANTEES,
      license: { name: 'Apache-2.0' },
    },
    defaultContentType: EVENT_CONTENT_TYPE,
    servers: {
      local: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'The development stack (tools/devstack). Schema registry: http://127.0.0.1:8081/apis/ccompat/v7.',
        bindings: {
          kafka: {
            schemaRegistryUrl: 'http://127.0.0.1:8081/apis/ccompat/v7',
            schemaRegistryVendor: 'apicurio',
            bindingVersion: KAFKA_BINDING_VERSION,
          },
        },
      },
    },
    channels,
    operations,
    components: {
      messages: {
        ...messages,
        DeadLetter: {
          name: 'DeadLetter',
          title: 'Dead-lettered message',
          summary: 'The original bytes of a message a consumer gave up on; no schema of its own.',
          contentType: 'application/octet-stream',
          headers: { $ref: '#/components/schemas/DeadLetterHeaders' },
          payload: { type: 'string', format: 'binary', description: 'The original value bytes, unchanged.' },
        },
      },
      schemas: {
        EventHeaders: {
          type: 'object',
          properties: {
            [EVENT_HEADERS.traceparent]: header('W3C Trace Context traceparent (00-<trace id>-<span id>-<flags>).'),
            [EVENT_HEADERS.tracestate]: header('W3C Trace Context tracestate, only with a traceparent.'),
            [EVENT_HEADERS.eventType]: header('Fully-qualified protobuf type of the value.'),
            [EVENT_HEADERS.eventId]: header('The envelope event_id, for deduplication without decoding.'),
            [EVENT_HEADERS.contentType]: header(`Always "${EVENT_CONTENT_TYPE}".`),
          },
        },
        DeadLetterHeaders: {
          type: 'object',
          description: 'The original message headers, plus these.',
          properties: {
            [DLQ_HEADERS.originalTopic]: header('Topic the message was consumed from.'),
            [DLQ_HEADERS.originalPartition]: header('Its partition (decimal).'),
            [DLQ_HEADERS.originalOffset]: header('Its offset (decimal).'),
            [DLQ_HEADERS.originalTimestamp]: header('Its Kafka timestamp (ms since the epoch, decimal).'),
            [DLQ_HEADERS.consumerGroup]: header('Consumer group that gave up on it.'),
            [DLQ_HEADERS.error]: header('Message of the last error (at most 1,000 characters).'),
            [DLQ_HEADERS.errorType]: header('Class of the last error, e.g. WireFormatError.'),
            [DLQ_HEADERS.attempts]: header('How many times the handler was tried (decimal).'),
            [DLQ_HEADERS.failedAt]: header('When it was dead-lettered (ISO 8601, UTC).'),
          },
          required: [DLQ_HEADERS.originalTopic, DLQ_HEADERS.originalPartition, DLQ_HEADERS.originalOffset],
        },
      },
      correlationIds: {
        signal: {
          description: 'The signal that started the chain (Envelope.correlation_id).',
          location: '$message.payload#/meta/correlation_id',
        },
      },
    },
  };
  return `# Generated by \`npm run -w @tradebridge/contracts generate\` from src/topics.ts and proto/*.proto. Do not edit.\n${stringify(
    doc,
    { lineWidth: 0, blockQuote: 'literal', aliasDuplicateObjects: false },
  )}`;
}
