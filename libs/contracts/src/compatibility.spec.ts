import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { CONTRACTS_DIR } from './codegen/files';
import { localSchemas, parseSchema, topLevelMessages } from './codec/local-schemas';
import { isTopicName } from './topics';

function shape(field: protobuf.Field): string {
  const kind = field instanceof protobuf.MapField ? `map<${field.keyType},` : field.repeated ? 'repeated ' : '';
  const optional = (field.options as Record<string, unknown> | undefined)?.['proto3_optional'] ? 'optional ' : '';
  const type = field.resolvedType ? field.resolvedType.name : field.type;
  return `${optional}${kind}${type}${kind.startsWith('map') ? '>' : ''} ${field.name} = ${field.id}`;
}

/** Every way `current` breaks a reader or writer of `frozen`: only additions are allowed. */
function breakingChanges(frozen: protobuf.Root, current: protobuf.Root): string[] {
  const problems: string[] = [];
  const all = (root: protobuf.Root) => {
    const out = new Map<string, protobuf.ReflectionObject>();
    const visit = (ns: protobuf.Namespace) =>
      ns.nestedArray.forEach((o) => {
        out.set(o.fullName, o);
        if (o instanceof protobuf.Namespace) visit(o);
      });
    visit(root);
    return out;
  };
  const before = all(frozen);
  const after = all(current);
  if (topLevelMessages(frozen)[0]?.fullName !== topLevelMessages(current)[0]?.fullName) {
    problems.push('the value type is no longer the first message of the file');
  }
  for (const [name, old] of before) {
    const now = after.get(name);
    if (!now) {
      problems.push(`${name} was removed`);
    } else if (old instanceof protobuf.Type && now instanceof protobuf.Type) {
      for (const f of old.fieldsArray) {
        const g = now.fieldsById[f.id];
        if (!g) problems.push(`${name}: field ${shape(f)} was removed`);
        else if (shape(g) !== shape(f)) problems.push(`${name}: field ${shape(f)} became ${shape(g)}`);
      }
    } else if (old instanceof protobuf.Enum && now instanceof protobuf.Enum) {
      for (const [n, v] of Object.entries(old.valuesById)) {
        if (now.valuesById[Number(n)] !== v) problems.push(`${name}: value ${v} = ${n} changed or was removed`);
      }
    }
  }
  return problems;
}

const frozen = fs.readdirSync(path.join(CONTRACTS_DIR, 'fixtures')).flatMap((topic) =>
  fs
    .readdirSync(path.join(CONTRACTS_DIR, 'fixtures', topic))
    .filter((f) => f.endsWith('.proto'))
    .map((f) => [`${topic} ${f}`, topic, fs.readFileSync(path.join(CONTRACTS_DIR, 'fixtures', topic, f), 'utf8')] as const),
);

describe('schema evolution is additive only', () => {
  it('has a frozen schema for every topic', () => {
    const topics = new Set(frozen.map(([, t]) => t));
    expect([...localSchemas().keys()].filter((t) => !topics.has(t))).toEqual([]);
  });

  it.each(frozen)('%s: the current schema keeps every name, number and type', (_n, topic, source) => {
    if (!isTopicName(topic)) throw new Error(`fixtures/${topic}: not a topic`);
    expect(breakingChanges(parseSchema(source), parseSchema(localSchemas().get(topic)!.source))).toEqual([]);
  });

  it('detects removals, renumbering, retyping and enum changes (the check can fail)', () => {
    const base = localSchemas().get('risk.rejected')!.source;
    const broken = base
      .replace('  string detail = 8;', '  bytes detail = 8;')
      .replace('  uint32 leg = 10;\n', '')
      .replace('RISK_FILTERED = 20;', 'RISK_FILTERED = 99;')
      .replace('  map<string, string> facts = 13;', '  map<string, string> facts = 31;');
    expect(breakingChanges(parseSchema(base), parseSchema(broken))).toEqual([
      '.tradebridge.events.risk_rejected.v1.OrderIntentRejected: field string detail = 8 became bytes detail = 8',
      '.tradebridge.events.risk_rejected.v1.OrderIntentRejected: field uint32 leg = 10 was removed',
      '.tradebridge.events.risk_rejected.v1.OrderIntentRejected: field map<string,string> facts = 13 was removed',
      '.tradebridge.events.risk_rejected.v1.RiskRejectionReason: value RISK_FILTERED = 20 changed or was removed',
    ]);
    const added = base.replace('  optional double volume = 16;\n', '  optional double volume = 16;\n  string extra = 17;\n');
    expect(breakingChanges(parseSchema(base), parseSchema(added))).toEqual([]);
  });
});
