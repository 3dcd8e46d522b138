import * as fs from 'node:fs';
import * as path from 'node:path';
import { testInfra, uniqueName } from '@tradebridge/devstack';
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { CONTRACTS_DIR } from '../codegen/files';
import { ensureTopics } from '../topic-admin';
import { TOPIC_NAMES, TOPICS, type TopicName } from '../topics';
import { createEventCodec } from './codec';
import { SchemaIncompatibleError, UnknownSchemaError } from './errors';
import { localSchemas } from './local-schemas';
import { SchemaRegistryClient } from './registry-client';
import { unframe } from './wire-format';

// The test stack of tools/devstack (npm run -s devstack -- up --profile test), or what the environment names.
const { schemaRegistryUrl: registryUrl, kafkaBrokers: brokers } = testInfra();

/** A prefix no other suite or run uses, so this suite gets fresh subjects and topics. */
const prefix = `${uniqueName('contracts')}.`;

const fixture = (topic: string) =>
  JSON.parse(fs.readFileSync(path.join(CONTRACTS_DIR, 'fixtures', topic, 'v1.json'), 'utf8'));

async function registryGet(p: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${registryUrl}${p}`);
  return { status: res.status, body: await res.json() };
}

describe('registry codec against the real schema registry', () => {
  it('registers every topic schema under <topic>-value with BACKWARD compatibility', async () => {
    const codec = createEventCodec({ registryUrl, topicPrefix: prefix });

    const ids = await codec.registerAll();

    for (const topic of TOPIC_NAMES) {
      const subject = `${prefix}${topic}-value`;
      const latest = await registryGet(`/subjects/${encodeURIComponent(subject)}/versions/latest`);
      expect(latest.status).toBe(200);
      expect(latest.body.id).toBe(ids[topic]);
      expect(latest.body.schema).toBe(localSchemas().get(topic)!.source);
      const config = await registryGet(`/config/${encodeURIComponent(subject)}?defaultToGlobal=false`);
      expect(config.body.compatibilityLevel).toBe('BACKWARD');
    }
  });

  it.each(TOPIC_NAMES.map((t) => [t] as const))(
    '%s: a fixture round-trips through the registry (decoded by a codec that fetches the schema by id)',
    async (topic) => {
      const writer = createEventCodec({ registryUrl, topicPrefix: prefix });
      const reader = createEventCodec({ registryUrl, topicPrefix: prefix });
      const physical = `${prefix}${topic}`;

      const bytes = await writer.encode(physical, fixture(topic));
      const decoded = await reader.decode(physical, bytes);

      const { schemaId, messageIndexes } = unframe(bytes);
      expect(bytes[0]).toBe(0);
      expect(schemaId).toBe(await writer.schemaIdFor(physical));
      expect(messageIndexes).toEqual([0]);
      expect(decoded).toEqual({ typeName: TOPICS[topic].valueType, schemaId, value: fixture(topic) });
    },
  );

  it('refuses an incompatible change under BACKWARD, accepts an additive one, and old readers decode it', async () => {
    const topic: TopicName = 'signal.generated';
    const subject = `${prefix}evolution.${topic}-value`;
    const client = new SchemaRegistryClient({ url: registryUrl });
    const v1 = localSchemas().get(topic)!.source;
    await client.setCompatibility(subject, 'BACKWARD');
    const v1Id = await client.register(subject, v1);

    const typeChanged = v1.replace('  string symbol = 7;', '  double symbol = 7;');
    expect(typeChanged).not.toBe(v1);
    const refused = await client.register(subject, typeChanged).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SchemaIncompatibleError);
    expect((refused as Error).message).toMatch(new RegExp(`subject ${subject.replace(/\./g, '\\.')}.*incompatible`));

    const additive = v1.replace('  SignalChannel channel = 32;\n', '  SignalChannel channel = 32;\n  string strategy_name = 33;\n');
    const v2Id = await client.register(subject, additive);
    expect(v2Id).not.toBe(v1Id);

    // A producer already on v2 writes the new field; a consumer still on v1 reads the rest.
    const { frame } = await import('./wire-format');
    const protobuf = await import('protobufjs');
    const type = protobuf.parse(additive, { keepCase: false }).root.lookupType(TOPICS[topic].valueType);
    const payload = type.encode(type.fromObject({ ...fixture(topic), strategyName: 'breakout-v2' })).finish();
    const decoded = await createEventCodec({ registryUrl }).decode(topic, frame(v2Id, [0], payload));
    expect(decoded.value).toEqual(fixture(topic));
  });

  it.each(TOPIC_NAMES.map((t) => [t] as const))(
    '%s: the registry accepts the current schema after the frozen v1 under BACKWARD',
    async (topic) => {
      const subject = `${prefix}frozen.${topic}-value`;
      const client = new SchemaRegistryClient({ url: registryUrl });
      const frozen = fs.readFileSync(path.join(CONTRACTS_DIR, 'fixtures', topic, 'v1.proto'), 'utf8');
      await client.setCompatibility(subject, 'BACKWARD');
      await client.register(subject, frozen);
      await expect(client.register(subject, localSchemas().get(topic)!.source)).resolves.toEqual(expect.any(Number));
    },
  );

  it('names an unknown schema id', async () => {
    const { frame } = await import('./wire-format');
    const codec = createEventCodec({ registryUrl });
    await expect(codec.decode('signal.generated', frame(2_000_000_000, [0], Buffer.from([0x12, 0x00])))).rejects.toThrow(
      UnknownSchemaError,
    );
  });
});

describe('ensureTopics against the real broker', () => {
  let admin: Admin;

  beforeAll(async () => {
    admin = new Kafka({ clientId: 'contracts-int', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.disconnect();
  });

  it('creates topics and DLQs with the registry settings, idempotently', async () => {
    const names: TopicName[] = ['signal.generated', 'account.config'];

    const created = await ensureTopics(admin, names, { prefix });
    const again = await ensureTopics(admin, names, { prefix });

    expect(created.sort()).toEqual(
      [`${prefix}signal.generated`, `${prefix}signal.generated.dlq`, `${prefix}account.config`, `${prefix}account.config.dlq`].sort(),
    );
    expect(again).toEqual([]);
    const meta = await admin.fetchTopicMetadata({ topics: [`${prefix}signal.generated`] });
    expect(meta.topics[0]!.partitions).toHaveLength(TOPICS['signal.generated'].partitions);
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: `${prefix}account.config` }],
    });
    const entries = Object.fromEntries(configs.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
    expect(entries['cleanup.policy']).toBe('compact');
    expect(entries['retention.ms']).toBe('-1');
  });
});
