import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Client } from 'pg';
import { createFreshDatabase, status, testInfra, uniqueName, up, waitFor } from './index';

// The stack itself, proven through the same clients the services use. The Jest global setup has already run
// `up --profile test` (or TRADEBRIDGE_INFRA points elsewhere), so testInfra() names live endpoints.
describe('devstack test infrastructure', () => {
  const infra = testInfra();
  const kafka = new Kafka({ clientId: uniqueName('devstack-spec'), brokers: infra.kafkaBrokers, logLevel: logLevel.NOTHING });
  let admin: Admin;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.disconnect();
  });

  it('serves broker metadata over kafkajs', async () => {
    // given a connected admin client, when it asks for the cluster
    const cluster = await admin.describeCluster();
    // then exactly one broker answers on one of the configured addresses
    expect(cluster.brokers).toHaveLength(1);
    expect(infra.kafkaBrokers).toContain(`${cluster.brokers[0].host}:${cluster.brokers[0].port}`);
  });

  it('refuses to create topics implicitly', async () => {
    // given a topic nobody created
    const topic = uniqueName('devstack-implicit');
    const producer = kafka.producer({ allowAutoTopicCreation: true, retry: { retries: 1 } });
    await producer.connect();
    try {
      // when a producer writes to it, then the broker rejects it instead of creating it
      await expect(producer.send({ topic, messages: [{ value: 'x' }] })).rejects.toThrow();
      expect(await admin.listTopics()).not.toContain(topic);
    } finally {
      await producer.disconnect();
    }
  });

  it('delivers a produced message to a consumer group', async () => {
    // given a fresh topic and a consumer group subscribed to it
    const topic = uniqueName('devstack-roundtrip');
    await admin.createTopics({ waitForLeaders: false, topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
    // Not kafkajs' own waitForLeaders (on by default in createTopics: it failed a CI run): it gives up on "does not
    // host this topic-partition" while a busy broker's metadata lags the controller. Poll the metadata instead.
    await waitFor(
      async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions.every((p) => p.leader >= 0),
      { timeoutMs: 30_000, message: `a leader for ${topic}` },
    );
    const consumer = kafka.consumer({ groupId: uniqueName('devstack-group') });
    const producer = kafka.producer();
    const received: string[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void received.push(message.value?.toString() ?? '') });
      await producer.connect();

      // when a message is produced
      await producer.send({ topic, messages: [{ key: 'k', value: 'hello from devstack' }] });

      // then the consumer receives it
      await waitFor(() => received.length > 0, { timeoutMs: 30_000, message: 'the consumer to receive the message' });
      expect(received).toEqual(['hello from devstack']);
    } finally {
      await producer.disconnect();
      await consumer.disconnect();
      await admin.deleteTopics({ topics: [topic] });
    }
  });

  it('registers a protobuf schema and serves it by id through the Confluent-compatible API', async () => {
    // given a protobuf schema under a fresh subject
    const registry = new SchemaRegistry({ host: infra.schemaRegistryUrl });
    const subject = `${uniqueName('devstack-subject')}-value`;
    const pkg = uniqueName('devstack').replace(/[^a-z0-9]/g, '_');
    const schema = `syntax = "proto3";\npackage ${pkg};\n\nmessage Ping {\n  string id = 1;\n  int64 sequence = 2;\n}\n`;

    // when it is registered
    const { id } = await registry.register({ type: SchemaType.PROTOBUF, schema }, { subject });

    // then the id is what the subject resolves to, and payloads encode and decode through it
    expect(id).toBeGreaterThan(0);
    expect(await registry.getLatestSchemaId(subject)).toBe(id);
    const payload = await registry.encode(id, { id: 'p-1', sequence: 42 });
    expect(payload.readUInt8(0)).toBe(0); // Confluent wire format: magic byte, then the schema id
    expect(payload.readInt32BE(1)).toBe(id);
    const decoded = await new SchemaRegistry({ host: infra.schemaRegistryUrl }).decode(payload);
    expect(decoded).toMatchObject({ id: 'p-1' });
    expect(Number(decoded.sequence)).toBe(42);
  });

  it('gives a schema that differs only in formatting the id it already has', async () => {
    // given a protobuf schema registered under a fresh subject
    const registry = new SchemaRegistry({ host: infra.schemaRegistryUrl });
    const subject = `${uniqueName('devstack-canonical')}-value`;
    const pkg = uniqueName('canonical').replace(/[^a-z0-9]/g, '_');
    const compact = `syntax = "proto3";\npackage ${pkg};\nmessage Tick { string symbol = 1; double bid = 2; }\n`;
    const spaced = `syntax = "proto3";\n\npackage ${pkg};\n\nmessage Tick {\n  string symbol = 1;\n  double bid = 2;\n}\n`;
    const { id } = await registry.register({ type: SchemaType.PROTOBUF, schema: compact }, { subject });

    // when the same schema, formatted differently, is registered again (as a service restart after a reformat would)
    const again = await registry.register({ type: SchemaType.PROTOBUF, schema: spaced }, { subject });

    // then it is recognised as the same schema, as Confluent's registry does (apicurio.ccompat.use-canonical-hash)
    expect(again.id).toBe(id);
  });

  it('reaches PostgreSQL and creates a fresh database per suite', async () => {
    // given a fresh database
    const db = await createFreshDatabase('devstack_spec');
    try {
      // when a client connects to it
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string }>('select current_database() as name');
        // then it is that database
        expect(rows[0].name).toBe(db.name);
      } finally {
        await client.end();
      }
    } finally {
      await db.drop();
    }
    // and after drop() it is gone
    const admin = new Client({ connectionString: testInfra().databaseUrl });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [db.name]);
      expect(rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  });

  const processMode = (process.env.TRADEBRIDGE_INFRA ?? 'process') === 'process';
  (processMode ? it : it.skip)('treats a second `up` as a no-op', async () => {
    // given the stack the global setup started, when `up` runs again
    const before = await status('test');
    const again = await up('test', { log: () => undefined });
    // then nothing is started and the same processes keep serving
    expect(again.started).toEqual([]);
    const after = await status('test');
    expect(after.kafka.pid).toBe(before.kafka.pid);
    expect(after.registry.pid).toBe(before.registry.pid);
    expect(after.kafka.ready && after.registry.ready && after.postgres.ready).toBe(true);
  });
});
