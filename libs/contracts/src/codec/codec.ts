import * as protobuf from 'protobufjs';
import type { EventMap } from '../generated';
import { DLQ_SUFFIX, isTopicName, TOPICS, type TopicName } from '../topics';
import {
  ContractError,
  InvalidEventError,
  RegistryError,
  UnknownTopicError,
  WireFormatError,
  WrongMessageError,
} from './errors';
import { localSchemas, messageAt, parseSchema, type LocalSchema } from './local-schemas';
import { SchemaRegistryClient, type CompatibilityLevel, type SchemaRegistryApi } from './registry-client';
import { DEFAULT_UPCASTERS, UpcasterChain, type Upcaster } from './upcasters';
import { validateMessage } from './validate';
import { frame, unframe } from './wire-format';

/**
 * Encodes and decodes event values for Kafka. This is the structural interface libs/messaging calls; any object with
 * these two methods fits.
 */
export interface EventCodec {
  /** Validates `value` as the topic's value type and returns it in the Confluent wire format. */
  encode(topic: string, value: object): Promise<Buffer>;
  /** Decodes a Confluent-framed value of `topic` (upcast to the current schema version). */
  decode(topic: string, data: Buffer): Promise<{ typeName: string; schemaId: number; value: any }>;
}

/** A decoded event of a known topic. */
export interface DecodedEvent<T extends TopicName> {
  typeName: string;
  schemaId: number;
  value: EventMap[T];
}

/** The registry-backed codec, with typed conveniences beside the EventCodec methods. */
export interface RegistryEventCodec extends EventCodec {
  /** encode() with the value type checked at compile time. */
  encodeEvent<T extends TopicName>(topic: T | string, value: EventMap[T]): Promise<Buffer>;
  /** decode() of a known topic, typed. */
  decodeEvent<T extends TopicName>(topic: T, data: Buffer): Promise<DecodedEvent<T>>;
  /**
   * Registers the value schema of the given topics (default all) under `<prefix><topic>-value` with the configured
   * compatibility, and returns the schema ids. Services call it at start so a schema problem stops the boot.
   */
  registerAll(topics?: readonly TopicName[]): Promise<Record<string, number>>;
  /** Schema id the codec writes for a topic (registering or looking it up on first use). */
  schemaIdFor(topic: string): Promise<number>;
}

/** Options of createEventCodec. */
export interface EventCodecOptions {
  /** Confluent-compatible API base URL, e.g. http://127.0.0.1:18081/apis/ccompat/v7. Or pass `registry`. */
  registryUrl?: string;
  /** A registry client (tests pass a stub); overrides registryUrl. */
  registry?: SchemaRegistryApi;
  /**
   * Prefix of physical topic names (tests use a unique one per suite). "t1.signal.generated" with prefix "t1." is the
   * topic signal.generated; its subject is "t1.signal.generated-value".
   */
  topicPrefix?: string;
  /** Register schemas on first use (default true). When false, the schema must already be registered. */
  autoRegister?: boolean;
  /** Compatibility set on each subject the codec registers. Default BACKWARD. */
  compatibility?: CompatibilityLevel;
  /** Upcasters applied after decoding. Default DEFAULT_UPCASTERS. */
  upcasters?: readonly Upcaster[];
}

const TO_OBJECT: protobuf.IConversionOptions = {
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: true,
  arrays: true,
  objects: true,
};

/**
 * Rebuilds a decoded object in field-declaration order (readable in logs and stored JSON) and drops the nulls
 * protobufjs puts in absent singular message fields, so an absent message reads as undefined.
 */
function normalize(type: protobuf.Type, obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const v = obj[field.name];
    if (v === undefined || v === null) continue;
    const rt = field.resolvedType;
    if (!(rt instanceof protobuf.Type)) {
      out[field.name] = v;
    } else if (field instanceof protobuf.MapField) {
      out[field.name] = Object.fromEntries(
        Object.entries(v as Record<string, Record<string, unknown>>).map(([k, item]) => [k, normalize(rt, item)]),
      );
    } else if (field.repeated) {
      out[field.name] = (v as Record<string, unknown>[]).map((item) => normalize(rt, item));
    } else {
      out[field.name] = normalize(rt, v as Record<string, unknown>);
    }
  }
  return out;
}

function isDefault(field: protobuf.Field, v: unknown): boolean {
  if (field.resolvedType instanceof protobuf.Enum) return v === 0 || field.resolvedType.values[v as string] === 0;
  return v === 0 || v === '' || v === false || (v instanceof Uint8Array && v.length === 0);
}

/**
 * Copy of a (validated) value without the fields proto3 does not write: scalars, enums, repeated and maps at their
 * default, so the encoding is canonical (what every other protobuf library writes) and small. Fields with presence
 * (proto3 `optional`, messages) are kept even at their default.
 */
function pruneDefaults(type: protobuf.Type, obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const v = obj[field.name];
    if (v === undefined || v === null) continue;
    const rt = field.resolvedType;
    if (field instanceof protobuf.MapField) {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length === 0) continue;
      out[field.name] =
        rt instanceof protobuf.Type
          ? Object.fromEntries(entries.map(([k, item]) => [k, pruneDefaults(rt, item as Record<string, unknown>)]))
          : v;
    } else if (field.repeated) {
      const items = v as unknown[];
      if (items.length === 0) continue;
      out[field.name] =
        rt instanceof protobuf.Type ? items.map((item) => pruneDefaults(rt, item as Record<string, unknown>)) : items;
    } else if (rt instanceof protobuf.Type) {
      out[field.name] = pruneDefaults(rt, v as Record<string, unknown>);
    } else if (isProto3Optional(field) || !isDefault(field, v)) {
      out[field.name] = v;
    }
  }
  return out;
}

function isProto3Optional(field: protobuf.Field): boolean {
  return (field.options as Record<string, unknown> | undefined)?.['proto3_optional'] === true;
}

function checkEnvelope(typeName: string, value: Record<string, unknown>): void {
  const meta = value['meta'] as Record<string, unknown> | undefined;
  if (!meta) return; // reported by validateMessage
  const problems: string[] = [];
  if (!meta['eventId']) problems.push('meta.eventId: must not be empty');
  if (!meta['producer']) problems.push('meta.producer: must not be empty');
  if (typeof meta['occurredAtUs'] === 'number' && meta['occurredAtUs'] <= 0) {
    problems.push('meta.occurredAtUs: must be a positive number of microseconds since the epoch');
  }
  if (typeof meta['schemaVersion'] === 'number' && meta['schemaVersion'] < 1) {
    problems.push('meta.schemaVersion: must be 1 or more');
  }
  if (problems.length > 0) throw new InvalidEventError(typeName, problems);
}

/** The local schema of a physical topic name (prefix and .dlq suffix removed), or undefined if unknown. */
function resolveLocal(topic: string, prefix: string): LocalSchema | undefined {
  let logical = prefix && topic.startsWith(prefix) ? topic.slice(prefix.length) : topic;
  if (logical.endsWith(DLQ_SUFFIX)) logical = logical.slice(0, -DLQ_SUFFIX.length);
  return isTopicName(logical) ? localSchemas().get(logical) : undefined;
}

/**
 * Encodes a value as the topic's protobuf payload, without any framing or registry: for fixtures and unit tests.
 * Validates like the codec does.
 */
export function encodePayload(topic: string, value: object): Buffer {
  const local = resolveLocal(topic, '');
  if (!local || topic.endsWith(DLQ_SUFFIX)) {
    throw new UnknownTopicError(topic, `cannot encode for topic "${topic}": not an event topic of the TOPICS registry`);
  }
  return encodeWith(local, value);
}

/** Decodes a bare protobuf payload of a topic's value type (no framing, no upcasting): for fixtures and tests. */
export function decodePayload(topic: string, payload: Uint8Array): Record<string, unknown> {
  const local = resolveLocal(topic, '');
  if (!local) throw new UnknownTopicError(topic, `cannot decode for topic "${topic}": not in the TOPICS registry`);
  return decodeWith(local.type, payload, `topic ${topic}`);
}

function encodeWith(local: LocalSchema, value: object): Buffer {
  const typeName = local.type.fullName.replace(/^\./, '');
  const problems = validateMessage(local.type, value);
  if (problems.length > 0) throw new InvalidEventError(typeName, problems);
  checkEnvelope(typeName, value as Record<string, unknown>);
  return encodeCanonical(local.type, value as Record<string, unknown>);
}

/** Canonical protobuf encoding of a value (defaults omitted as proto3 does), without validation. */
export function encodeCanonical(type: protobuf.Type, value: Record<string, unknown>): Buffer {
  return Buffer.from(type.encode(type.fromObject(pruneDefaults(type, value))).finish());
}

function decodeWith(type: protobuf.Type, payload: Uint8Array, where: string): Record<string, unknown> {
  let message: protobuf.Message;
  try {
    message = type.decode(payload);
  } catch (err) {
    throw new WireFormatError(
      `${where}: the payload is not a valid ${type.fullName.replace(/^\./, '')}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return normalize(type, type.toObject(message, TO_OBJECT));
}

class RegistryCodec implements RegistryEventCodec {
  private readonly registry: SchemaRegistryApi;
  private readonly prefix: string;
  private readonly autoRegister: boolean;
  private readonly compatibility: CompatibilityLevel;
  private readonly upcasters: UpcasterChain;
  private readonly ids = new Map<string, Promise<number>>();
  private readonly writers = new Map<number, Promise<protobuf.Root>>();

  constructor(options: EventCodecOptions) {
    if (options.registry) this.registry = options.registry;
    else if (options.registryUrl) this.registry = new SchemaRegistryClient({ url: options.registryUrl });
    else throw new Error('createEventCodec: registryUrl (or registry) is required');
    this.prefix = options.topicPrefix ?? '';
    this.autoRegister = options.autoRegister ?? true;
    this.compatibility = options.compatibility ?? 'BACKWARD';
    this.upcasters = new UpcasterChain(options.upcasters ?? DEFAULT_UPCASTERS);
  }

  async encode(topic: string, value: object): Promise<Buffer> {
    const local = this.localFor(topic, 'encode');
    const payload = encodeWith(local, value);
    const schemaId = await this.schemaIdFor(topic);
    return frame(schemaId, local.messageIndexes, payload);
  }

  encodeEvent<T extends TopicName>(topic: T | string, value: EventMap[T]): Promise<Buffer> {
    return this.encode(topic, value);
  }

  async decode(topic: string, data: Buffer): Promise<{ typeName: string; schemaId: number; value: any }> {
    const { schemaId, messageIndexes, payload } = unframe(data);
    const writerRoot = await this.writerSchema(schemaId);
    const writerType = messageAt(writerRoot, messageIndexes);
    if (!writerType) {
      throw new WrongMessageError(
        `topic ${topic}: schema id ${schemaId} has no message at index [${messageIndexes.join(', ')}]`,
      );
    }
    const writerName = writerType.fullName.replace(/^\./, '');
    const local = resolveLocal(topic, this.prefix);
    if (local && local.type.fullName.replace(/^\./, '') !== writerName) {
      throw new WrongMessageError(
        `topic ${topic} carries ${local.type.fullName.replace(/^\./, '')}, but the message is a ${writerName} ` +
          `(schema id ${schemaId}, message index [${messageIndexes.join(', ')}])`,
      );
    }
    // The local type reads the payload when the topic is ours (fields a newer writer added are skipped); the
    // writer's type when it is not (audit reads topics it has no compiled types for).
    const readerType = local?.type ?? writerType;
    const decoded = decodeWith(readerType, payload, `topic ${topic}, schema id ${schemaId}`);
    const meta = decoded['meta'] as { eventId?: string } | undefined;
    if (local && !meta?.eventId) {
      // Consumers deduplicate on meta.eventId: a value without it cannot be handled safely.
      throw new InvalidEventError(writerName, [meta ? 'meta.eventId: is empty' : 'meta: is missing (no envelope)']);
    }
    return { typeName: writerName, schemaId, value: this.upcasters.apply(writerName, decoded) };
  }

  decodeEvent<T extends TopicName>(topic: T, data: Buffer): Promise<DecodedEvent<T>> {
    return this.decode(topic, data);
  }

  async registerAll(topics: readonly TopicName[] = Object.keys(TOPICS) as TopicName[]): Promise<Record<string, number>> {
    const ids = await Promise.all(topics.map((t) => this.schemaIdFor(`${this.prefix}${t}`)));
    return Object.fromEntries(topics.map((t, i) => [t, ids[i]!]));
  }

  schemaIdFor(topic: string): Promise<number> {
    const local = this.localFor(topic, 'find the schema id of');
    const subject = `${topic}-value`;
    let id = this.ids.get(subject);
    if (!id) {
      id = this.resolveId(subject, local.source);
      this.ids.set(subject, id);
      id.catch(() => this.ids.delete(subject));
    }
    return id;
  }

  private async resolveId(subject: string, source: string): Promise<number> {
    if (!this.autoRegister) {
      const id = await this.registry.lookup(subject, source);
      if (id === undefined) {
        throw new ContractError(
          'UNKNOWN_SCHEMA',
          `subject ${subject} has no version equal to the local schema, and auto-registration is off`,
        );
      }
      return id;
    }
    // Set the compatibility before registering where the registry allows it (so even the second version is
    // checked); registries that only accept it for existing subjects get it right after the first version.
    let setBefore = true;
    try {
      await this.ensureCompatibility(subject);
    } catch (err) {
      if (!(err instanceof RegistryError)) throw err;
      setBefore = false;
    }
    const id = await this.registry.register(subject, source);
    if (!setBefore) await this.ensureCompatibility(subject);
    return id;
  }

  private async ensureCompatibility(subject: string): Promise<void> {
    const current = await this.registry.getCompatibility(subject);
    if (current !== this.compatibility) await this.registry.setCompatibility(subject, this.compatibility);
  }

  private writerSchema(schemaId: number): Promise<protobuf.Root> {
    let root = this.writers.get(schemaId);
    if (!root) {
      root = this.registry.getSchemaById(schemaId).then((s) => {
        if (s.schemaType.toUpperCase() !== 'PROTOBUF') {
          throw new WrongMessageError(`schema id ${schemaId} is a ${s.schemaType} schema, not PROTOBUF`);
        }
        try {
          return parseSchema(s.schema);
        } catch (err) {
          throw new ContractError('UNKNOWN_SCHEMA', `schema id ${schemaId} does not parse: ${(err as Error).message}`);
        }
      });
      this.writers.set(schemaId, root);
      root.catch(() => this.writers.delete(schemaId));
    }
    return root;
  }

  private localFor(topic: string, what: string): LocalSchema {
    const local = resolveLocal(topic, this.prefix);
    if (!local || topic.endsWith(DLQ_SUFFIX)) {
      throw new UnknownTopicError(
        topic,
        `cannot ${what} topic "${topic}": not an event topic of the TOPICS registry` +
          (this.prefix ? ` (topic prefix "${this.prefix}")` : '') +
          (topic.endsWith(DLQ_SUFFIX) ? '; dead-letter topics carry the original bytes, no schema' : ''),
      );
    }
    return local;
  }
}

/**
 * The event codec backed by a Confluent-compatible schema registry: registers each topic's schema under
 * `<topic>-value` (TopicNameStrategy) with BACKWARD compatibility, writes the Confluent wire format (magic byte 0,
 * big-endian schema id, message indexes, protobuf payload), and decodes by the schema id in the bytes (cached).
 */
export function createEventCodec(options: EventCodecOptions): RegistryEventCodec {
  return new RegistryCodec(options);
}
