import * as protobuf from 'protobufjs';
import { readProtoFiles } from './codegen/files';
import { parseProto } from './codegen/typescript';
import { localSchemas } from './codec/local-schemas';
import { TOPICS, TOPIC_NAMES } from './topics';

const files = readProtoFiles();

/** Top-level definitions of a file as text, each with the comment lines just above it. */
function topLevelBlocks(source: string): Map<string, string> {
  const blocks = new Map<string, string>();
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const m = /^(message|enum) (\w+) \{/.exec(lines[i]!);
    if (!m) continue;
    let start = i;
    while (start > 0 && lines[start - 1]!.startsWith('//')) start -= 1;
    let end = i;
    while (lines[end] !== '}') end += 1;
    blocks.set(m[2]!, lines.slice(start, end + 1).join('\n'));
  }
  return blocks;
}

describe('contract files', () => {
  it('has exactly one file per topic, named after it', () => {
    expect(files.map((f) => f.name).sort()).toEqual(TOPIC_NAMES.map((t) => `${t.replace(/\./g, '_')}.proto`).sort());
  });

  it.each(files.map((f) => [f.name, f] as const))('%s is self-contained (no imports) and proto3', (_n, file) => {
    expect(file.source).not.toMatch(/^\s*import\s/m);
    expect(file.source).toMatch(/^syntax = "proto3";$/m);
  });

  it.each(TOPIC_NAMES.map((t) => [t] as const))(
    '%s: the value type is the first message, in the topic package, with the Envelope as field 1',
    (topic) => {
      const spec = TOPICS[topic];
      const { pkg } = parseProto({ name: spec.protoFile, source: files.find((f) => f.name === spec.protoFile)!.source });
      expect(pkg).toBe(`tradebridge.events.${topic.replace(/\./g, '_')}.v1`);
      const local = localSchemas().get(topic)!;
      expect(local.type.fullName).toBe(`.${spec.valueType}`);
      expect(local.messageIndexes).toEqual([0]);
      const meta = local.type.fieldsById[1]!;
      expect(meta.name).toBe('meta');
      expect(meta.resolvedType?.name).toBe('Envelope');
    },
  );

  it('defines every shared message and enum (Envelope, Side, ...) identically in every file that has it', () => {
    const seen = new Map<string, { file: string; text: string }>();
    const drift: string[] = [];
    for (const file of files) {
      for (const [name, text] of topLevelBlocks(file.source)) {
        const first = seen.get(name);
        if (!first) seen.set(name, { file: file.name, text });
        else if (first.text !== text) drift.push(`${name} differs between ${first.file} and ${file.name}`);
      }
    }
    expect(drift).toEqual([]);
    expect(files.every((f) => topLevelBlocks(f.source).has('Envelope'))).toBe(true);
  });

  it('starts every enum with an UNSPECIFIED zero value and keeps enum value names unique per package', () => {
    const problems: string[] = [];
    for (const file of files) {
      const { nested } = parseProto(file);
      const names = new Set<string>();
      for (const obj of nested) {
        if (!(obj instanceof protobuf.Enum)) continue;
        const zero = Object.entries(obj.values).find(([, n]) => n === 0)?.[0];
        if (!zero?.endsWith('_UNSPECIFIED')) problems.push(`${file.name} ${obj.name}: zero value is ${zero}`);
        for (const v of Object.keys(obj.values)) {
          if (names.has(v)) problems.push(`${file.name}: enum value ${v} defined twice`);
          names.add(v);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('names time fields *_at_us with int64 microseconds', () => {
    const wrong: string[] = [];
    for (const file of files) {
      for (const obj of parseProto(file).nested) {
        if (!(obj instanceof protobuf.Type)) continue;
        for (const f of obj.fieldsArray) {
          if (/AtUs$|TimeUs$/.test(f.name) && f.type !== 'int64') wrong.push(`${obj.name}.${f.name}: ${f.type}`);
          if (/At$/.test(f.name)) wrong.push(`${obj.name}.${f.name}: time without unit`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('topic registry', () => {
  it('holds the main-flow topics the platform is built on, with the agreed keys and settings', () => {
    for (const t of ['signal.generated', 'risk.approved', 'execution.order.placed', 'account.synced'] as const) {
      expect(TOPICS[t].cleanupPolicy).toBe('delete');
      expect(TOPICS[t].partitions).toBe(12);
    }
    expect(TOPICS['signal.generated'].key).toMatch(/source/);
    expect(TOPICS['risk.approved'].key).toMatch(/account/);
    expect(TOPICS['account.config'].cleanupPolicy).toBe('compact');
    expect(TOPICS['account.config'].retentionMs).toBe(-1);
  });

  it('gives every topic a DLQ named <topic>.dlq', () => {
    for (const t of TOPIC_NAMES) expect(TOPICS[t].dlq).toBe(`${t}.dlq`);
  });
});
