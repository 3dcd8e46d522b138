import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createEventCodec, ensureTopics, unframe, type OrderIntentApproved } from '@tradebridge/contracts';
import { testInfra } from '@tradebridge/devstack';
import { Registry } from 'prom-client';
import { ConsumerRunner, type ConsumedEvent } from './consumer-runner';
import { silentLogger } from './logger';
import { EventProducer } from './producer';
import { waitFor } from './test-support/fake-kafka';
import { readRaw, testKafka, uniqueName } from './test-support/kafka-int';

// A registered protobuf event through the real broker and the real schema registry, with the contracts' codec.

const registryUrl = testInfra().schemaRegistryUrl;
const fixture: OrderIntentApproved = JSON.parse(
  readFileSync(path.resolve(__dirname, '../../contracts/fixtures/risk.approved/v1.json'), 'utf8'),
);

describe('messaging with the registry codec of @tradebridge/contracts', () => {
  it('publishes and consumes a registered risk.approved event (Confluent wire format, trace context in headers)', async () => {
    const prefix = `${uniqueName('msg')}.`;
    const topic = `${prefix}risk.approved`;
    const kafka = testKafka('messaging-registry-int');
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, ['risk.approved'], { prefix, partitions: 3 });
    await admin.disconnect();

    const producer = new EventProducer({ kafka, codec: createEventCodec({ registryUrl, topicPrefix: prefix }), registry: new Registry() });
    await producer.connect();
    const received: ConsumedEvent[] = [];
    const runner = new ConsumerRunner({
      kafka,
      groupId: uniqueName('execution'),
      topics: [topic],
      // a separate codec instance: the reader finds the schema by the id in the message
      codec: createEventCodec({ registryUrl, topicPrefix: prefix, autoRegister: false }),
      registry: new Registry(),
      logger: silentLogger,
      handler: async (event) => void received.push(event),
    });
    try {
      await runner.start();
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      await producer.publish(topic, fixture.accountId, fixture, { traceparent });
      await waitFor(() => received.length === 1, 30_000, 'the event');

      const [event] = received;
      expect(event!.value).toEqual(fixture);
      expect(event!.typeName).toBe('tradebridge.events.risk_approved.v1.OrderIntentApproved');
      expect(event!.key).toBe(fixture.accountId);
      expect(event!.headers.traceparent).toBe(traceparent);
      const [raw] = await readRaw(kafka, topic, 1);
      const wire = unframe(raw!.value!);
      expect(wire.schemaId).toBe(event!.schemaId);
      expect(wire.schemaId).toBeGreaterThan(0);
    } finally {
      await runner.stop();
      await producer.disconnect();
    }
  });
});
