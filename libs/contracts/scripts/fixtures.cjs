#!/usr/bin/env node
// Freezes new fixtures: for every fixtures/<topic>/v<N>.json that has no v<N>.bin yet, completes the JSON with the
// defaults a decoder returns, and writes the protobuf payload beside it, plus a copy of the topic's .proto as vN.proto
// if there is none. Existing files are never touched: they pin what version N looked like, on the wire and as a
// schema, and the fixture and compatibility tests read them forever.
const fs = require('node:fs');
const path = require('node:path');
require('./ts-hook.cjs');
const { localSchemas } = require('../src/codec/local-schemas.ts');
const { decodePayload, encodeCanonical } = require('../src/codec/codec.ts');

const dir = path.resolve(__dirname, '..', 'fixtures');
const written = [];
for (const topic of fs.readdirSync(dir).sort()) {
  const local = localSchemas().get(topic);
  if (!local) throw new Error(`fixtures/${topic}: not a topic of the registry`);
  for (const file of fs.readdirSync(path.join(dir, topic)).filter((f) => /^v\d+\.json$/.test(f))) {
    const bin = path.join(dir, topic, file.replace(/\.json$/, '.bin'));
    if (fs.existsSync(bin)) continue;
    const value = JSON.parse(fs.readFileSync(path.join(dir, topic, file), 'utf8'));
    const err = local.type.verify(local.type.fromObject(value));
    if (err) throw new Error(`fixtures/${topic}/${file}: ${err}`);
    const payload = encodeCanonical(local.type, value);
    fs.writeFileSync(bin, payload);
    const frozenProto = path.join(dir, topic, file.replace(/\.json$/, '.proto'));
    if (!fs.existsSync(frozenProto)) fs.writeFileSync(frozenProto, local.source);
    fs.writeFileSync(path.join(dir, topic, file), `${JSON.stringify(decodePayload(topic, payload), null, 2)}\n`);
    written.push(`${topic}/${file}`);
  }
}
console.log(written.length ? `froze ${written.join(', ')}` : 'no new fixtures');
