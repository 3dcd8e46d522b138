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

/** Parses schema text as the codec does: comments kept, camelCase field names. */
export function parseSchema(source: string): protobuf.Root {
  const { root } = protobuf.parse(source, { alternateCommentMode: true, keepCase: false });
  root.resolveAll();
  return root;
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
