import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { jsonCodec } from './codec';
import { EventProducer } from './producer';
import { FakeKafka } from './test-support/fake-kafka';

function setup() {
  const kafka = new FakeKafka();
  const registry = new Registry();
  const producer = new EventProducer({ kafka: kafka as unknown as Kafka, codec: jsonCodec, registry });
  return { kafka, registry, producer };
}

describe('EventProducer (with a fake kafkajs)', () => {
  it('coalesces concurrent publishes into few produce requests and keeps their order', async () => {
    const { kafka, producer } = setup();
    await producer.connect();
    await Promise.all(Array.from({ length: 50 }, (_, i) => producer.publish('t', 'acc-1', { i })));
    const sends = kafka.journal.filter((e) => e.kind === 'send');
    expect(sends.length).toBeLessThan(5);
    expect(kafka.sent('t').map((m) => JSON.parse(m.value.toString()).i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('counts messages and bytes per topic in the given registry', async () => {
    const { registry, producer } = setup();
    await producer.connect();
    await producer.publish('t', null, { a: 1 });
    const metrics = await registry.getMetricsAsJSON();
    const messages = metrics.find((m) => m.name === 'tradebridge_kafka_produced_messages_total')!;
    const bytes = metrics.find((m) => m.name === 'tradebridge_kafka_produced_bytes_total')!;
    expect(messages.values).toEqual([expect.objectContaining({ labels: { topic: 't' }, value: 1 })]);
    expect(bytes.values[0]!.value).toBe(Buffer.byteLength(JSON.stringify({ a: 1 })));
  });

  it('rejects every publish of a failed request and counts the errors', async () => {
    const { kafka, registry, producer } = setup();
    await producer.connect();
    kafka.producerFake.failNextSends = 1;
    await expect(producer.publish('t', 'k', { a: 1 })).rejects.toThrow(/broker unavailable/);
    const errors = (await registry.getMetricsAsJSON()).find((m) => m.name === 'tradebridge_kafka_produce_errors_total')!;
    expect(errors.values[0]!.value).toBe(1);
  });

  it('refuses to publish before connect', async () => {
    const { producer } = setup();
    await expect(producer.publish('t', 'k', {})).rejects.toThrow(/not connected/);
  });

  it('refuses more than 5 requests in flight, the idempotence limit', () => {
    expect(() => new EventProducer({ kafka: new FakeKafka() as unknown as Kafka, codec: jsonCodec, maxInFlightRequests: 6 })).toThrow(/1 to 5/);
  });

  it('injects the W3C trace context of the active span into the headers', async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      const { kafka, producer } = setup();
      await producer.connect();
      const span = trace.wrapSpanContext({
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        traceFlags: TraceFlags.SAMPLED,
      });
      await context.with(trace.setSpan(context.active(), span), () => producer.publish('t', 'k', { a: 1 }, { other: 'x' }));
      const [message] = kafka.sent('t');
      expect(message.headers).toEqual({ other: 'x', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    } finally {
      propagation.disable();
      context.disable();
    }
  });

  it('keeps call order when an earlier encoding finishes after a later one', async () => {
    const kafka = new FakeKafka();
    const slowFirst = {
      async encode(topic: string, value: { i: number }) {
        if (value.i === 0) await new Promise((resolve) => setTimeout(resolve, 20));
        return jsonCodec.encode(topic, value);
      },
      decode: jsonCodec.decode,
    };
    const producer = new EventProducer({ kafka: kafka as unknown as Kafka, codec: slowFirst, registry: new Registry() });
    await producer.connect();
    await Promise.all([0, 1, 2].map((i) => producer.publish('t', 'acc-1', { i })));
    expect(kafka.sent('t').map((m) => JSON.parse(m.value.toString()).i)).toEqual([0, 1, 2]);
  });

  it('rejects only the publish whose encoding failed', async () => {
    const kafka = new FakeKafka();
    const picky = {
      async encode(topic: string, value: { ok: boolean }) {
        if (!value.ok) throw new Error('invalid event: volume');
        return jsonCodec.encode(topic, value);
      },
      decode: jsonCodec.decode,
    };
    const producer = new EventProducer({ kafka: kafka as unknown as Kafka, codec: picky, registry: new Registry() });
    await producer.connect();
    const results = await Promise.allSettled([true, false, true].map((ok) => producer.publish('t', 'k', { ok })));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(kafka.sent('t')).toHaveLength(2);
  });
});
