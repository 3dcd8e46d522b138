#!/usr/bin/env bash
# Interop check against Confluent's official Python client, through the real schema registry of the test stack.
# Needs protoc and Debian's python3-confluent-kafka + python3-protobuf (apt-get install protobuf-compiler
# python3-confluent-kafka python3-protobuf python3-requests). Not part of npm test: run it by hand when the wire
# format or the schemas change:  npm run -w @tradebridge/contracts interop:python
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
registry="${SCHEMA_REGISTRY_URL:-http://127.0.0.1:18081/apis/ccompat/v7}"
prefix="interop-$(date +%s)-$$."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

protoc -I "$here/proto" --python_out="$work" "$here/proto/signal_generated.proto" "$here/proto/risk_approved.proto"

node -r "$here/scripts/ts-hook.cjs" -e '
const fs = require("node:fs");
const { createEventCodec } = require(process.argv[1] + "/src/codec/codec.ts");
const [, , work, registryUrl, prefix] = process.argv;
(async () => {
  const codec = createEventCodec({ registryUrl, topicPrefix: prefix });
  for (const topic of ["signal.generated", "risk.approved"]) {
    const fixture = JSON.parse(fs.readFileSync(process.argv[1] + "/fixtures/" + topic + "/v1.json", "utf8"));
    fs.writeFileSync(work + "/" + topic + ".json", JSON.stringify(fixture));
    fs.writeFileSync(work + "/" + topic + ".from-ts.bin", await codec.encode(prefix + topic, fixture));
  }
})().catch((e) => { console.error(e); process.exit(1); });
' "$here" "$work" "$registry" "$prefix"

/usr/bin/python3 "$here/interop/python_roundtrip.py" "$work" "$registry" "$prefix"

node -r "$here/scripts/ts-hook.cjs" -e '
const fs = require("node:fs");
const assert = require("node:assert");
const { createEventCodec } = require(process.argv[1] + "/src/codec/codec.ts");
const [, , work, registryUrl, prefix] = process.argv;
(async () => {
  const codec = createEventCodec({ registryUrl, topicPrefix: prefix });
  for (const topic of ["signal.generated", "risk.approved"]) {
    const bytes = fs.readFileSync(work + "/" + topic + ".from-py.bin");
    const { value, schemaId } = await codec.decode(prefix + "py." + topic, bytes);
    assert.deepStrictEqual(value, JSON.parse(fs.readFileSync(work + "/" + topic + ".json", "utf8")));
    console.log("ok  " + topic + ": the TypeScript codec decoded the Python bytes (schema id " + schemaId + ") to the fixture");
  }
})().catch((e) => { console.error(e); process.exit(1); });
' "$here" "$work" "$registry" "$prefix"
echo "interop with confluent-kafka (Python) passed"
