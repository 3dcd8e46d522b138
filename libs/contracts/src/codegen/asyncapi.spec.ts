import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { TOPICS, TOPIC_NAMES } from '../topics';
import { CONTRACTS_DIR } from './files';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const specs = require('@asyncapi/specs') as { schemas: Record<string, object> };

const doc = parse(fs.readFileSync(path.join(CONTRACTS_DIR, 'asyncapi.yaml'), 'utf8'));

function resolve(ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<any>((node, key) => (node === undefined ? undefined : node[key]), doc);
}

function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

describe('asyncapi.yaml', () => {
  it('is a valid AsyncAPI 3.0 document', () => {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    // The AsyncAPI schema bundles its own copy of the draft-07 meta-schema, which Ajv already knows.
    const schema = structuredClone(specs.schemas['3.0.0']!) as { definitions: Record<string, unknown> };
    delete schema.definitions['http://json-schema.org/draft-07/schema'];
    const validate = ajv.compile(schema);
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // The validator does reject a broken document.
    expect(validate({ ...doc, channels: { broken: { address: 5, messages: [] } } })).toBe(false);
  });

  it('has no dangling reference', () => {
    const dangling = refsIn(doc).filter((r) => resolve(r) === undefined);
    expect(dangling).toEqual([]);
  });

  it('describes every topic and its DLQ with key, schema subject and the exact proto text', () => {
    const addresses = Object.values<any>(doc.channels).map((c) => c.address);
    for (const t of TOPIC_NAMES) {
      const spec = TOPICS[t];
      expect(addresses).toContain(t);
      expect(addresses).toContain(spec.dlq);
      const message = doc.components.messages[spec.messageName];
      expect(message['x-schema-subject']).toBe(`${t}-value`);
      expect(message.bindings.kafka.key.description).toBe(spec.key);
      expect(message.payload.schema).toBe(fs.readFileSync(path.join(CONTRACTS_DIR, 'proto', spec.protoFile), 'utf8'));
    }
  });
});
