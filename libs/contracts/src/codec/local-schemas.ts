import * as protobuf from 'protobufjs';
import { PROTO_SOURCES } from '../generated/proto-sources';
import { TOPICS, type TopicName } from '../topics';

/** The local (reader) schema of one topic's value. */
export interface LocalSchema {
  topic: TopicName;
  protoFile: string;
  /** The .proto text, exactly what is registered under `<topic>-value`. */
  source: string;
  type: protobuf.Type;
  /** Confluent message indexes of the value type in its file ([0] for the first message). */
  messageIndexes: number[];
}

/**
 * Parses a registered protobuf schema: .proto text (what this codec and current Confluent clients register), or a
 * base64-encoded FileDescriptorProto (what older Confluent clients, e.g. confluent-kafka-python 1.x, register and
 * Apicurio returns unchanged). Both give camelCase field names.
 */
export function parseSchema(source: string): protobuf.Root {
  try {
    const { root } = protobuf.parse(source, { alternateCommentMode: true, keepCase: false });
    root.resolveAll();
    return root;
  } catch (err) {
    if (/^[A-Za-z0-9+/]+={0,2}$/.test(source.trim())) return rootFromDescriptor(Buffer.from(source.trim(), 'base64'));
    throw err;
  }
}

function rootFromDescriptor(bytes: Buffer): protobuf.Root {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const descriptor = require('protobufjs/ext/descriptor') as {
    FileDescriptorProto: protobuf.Type;
    FileDescriptorSet: protobuf.Type;
  };
  const file = descriptor.FileDescriptorProto.decode(bytes);
  const set = descriptor.FileDescriptorSet.create({ file: [file] });
  const fromDescriptor = (protobuf.Root as unknown as { fromDescriptor(d: unknown): protobuf.Root }).fromDescriptor;
  // Descriptors carry proto field names; rebuild with camelCase names, as text schemas are parsed.
  const json = camelCaseFields(fromDescriptor(set).toJSON()) as protobuf.INamespace;
  const root = protobuf.Root.fromJSON(json);
  root.resolveAll();
  return root;
}

function camelCaseFields(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(camelCaseFields);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === 'fields' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, f]) => [protobuf.util.camelCase(name), f]),
      );
    } else if (key === 'oneofs' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, { oneof: string[] }>).map(([name, o]) => [
          name,
          { ...o, oneof: o.oneof.map((m) => protobuf.util.camelCase(m)) },
        ]),
      );
    } else {
      out[key] = camelCaseFields(value);
    }
  }
  return out;
}

/** Top-level message types of a file in declaration order (what Confluent message indexes count). */
export function topLevelMessages(root: protobuf.Root): protobuf.Type[] {
  const out: protobuf.Type[] = [];
  const visit = (ns: protobuf.Namespace): void => {
    for (const obj of ns.nestedArray) {
      if (obj instanceof protobuf.Type) out.push(obj);
      else if (obj instanceof protobuf.Namespace && !(obj instanceof protobuf.Service) && !(obj instanceof protobuf.Enum)) {
        visit(obj);
      }
    }
  };
  visit(root);
  return out;
}

/** Confluent message indexes of `type` within its file. */
export function messageIndexesOf(root: protobuf.Root, type: protobuf.Type): number[] {
  const path: protobuf.Type[] = [];
  for (let t: protobuf.ReflectionObject | null = type; t instanceof protobuf.Type; t = t.parent) path.unshift(t);
  const indexes = [topLevelMessages(root).indexOf(path[0]!)];
  for (let k = 1; k < path.length; k += 1) {
    indexes.push(path[k - 1]!.nestedArray.filter((o) => o instanceof protobuf.Type).indexOf(path[k]!));
  }
  if (indexes.some((i) => i < 0)) throw new Error(`cannot locate ${type.fullName} in its schema`);
  return indexes;
}

/** The message type at Confluent message indexes, or undefined when the path leads nowhere. */
export function messageAt(root: protobuf.Root, indexes: readonly number[]): protobuf.Type | undefined {
  let type: protobuf.Type | undefined = topLevelMessages(root)[indexes[0]!];
  for (let k = 1; type && k < indexes.length; k += 1) {
    type = type.nestedArray.filter((o): o is protobuf.Type => o instanceof protobuf.Type)[indexes[k]!];
  }
  return type;
}

let cache: Map<TopicName, LocalSchema> | undefined;

/** The local schema of every topic, parsed once. */
export function localSchemas(): ReadonlyMap<TopicName, LocalSchema> {
  if (cache) return cache;
  const out = new Map<TopicName, LocalSchema>();
  for (const spec of Object.values(TOPICS)) {
    const source = PROTO_SOURCES[spec.protoFile];
    if (source === undefined) throw new Error(`topic ${spec.name}: proto/${spec.protoFile} is missing`);
    const root = parseSchema(source);
    const type = root.lookupType(spec.valueType);
    out.set(spec.name as TopicName, {
      topic: spec.name as TopicName,
      protoFile: spec.protoFile,
      source,
      type,
      messageIndexes: messageIndexesOf(root, type),
    });
  }
  cache = out;
  return out;
}
