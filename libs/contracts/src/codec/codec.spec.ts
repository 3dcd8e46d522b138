import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { CONTRACTS_DIR } from '../codegen/files';
import type { RiskRejectionReason, SignalGenerated } from '../generated';
import { InMemorySchemaRegistry } from '../testing/in-memory-registry';
import { TOPICS } from '../topics';
import { createEventCodec, encodePayload } from './codec';
import {
  ContractError,
  InvalidEventError,
  UnknownSchemaError,
  UnknownTopicError,
  WireFormatError,
  WrongMessageError,
} from './errors';
import { localSchemas } from './local-schemas';
import { frame, unframe } from './wire-format';

const fixture = (topic: string) =>
  JSON.parse(fs.readFileSync(path.join(CONTRACTS_DIR, 'fixtures', topic, 'v1.json'), 'utf8'));

function signal(): SignalGenerated {
  return fixture('signal.generated');
}

describe('registry codec', () => {
  it('given a value, when encoded, then frames the canonical payload with the registered id and index [0]', async () => {
    const registry = new InMemorySchemaRegistry(17);
    const codec = createEventCodec({ registry });

    const bytes = await codec.encode('signal.generated', signal());

    expect(bytes.subarray(0, 6).toString('hex')).toBe('000000001100'); // magic 0, id 17, index byte 0
    expect(bytes.subarray(6).equals(encodePayload('signal.generated', signal()))).toBe(true);
  });

  it('registers under <topic>-value (with the topic prefix) and sets BACKWARD compatibility, once per subject', async () => {
    const registry = new InMemorySchemaRegistry();
    const codec = createEventCodec({ registry, topicPrefix: 't1.' });

    await codec.encode('t1.signal.generated', signal());
    await codec.encode('t1.signal.generated', signal());

    expect(registry.calls).toEqual([
      'getCompatibility t1.signal.generated-value',
      'setCompatibility t1.signal.generated-value BACKWARD',
      'register t1.signal.generated-value',
    ]);
    expect(await registry.getCompatibility('t1.signal.generated-value')).toBe('BACKWARD');
  });

  it('registers every topic with registerAll and returns the ids', async () => {
    const codec = createEventCodec({ registry: new InMemorySchemaRegistry() });
    const ids = await codec.registerAll();
    expect(Object.keys(ids).sort()).toEqual(Object.keys(TOPICS).sort());
  });

  it('with auto-registration off, refuses a topic whose schema is not registered, naming the subject', async () => {
    const codec = createEventCodec({ registry: new InMemorySchemaRegistry(), autoRegister: false });
    await expect(codec.encode('signal.generated', signal())).rejects.toThrow(/signal.generated-value has no version/);
  });

  it('decodes by the schema id in the bytes, fetching the writer schema once', async () => {
    const registry = new InMemorySchemaRegistry();
    const writer = createEventCodec({ registry });
    const reader = createEventCodec({ registry });
    const bytes = await writer.encode('signal.generated', signal());
    registry.calls.length = 0;

    const a = await reader.decode('signal.generated', bytes);
    const b = await reader.decodeEvent('signal.generated', bytes);

    expect(a.value).toEqual(signal());
    expect(b.value.action).toBe('SIGNAL_ACTION_OPEN');
    expect(registry.calls.filter((c) => c.startsWith('getSchemaById'))).toHaveLength(1);
  });

  it('decodes a value written with a newer schema version, ignoring the fields it does not know', async () => {
    const registry = new InMemorySchemaRegistry();
    const newer = localSchemas()
      .get('signal.generated')!
      .source.replace('  SignalChannel channel = 32;\n', '  SignalChannel channel = 32;\n  string strategy_name = 33;\n');
    expect(newer).toContain('strategy_name');
    registry.put(900, newer);
    const { root } = protobuf.parse(newer, { keepCase: false });
    const type = root.lookupType(TOPICS['signal.generated'].valueType);
    const payload = type.encode(type.fromObject({ ...signal(), strategyName: 'breakout-v2' })).finish();

    const { value, schemaId } = await createEventCodec({ registry }).decode('signal.generated', frame(900, [0], payload));

    expect(schemaId).toBe(900);
    expect(value).toEqual(signal());
  });

  it('decodes values whose registered schema is a base64 FileDescriptorProto (older Confluent clients)', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const descriptor = require('protobufjs/ext/descriptor') as { FileDescriptorProto: protobuf.Type };
    const root = protobuf.parse(localSchemas().get('signal.generated')!.source, { keepCase: true }).root;
    const set = (root as unknown as { toDescriptor(s: string): { file: object[] } }).toDescriptor('proto3');
    const base64 = Buffer.from(descriptor.FileDescriptorProto.encode(set.file[0]!).finish()).toString('base64');
    const registry = new InMemorySchemaRegistry();
    registry.put(500, base64);

    const bytes = frame(500, [0], encodePayload('signal.generated', signal()));
    const known = await createEventCodec({ registry }).decode('signal.generated', bytes);
    const unknown = await createEventCodec({ registry }).decode('not.ours', bytes);

    expect(known.typeName).toBe(TOPICS['signal.generated'].valueType);
    expect(known.value).toEqual(signal());
    expect(unknown.value).toEqual(signal()); // read with the writer's descriptor, camelCase like text schemas
  });

  it('decodes topics it has no local type for with the writer schema (audit reads everything)', async () => {
    const registry = new InMemorySchemaRegistry();
    const bytes = await createEventCodec({ registry }).encode('risk.rejected', fixture('risk.rejected'));
    registry.put(77, localSchemas().get('risk.rejected')!.source);
    const { payload } = unframe(bytes);

    const out = await createEventCodec({ registry }).decode('some.other.topic', frame(77, [0], payload));

    expect(out.typeName).toBe(TOPICS['risk.rejected'].valueType);
    expect(out.value.reason satisfies RiskRejectionReason).toBe('RISK_MAX_OPEN_POSITIONS');
  });

  it('decodes the original bytes found on a dead-letter topic as the original topic', async () => {
    const codec = createEventCodec({ registry: new InMemorySchemaRegistry() });
    const bytes = await codec.encode('signal.generated', signal());
    expect((await codec.decode('signal.generated.dlq', bytes)).value).toEqual(signal());
  });

  describe('errors name what failed', () => {
    const codec = () => createEventCodec({ registry: new InMemorySchemaRegistry() });

    it('bytes not in the wire format', async () => {
      await expect(codec().decode('signal.generated', Buffer.from('{"action":"OPEN"}'))).rejects.toThrow(
        new WireFormatError('not Confluent protobuf wire format: magic byte is 0x7b, expected 0x00'),
      );
    });

    it('an unknown schema id', async () => {
      const err = await codec()
        .decode('signal.generated', frame(4242, [0], Buffer.from([0x0a, 0x00])))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnknownSchemaError);
      expect((err as Error).message).toMatch(/schema id 4242 is unknown/);
      expect((err as ContractError).retryable).toBe(false);
    });

    it('the wrong message type for the topic', async () => {
      const registry = new InMemorySchemaRegistry();
      const c = createEventCodec({ registry });
      const bytes = await c.encode('risk.rejected', fixture('risk.rejected'));
      await expect(c.decode('signal.generated', bytes)).rejects.toThrow(WrongMessageError);
      await expect(c.decode('signal.generated', bytes)).rejects.toThrow(
        /topic signal.generated carries tradebridge.events.signal_generated.v1.SignalGenerated, but the message is a tradebridge.events.risk_rejected.v1.OrderIntentRejected/,
      );
    });

    it('a message index that does not exist in the schema', async () => {
      const registry = new InMemorySchemaRegistry();
      const c = createEventCodec({ registry });
      const id = await c.schemaIdFor('signal.generated');
      await expect(c.decode('signal.generated', frame(id, [99], Buffer.alloc(0)))).rejects.toThrow(
        /no message at index \[99\]/,
      );
    });

    it('a payload that is not protobuf', async () => {
      const c = codec();
      const id = await c.schemaIdFor('signal.generated');
      await expect(c.decode('signal.generated', frame(id, [0], Buffer.from([0x0a, 0xff, 0xff])))).rejects.toThrow(
        /payload is not a valid tradebridge.events.signal_generated.v1.SignalGenerated/,
      );
    });

    it('a topic outside the registry, and a DLQ topic, on encode', async () => {
      await expect(codec().encode('nope', signal())).rejects.toThrow(UnknownTopicError);
      await expect(codec().encode('signal.generated.dlq', signal())).rejects.toThrow(/original bytes, no schema/);
    });

    it('an invalid value, listing every offending field', async () => {
      const bad = {
        ...signal(),
        action: 'BUY',
        entryPrice: Number.NaN,
        takeProfits: [1.1, '1.2'],
        volume: 1,
        meta: { ...signal().meta, occurredAtUs: 1.5 },
      };
      delete (bad as Partial<SignalGenerated>).symbol;
      const err = (await codec()
        .encode('signal.generated', bad)
        .catch((e: unknown) => e)) as InvalidEventError;
      expect(err).toBeInstanceOf(InvalidEventError);
      expect(err.problems).toEqual([
        'volume: unknown field (SignalGenerated has no such field)',
        expect.stringMatching(/^meta.occurredAtUs: must be an integer/),
        expect.stringMatching(/^action: must be one of SIGNAL_ACTION_UNSPECIFIED, SIGNAL_ACTION_OPEN,.*got "BUY"/),
        'symbol: is required',
        'entryPrice: must be a finite number, got NaN',
        'takeProfits[1]: must be a finite number, got "1.2"',
      ]);
    });

    it('an envelope without event id or producer', async () => {
      const bad = { ...signal(), meta: { ...signal().meta, eventId: '', producer: '' } };
      await expect(codec().encode('signal.generated', bad)).rejects.toThrow(
        'invalid tradebridge.events.signal_generated.v1.SignalGenerated: meta.eventId: must not be empty; meta.producer: must not be empty',
      );
    });

    it('a decoded value without envelope or event id (consumers could not deduplicate it)', async () => {
      const c = codec();
      const id = await c.schemaIdFor('signal.generated');
      const noMeta = localSchemas().get('signal.generated')!.type;
      const payload = noMeta.encode(noMeta.fromObject({ signalId: 's1' })).finish();
      await expect(c.decode('signal.generated', frame(id, [0], payload))).rejects.toThrow(
        'invalid tradebridge.events.signal_generated.v1.SignalGenerated: meta: is missing (no envelope)',
      );
      const emptyId = noMeta.encode(noMeta.fromObject({ meta: { producer: 'x' } })).finish();
      await expect(c.decode('signal.generated', frame(id, [0], emptyId))).rejects.toThrow(/meta.eventId: is empty/);
    });

    it('a value without envelope', async () => {
      const { meta: _meta, ...noMeta } = signal();
      await expect(codec().encode('signal.generated', noMeta)).rejects.toThrow(/meta: is required/);
    });
  });

  it('keeps absent optional fields absent and present zeroes present', async () => {
    const codec = createEventCodec({ registry: new InMemorySchemaRegistry() });
    const value = { ...signal(), newStopLoss: 0 };
    delete value.entryPrice;
    const out = (await codec.decode('signal.generated', await codec.encode('signal.generated', value))).value;
    expect('entryPrice' in out).toBe(false);
    expect(out.newStopLoss).toBe(0);
  });
});
