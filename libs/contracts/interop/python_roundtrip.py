"""Interop check with Confluent's official Python client (confluent-kafka).

Reads Confluent-framed values written by the TypeScript codec, decodes them with ProtobufDeserializer into classes
protoc generated from libs/contracts/proto, and writes values with ProtobufSerializer (registering through the real
registry) for the TypeScript codec to decode. Driven by scripts/interop-python.sh; not part of `npm test`.
"""
import json
import sys

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf.json_format import ParseDict, MessageToDict

work_dir, registry_url, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, work_dir)
import risk_approved_pb2  # noqa: E402
import signal_generated_pb2  # noqa: E402

CASES = [
    ("signal.generated", signal_generated_pb2.SignalGenerated),
    ("risk.approved", risk_approved_pb2.OrderIntentApproved),
]

failures = []
for topic, cls in CASES:
    framed = open(f"{work_dir}/{topic}.from-ts.bin", "rb").read()
    fixture = json.load(open(f"{work_dir}/{topic}.json"))
    ctx = SerializationContext(prefix + topic, MessageField.VALUE)

    decoded = ProtobufDeserializer(cls)(framed, ctx)
    expected = ParseDict(fixture, cls())
    if decoded != expected:
        failures.append(f"{topic}: Python decoded {MessageToDict(decoded)} != fixture")
    else:
        print(f"ok  {topic}: Confluent ProtobufDeserializer decoded the TypeScript bytes to the fixture")

    serializer = ProtobufSerializer(cls, SchemaRegistryClient({"url": registry_url}), {"auto.register.schemas": True})
    out = serializer(expected, SerializationContext(prefix + "py." + topic, MessageField.VALUE))
    open(f"{work_dir}/{topic}.from-py.bin", "wb").write(out)
    print(f"ok  {topic}: Confluent ProtobufSerializer registered and wrote {len(out)} bytes (head {out[:6].hex()})")

if failures:
    print("\n".join(failures))
    sys.exit(1)
