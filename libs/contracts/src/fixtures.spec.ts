import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONTRACTS_DIR } from './codegen/files';
import { createEventCodec, decodePayload, encodePayload } from './codec/codec';
import { frame } from './codec/wire-format';
import { CURRENT_SCHEMA_VERSION } from './envelope';
import { InMemorySchemaRegistry } from './testing/in-memory-registry';
import { localSchemas } from './codec/local-schemas';
import { TOPIC_NAMES, TOPICS } from './topics';

const FIXTURES = path.join(CONTRACTS_DIR, 'fixtures');

interface Fixture {
  topic: string;
  version: number;
  json: Record<string, unknown>;
  bin: Buffer;
}

const fixtures: Fixture[] = fs.readdirSync(FIXTURES).flatMap((topic) =>
  fs
    .readdirSync(path.join(FIXTURES, topic))
    .filter((f) => /^v\d+\.json$/.test(f))
    .map((f) => ({
      topic,
      version: Number(/^v(\d+)/.exec(f)![1]),
      json: JSON.parse(fs.readFileSync(path.join(FIXTURES, topic, f), 'utf8')),
      bin: fs.readFileSync(path.join(FIXTURES, topic, f.replace(/\.json$/, '.bin'))),
    })),
);
const current = fixtures.filter((f) => f.version === CURRENT_SCHEMA_VERSION);

describe('fixtures per schema version', () => {
  it('has a current-version fixture for every topic', () => {
    expect(current.map((f) => f.topic).sort()).toEqual([...TOPIC_NAMES].sort());
  });

  it.each(fixtures.map((f) => [`${f.topic} v${f.version}`, f] as const))(
    '%s: the frozen bytes still decode to the frozen JSON',
    (_name, f) => {
      expect(decodePayload(f.topic, f.bin)).toEqual(f.json);
    },
  );

  it.each(current.map((f) => [f.topic, f] as const))('%s: the JSON encodes to exactly the frozen bytes', (_n, f) => {
    expect(encodePayload(f.topic, f.json).equals(f.bin)).toBe(true);
  });

  it.each(current.map((f) => [f.topic, f] as const))(
    '%s: round-trips through the registry codec unchanged',
    async (_n, f) => {
      const codec = createEventCodec({ registry: new InMemorySchemaRegistry() });
      const bytes = await codec.encode(f.topic, f.json);
      const decoded = await codec.decode(f.topic, bytes);
      expect(decoded.typeName).toBe(TOPICS[f.topic as keyof typeof TOPICS].valueType);
      expect(decoded.value).toEqual(f.json);
    },
  );

  it('upcasts a version-0 SignalGenerated when read: correlation id filled with the signal id, version 1', async () => {
    const v0 = fixtures.find((f) => f.topic === 'signal.generated' && f.version === 0)!;
    expect((v0.json['meta'] as Record<string, unknown>)['correlationId']).toBe('');
    const registry = new InMemorySchemaRegistry();
    registry.put(41, localSchemas().get('signal.generated')!.source);
    const codec = createEventCodec({ registry });

    const { value } = await codec.decode('signal.generated', frame(41, [0], v0.bin));

    expect(value.meta.schemaVersion).toBe(1);
    expect(value.meta.correlationId).toBe(value.signalId);
    expect({ ...value, meta: undefined }).toEqual({ ...v0.json, meta: undefined });
  });
});
