import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { jsonCodec } from './codec';
import { ConsumerRunner, type ConsumedEvent, type ConsumerRunnerOptions } from './consumer-runner';
import { PermanentError, RetryableError } from './errors';
import { DeadLetterHeaders } from './headers';
import { silentLogger } from './logger';
import { FakeKafka, gate, waitFor } from './test-support/fake-kafka';

const topic = 'risk.approved';
const json = (value: object) => JSON.stringify(value);

function setup(handler: (event: ConsumedEvent) => Promise<void>, overrides: Partial<ConsumerRunnerOptions> = {}) {
  const kafka = new FakeKafka();
  const runner = new ConsumerRunner({
    kafka: kafka as unknown as Kafka,
    groupId: 'g1',
    topics: [topic],
    codec: jsonCodec,
    handler,
    registry: new Registry(),
    logger: silentLogger,
    retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5, multiplier: 2, jitter: 0 },
    ...overrides,
  });
  return { kafka, runner, consumer: kafka.consumerFake };
}

describe('ConsumerRunner (with a fake kafkajs)', () => {
  it('given a later message finished first, when the earliest is still running, then nothing past it is committed', async () => {
    const slow = gate();
    const { kafka, runner, consumer } = setup(async (event) => {
      if (event.offset === '0') await slow.promise;
    });
    await runner.start();
    await consumer.deliver(topic, 0, [
      { offset: 0, key: 'a', value: json({ n: 0 }) },
      { offset: 1, key: 'b', value: json({ n: 1 }) },
      { offset: 2, key: 'c', value: json({ n: 2 }) },
    ]);
    await new Promise((r) => setTimeout(r, 20));
    expect(kafka.committed(topic, 0)).toBeUndefined();
    slow.open();
    await waitFor(() => kafka.committed(topic, 0) === '3', 2_000, 'commit of offset 3');
    await runner.stop();
  });

  it('runs one key in order and different keys concurrently inside one partition', async () => {
    const blockA = gate();
    const started: string[] = [];
    const { runner, consumer } = setup(async (event) => {
      started.push(`${event.key}:${event.offset}`);
      if (event.offset === '0') await blockA.promise;
    });
    await runner.start();
    await consumer.deliver(topic, 0, [
      { offset: 0, key: 'a', value: json({}) },
      { offset: 1, key: 'a', value: json({}) },
      { offset: 2, key: 'b', value: json({}) },
    ]);
    await waitFor(() => started.includes('b:2'), 2_000, 'key b to run');
    expect(started).toEqual(['a:0', 'b:2']); // a:1 waits for a:0, b does not
    blockA.open();
    await waitFor(() => started.length === 3, 2_000, 'a:1');
    expect(started[2]).toBe('a:1');
    await runner.stop();
  });

  it('given a latest-state topic, then a queued message is skipped when a newer one of its key is queued, and everything is committed', async () => {
    const blockA = gate();
    const seen: string[] = [];
    const registry = new Registry();
    const { kafka, runner, consumer } = setup(
      async (event) => {
        seen.push(`${event.key}:${event.offset}`);
        if (event.offset === '0') await blockA.promise;
      },
      { latestStateTopics: [topic], registry },
    );
    await runner.start();
    await consumer.deliver(topic, 0, [
      { offset: 0, key: 'a', value: json({ equity: 1 }) }, // running when the others arrive
      { offset: 1, key: 'a', value: json({ equity: 2 }) }, // superseded by 3
      { offset: 2, key: 'b', value: json({ equity: 5 }) }, // the only one of b
      { offset: 3, key: 'a', value: json({ equity: 3 }) },
      { offset: 4, key: null, value: json({ equity: 7 }) }, // keyless: never skipped
      { offset: 5, key: null, value: json({ equity: 8 }) },
    ]);
    await waitFor(() => seen.length === 4, 2_000, 'the keyless and b messages');
    blockA.open();
    await waitFor(() => kafka.committed(topic, 0) === '6', 2_000, 'commit of everything');
    expect(seen.sort()).toEqual(['a:0', 'a:3', 'b:2', 'null:4', 'null:5']);
    expect((await registry.getSingleMetric('tradebridge_kafka_superseded_messages_total')!.get()).values[0]!.value).toBe(1);
    await runner.stop();
  });

  it('given a topic that is not latest-state, then every message of a key is handled', async () => {
    const blockA = gate();
    const seen: string[] = [];
    const { kafka, runner, consumer } = setup(async (event) => {
      seen.push(event.offset);
      if (event.offset === '0') await blockA.promise;
    });
    await runner.start();
    await consumer.deliver(topic, 0, [
      { offset: 0, key: 'a', value: json({}) },
      { offset: 1, key: 'a', value: json({}) },
      { offset: 2, key: 'a', value: json({}) },
    ]);
    blockA.open();
    await waitFor(() => kafka.committed(topic, 0) === '3', 2_000, 'commit');
    expect(seen).toEqual(['0', '1', '2']);
    await runner.stop();
  });

  it('given kafkajs gives up on the consumer, then the runner reports failed and starts it again, and consumes', async () => {
    const seen: string[] = [];
    const fatal: string[] = [];
    const { kafka, runner, consumer } = setup(async (event) => void seen.push(event.offset), { onFatalError: (e) => void fatal.push((e as Error).message) });
    await runner.start();
    await consumer.crash(new Error('Failed to find group coordinator'), false);
    expect(runner.status).toBe('failed');
    expect(fatal).toEqual(['Failed to find group coordinator']);
    await waitFor(() => runner.status === 'running', 5_000, 'the consumer started again');
    expect(consumer.runs).toBe(2);
    await consumer.deliver(topic, 0, [{ offset: 0, key: 'a', value: json({}) }]);
    await waitFor(() => kafka.committed(topic, 0) === '1', 2_000, 'commit after the restart');
    expect(seen).toEqual(['0']);
    await runner.stop();
  });

  it('given kafkajs restarts the consumer itself, then the runner leaves it alone', async () => {
    const { runner, consumer } = setup(async () => undefined);
    await runner.start();
    await consumer.crash(new Error('broker gone'), true);
    expect(runner.status).toBe('running');
    expect(consumer.runs).toBe(1);
    await runner.stop();
  });

  it('retries a failing handler with increasing attempt numbers, then succeeds and commits', async () => {
    const attempts: number[] = [];
    const { kafka, runner, consumer } = setup(async (event) => {
      attempts.push(event.attempt);
      if (event.attempt < 3) throw new RetryableError('database busy');
    });
    await runner.start();
    await consumer.deliver(topic, 0, [{ offset: 7, key: 'a', value: json({}) }]);
    await waitFor(() => kafka.committed(topic, 0) === '8', 2_000, 'commit');
    expect(attempts).toEqual([1, 2, 3]);
    expect(kafka.sent(`${topic}.dlq`)).toHaveLength(0);
    await runner.stop();
  });

  it('dead-letters a PermanentError at once with the original bytes, key and the error in headers', async () => {
    const seen: string[] = [];
    const { kafka, runner, consumer } = setup(async (event) => {
      seen.push(event.offset);
      if (event.offset === '0') throw new PermanentError('unknown account acc-9');
    });
    await runner.start();
    await consumer.deliver(topic, 2, [
      { offset: 0, key: 'acc-9', value: json({ bad: true }) },
      { offset: 1, key: 'acc-9', value: json({ good: true }) },
    ]);
    await waitFor(() => kafka.committed(topic, 2) === '2', 2_000, 'commit past the poison message');
    const [dead] = kafka.sent(`${topic}.dlq`);
    expect(dead.value.toString()).toBe(json({ bad: true }));
    expect(dead.key.toString()).toBe('acc-9');
    expect(dead.headers).toMatchObject({
      'x-origin': Buffer.from('test'),
      [DeadLetterHeaders.originalTopic]: topic,
      [DeadLetterHeaders.originalPartition]: '2',
      [DeadLetterHeaders.originalOffset]: '0',
      [DeadLetterHeaders.errorClass]: 'PermanentError',
      [DeadLetterHeaders.errorMessage]: 'unknown account acc-9',
      [DeadLetterHeaders.attempts]: '1',
      [DeadLetterHeaders.consumerGroup]: 'g1',
    });
    expect(Number.isNaN(Date.parse(dead.headers[DeadLetterHeaders.failedAt]))).toBe(false);
    expect(seen).toEqual(['0', '1']);
    await runner.stop();
  });

  it('dead-letters undecodable bytes without calling the handler', async () => {
    const seen: string[] = [];
    const { kafka, runner, consumer } = setup(async (event) => void seen.push(event.offset));
    await runner.start();
    await consumer.deliver(topic, 0, [
      { offset: 0, key: 'k', value: Buffer.from([0xff, 0x00, 0x13]) },
      { offset: 1, key: 'k', value: json({ ok: 1 }) },
    ]);
    await waitFor(() => kafka.committed(topic, 0) === '2', 2_000, 'commit');
    const [dead] = kafka.sent(`${topic}.dlq`);
    expect(dead.value).toEqual(Buffer.from([0xff, 0x00, 0x13]));
    expect(dead.headers[DeadLetterHeaders.errorClass]).toBe('UndecodableMessageError');
    expect(seen).toEqual(['1']);
    await runner.stop();
  });

  it('dead-letters after the last retry, recording the attempts, and keeps the partition moving', async () => {
    const { kafka, runner, consumer } = setup(async (event) => {
      if (event.offset === '0') throw new Error('always fails');
    });
    await runner.start();
    await consumer.deliver(topic, 0, [
      { offset: 0, key: 'k', value: json({}) },
      { offset: 1, key: 'k', value: json({}) },
    ]);
    await waitFor(() => kafka.committed(topic, 0) === '2', 2_000, 'commit');
    const [dead] = kafka.sent(`${topic}.dlq`);
    expect(dead.headers[DeadLetterHeaders.attempts]).toBe('3');
    expect(dead.headers[DeadLetterHeaders.errorClass]).toBe('Error');
    await runner.stop();
  });

  it('keeps retrying the dead-letter publish and commits only once it is acknowledged', async () => {
    const { kafka, runner, consumer } = setup(async () => {
      throw new PermanentError('nope');
    });
    kafka.producerFake.failNextSends = 2;
    await runner.start();
    await consumer.deliver(topic, 0, [{ offset: 0, key: 'k', value: json({}) }]);
    await waitFor(() => kafka.committed(topic, 0) === '1', 5_000, 'commit');
    const sendIndex = kafka.journal.findIndex((e) => e.kind === 'send');
    const commitIndex = kafka.journal.findIndex((e) => e.kind === 'commit');
    expect(sendIndex).toBeGreaterThanOrEqual(0);
    expect(commitIndex).toBeGreaterThan(sendIndex);
    await runner.stop();
  });

  it('delivers a tombstone with a null value', async () => {
    const values: unknown[] = [];
    const { kafka, runner, consumer } = setup(async (event) => void values.push(event.value));
    await runner.start();
    await consumer.deliver(topic, 0, [{ offset: 0, key: 'acc-1', value: null }]);
    await waitFor(() => kafka.committed(topic, 0) === '1', 2_000, 'commit');
    expect(values).toEqual([null]);
    await runner.stop();
  });

  it('given a rebalance, when old work finishes, then it is not committed and queued old messages are dropped', async () => {
    const slow = gate();
    const ran: string[] = [];
    const { kafka, runner, consumer } = setup(async (event) => {
      ran.push(event.offset);
      if (event.offset === '0') await slow.promise;
    });
    await runner.start();
    await consumer.deliver(topic, 0, [
      { offset: 0, key: 'a', value: json({}) },
      { offset: 1, key: 'a', value: json({}) },
    ]);
    await waitFor(() => ran.length === 1, 2_000, 'first handler');
    consumer.rebalance({ [topic]: [0] });
    // kafkajs fetches again from the last commit: the same two messages arrive in the new generation
    await consumer.deliver(topic, 0, [
      { offset: 0, key: 'a', value: json({}) },
      { offset: 1, key: 'a', value: json({}) },
    ]);
    expect(ran).toEqual(['0']); // the redelivered copy of 0 waits behind the old one (same key)
    slow.open();
    await waitFor(() => kafka.committed(topic, 0) === '2', 2_000, 'commit of the new generation');
    // old offset 1 was dropped, not run; offsets 0 and 1 of the new generation ran once each
    expect(ran).toEqual(['0', '0', '1']);
    await runner.stop();
  });

  it('stop drains in-flight work and commits it before disconnecting', async () => {
    const slow = gate();
    const { kafka, runner, consumer } = setup(async (event) => {
      if (event.offset === '1') await slow.promise;
    });
    await runner.start();
    await consumer.deliver(topic, 0, [
      { offset: 0, key: 'a', value: json({}) },
      { offset: 1, key: 'b', value: json({}) },
    ]);
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(consumer.paused).toBe(true);
    expect(stopped).toBe(false);
    slow.open();
    await stopping;
    const commitIndex = kafka.journal.map((e) => e.kind === 'commit' && e.offsets.some((o) => o.offset === '2')).lastIndexOf(true);
    const disconnectIndex = kafka.journal.findIndex((e) => e.kind === 'consumer-disconnect');
    expect(commitIndex).toBeGreaterThanOrEqual(0);
    expect(disconnectIndex).toBeGreaterThan(commitIndex);
  });

  it('given a handler that outlives the shutdown timeout, when stopping, then its offset stays uncommitted', async () => {
    const never = gate();
    let aborted = false;
    const { kafka, runner, consumer } = setup(
      async (event) => {
        if (event.offset === '1') {
          event.signal.addEventListener('abort', () => (aborted = true));
          await never.promise;
        }
      },
      { shutdownTimeoutMs: 50 },
    );
    await runner.start();
    await consumer.deliver(topic, 0, [
      { offset: 0, key: 'a', value: json({}) },
      { offset: 1, key: 'b', value: json({}) },
    ]);
    await runner.stop();
    expect(kafka.committed(topic, 0)).toBe('1');
    expect(aborted).toBe(true);
    never.open();
  });

  it('applies backpressure: a full buffer holds the batch until a handler finishes', async () => {
    const slow = gate();
    const { runner, consumer } = setup(
      async (event) => {
        if (event.offset === '0') await slow.promise;
      },
      { maxBufferedMessages: 1 },
    );
    await runner.start();
    let delivered = false;
    const delivery = consumer
      .deliver(topic, 0, [
        { offset: 0, key: 'a', value: json({}) },
        { offset: 1, key: 'b', value: json({}) },
      ])
      .then(() => (delivered = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(consumer.resolved).toEqual([`${topic}:0:0`]);
    expect(delivered).toBe(false);
    slow.open();
    await delivery;
    expect(consumer.resolved).toEqual([`${topic}:0:0`, `${topic}:0:1`]);
    await runner.stop();
  });

  it('runs the handler inside the trace context carried by the message headers', async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      const traceIds: Array<string | undefined> = [];
      const { kafka, runner, consumer } = setup(async () => void traceIds.push(trace.getSpanContext(context.active())?.traceId));
      await runner.start();
      await consumer.deliver(topic, 0, [
        { offset: 0, key: 'a', value: json({}), headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } },
      ]);
      await waitFor(() => kafka.committed(topic, 0) === '1', 2_000, 'commit');
      expect(traceIds).toEqual(['4bf92f3577b34da6a3ce929d0e0e4736']);
      await runner.stop();
    } finally {
      propagation.disable();
      context.disable();
    }
  });

  it('retries a decode that fails transiently (registry unreachable) instead of dead-lettering', async () => {
    let failures = 2;
    const codec = {
      encode: jsonCodec.encode,
      async decode(t: string, data: Buffer) {
        if (failures > 0) {
          failures -= 1;
          throw Object.assign(new Error('registry unreachable'), { retryable: true });
        }
        return jsonCodec.decode(t, data);
      },
    };
    const values: unknown[] = [];
    const { kafka, runner, consumer } = setup(async (event) => void values.push(event.value), { codec });
    await runner.start();
    await consumer.deliver(topic, 0, [{ offset: 0, key: 'a', value: json({ n: 1 }) }]);
    await waitFor(() => kafka.committed(topic, 0) === '1', 2_000, 'commit');
    expect(values).toEqual([{ n: 1 }]);
    expect(kafka.sent(`${topic}.dlq`)).toHaveLength(0);
    await runner.stop();
  });

  it('dead-letters at once a handler error that declares itself not retryable', async () => {
    let calls = 0;
    const { kafka, runner, consumer } = setup(async () => {
      calls += 1;
      throw Object.assign(new Error('invalid OrderPlaced: volume'), { name: 'InvalidEventError', retryable: false });
    });
    await runner.start();
    await consumer.deliver(topic, 0, [{ offset: 0, key: 'a', value: json({}) }]);
    await waitFor(() => kafka.committed(topic, 0) === '1', 2_000, 'commit');
    expect(calls).toBe(1);
    expect(kafka.sent(`${topic}.dlq`)[0].headers[DeadLetterHeaders.errorClass]).toBe('InvalidEventError');
    await runner.stop();
  });

  it('reports its lifecycle for readiness checks', async () => {
    const { runner } = setup(async () => undefined);
    expect(runner.status).toBe('created');
    await runner.start();
    expect(runner.status).toBe('running');
    await runner.stop();
    expect(runner.status).toBe('stopped');
    await expect(runner.start()).rejects.toThrow(/cannot start: it is stopped/);
  });

  it('given a message waiting to be retried, when stopping, then the wait ends at once and it stays uncommitted', async () => {
    let calls = 0;
    const { kafka, runner, consumer } = setup(
      async () => {
        calls += 1;
        throw new RetryableError('lock timeout');
      },
      { retry: { maxAttempts: 5, initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 }, shutdownTimeoutMs: 30_000 },
    );
    await runner.start();
    await consumer.deliver(topic, 0, [{ offset: 0, key: 'a', value: json({}) }]);
    await waitFor(() => calls === 1, 2_000, 'first attempt');
    await runner.stop(); // would take a minute if the backoff were waited out
    expect(calls).toBe(1);
    expect(kafka.committed(topic, 0)).toBeUndefined();
    expect(kafka.sent(`${topic}.dlq`)).toHaveLength(0);
  });

  it('given a batch repeating offsets already queued in this generation, when delivered, then they do not run twice', async () => {
    const ran: string[] = [];
    const { kafka, runner, consumer } = setup(async (event) => void ran.push(event.offset));
    await runner.start();
    await consumer.deliver(topic, 0, [
      { offset: 0, key: 'a', value: json({}) },
      { offset: 1, key: 'b', value: json({}) },
    ]);
    await consumer.deliver(topic, 0, [
      { offset: 1, key: 'b', value: json({}) },
      { offset: 2, key: 'c', value: json({}) },
    ]);
    await waitFor(() => kafka.committed(topic, 0) === '3', 2_000, 'commit');
    expect([...ran].sort()).toEqual(['0', '1', '2']);
    await runner.stop();
  });
});
