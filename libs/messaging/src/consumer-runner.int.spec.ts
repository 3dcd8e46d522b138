import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { testInfra } from '@tradebridge/devstack';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { jsonCodec } from './codec';
import { ConsumerRunner, type ConsumedEvent, type ConsumerRunnerOptions } from './consumer-runner';
import { PermanentError } from './errors';
import { DeadLetterHeaders } from './headers';
import { silentLogger } from './logger';
import { EventProducer } from './producer';
import { gate, waitFor } from './test-support/fake-kafka';
import { committedOffsets, createTopics, endOffsets, readRaw, testKafka, uniqueName } from './test-support/kafka-int';

// Integration tests against the real broker of the test stack (npm run devstack -- up --profile test).

const kafka: Kafka = testKafka();
let producer: EventProducer;
const runners: ConsumerRunner[] = [];

function runner(options: Omit<ConsumerRunnerOptions, 'kafka' | 'codec' | 'registry' | 'logger'>): ConsumerRunner {
  const r = new ConsumerRunner({ kafka, codec: jsonCodec, registry: new Registry(), logger: silentLogger, ...options });
  runners.push(r);
  return r;
}

beforeAll(async () => {
  producer = new EventProducer({ kafka, codec: jsonCodec, registry: new Registry() });
  await producer.connect();
});

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
});

afterAll(async () => {
  await producer.disconnect();
});

describe('ConsumerRunner on a real broker', () => {
  it('sends a poison message to <topic>.dlq with the headers while later messages still flow', async () => {
    const topic = uniqueName('poison');
    const groupId = uniqueName('g');
    await createTopics(kafka, [{ topic, partitions: 1 }]);
    await producer.publish(topic, 'acc-1', { n: 1 });
    await producer.publishRaw(topic, 'acc-1', Buffer.from([0x00, 0x00, 0x00, 0x00, 0x07, 0xff]), { 'x-trace': 'keep-me' });
    await producer.publish(topic, 'acc-2', { n: 2, reject: true });
    await producer.publish(topic, 'acc-3', { n: 3, flaky: true });
    for (let n = 4; n <= 10; n += 1) await producer.publish(topic, `acc-${n % 3}`, { n });

    const handled: number[] = [];
    const r = runner({
      groupId,
      topics: [topic],
      retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 50 },
      handler: async (event) => {
        if (event.value.reject) throw new PermanentError(`order for ${event.key} is malformed`);
        if (event.value.flaky) throw new Error('downstream unavailable');
        handled.push(event.value.n);
      },
    });
    await r.start();

    const dead = await readRaw(kafka, `${topic}.dlq`, 3);
    await waitFor(() => handled.length === 8, 30_000, 'good messages');
    expect([...handled].sort((a, b) => a - b)).toEqual([1, 4, 5, 6, 7, 8, 9, 10]);

    const byOffset = new Map(dead.map((m) => [m.headers![DeadLetterHeaders.originalOffset]!.toString(), m]));
    const poison = byOffset.get('1')!;
    expect(poison.value).toEqual(Buffer.from([0x00, 0x00, 0x00, 0x00, 0x07, 0xff]));
    expect(poison.key!.toString()).toBe('acc-1');
    const header = (m: typeof poison, name: string) => m.headers![name]!.toString();
    expect(header(poison, 'x-trace')).toBe('keep-me');
    expect(header(poison, DeadLetterHeaders.originalTopic)).toBe(topic);
    expect(header(poison, DeadLetterHeaders.originalPartition)).toBe('0');
    expect(header(poison, DeadLetterHeaders.errorClass)).toBe('UndecodableMessageError');
    expect(header(poison, DeadLetterHeaders.attempts)).toBe('1');
    expect(header(poison, DeadLetterHeaders.consumerGroup)).toBe(groupId);
    expect(Date.parse(header(poison, DeadLetterHeaders.failedAt))).toBeGreaterThan(0);
    expect(header(byOffset.get('2')!, DeadLetterHeaders.errorClass)).toBe('PermanentError');
    expect(header(byOffset.get('2')!, DeadLetterHeaders.errorMessage)).toBe('order for acc-2 is malformed');
    expect(header(byOffset.get('3')!, DeadLetterHeaders.attempts)).toBe('3');

    // the partition moved past all three: the committed offset reaches the end of the topic
    const end = (await endOffsets(kafka, topic)).get(0)!;
    await waitFor(async () => (await committedOffsets(kafka, groupId, topic)).get(0) === end, 15_000, 'commit to the end');
  });

  it('holds per-key order while different keys of one partition run in parallel', async () => {
    const topic = uniqueName('order');
    await createTopics(kafka, [{ topic, partitions: 1 }]);
    const keys = Array.from({ length: 8 }, (_, i) => `acc-${i}`);
    const perKey = 25;
    await Promise.all(
      Array.from({ length: perKey }, (_, seq) => seq).flatMap((seq) => keys.map((key) => ({ key, seq }))).map(({ key, seq }) =>
        producer.publish(topic, key, { key, seq }),
      ),
    );

    const seen = new Map<string, number[]>();
    const running = new Set<string>();
    let sameKeyOverlap = 0;
    let peakDistinctKeys = 0;
    const r = runner({
      groupId: uniqueName('g'),
      topics: [topic],
      maxConcurrency: 8,
      handler: async (event: ConsumedEvent) => {
        const key = event.key!;
        if (running.has(key)) sameKeyOverlap += 1;
        running.add(key);
        peakDistinctKeys = Math.max(peakDistinctKeys, running.size);
        await new Promise((resolve) => setTimeout(resolve, 2 + (event.value.seq % 3)));
        seen.set(key, [...(seen.get(key) ?? []), event.value.seq]);
        running.delete(key);
      },
    });
    await r.start();
    await waitFor(() => [...seen.values()].flat().length === keys.length * perKey, 60_000, 'all messages');

    for (const key of keys) expect(seen.get(key)).toEqual(Array.from({ length: perKey }, (_, i) => i));
    expect(sameKeyOverlap).toBe(0);
    expect(peakDistinctKeys).toBeGreaterThan(1);
  });

  it('after a clean stop, a new consumer of the group receives only what was not handled (nothing twice)', async () => {
    const topic = uniqueName('drain');
    const groupId = uniqueName('g');
    await createTopics(kafka, [{ topic, partitions: 2 }]);
    const total = 60;
    for (let seq = 0; seq < total; seq += 1) await producer.publish(topic, `acc-${seq % 6}`, { seq });

    const first: number[] = [];
    const a = runner({
      groupId,
      topics: [topic],
      maxBufferedMessages: 5,
      maxConcurrency: 3,
      handler: async (event) => {
        await new Promise((resolve) => setTimeout(resolve, 15));
        first.push(event.value.seq);
      },
    });
    await a.start();
    await waitFor(() => first.length >= 10, 30_000, 'first consumer progress');
    await a.stop();
    const handledByFirst = first.length;
    expect(handledByFirst).toBeLessThan(total);

    const second: number[] = [];
    const b = runner({ groupId, topics: [topic], handler: async (event) => void second.push(event.value.seq) });
    await b.start();
    await waitFor(() => first.length + second.length >= total, 30_000, 'second consumer to finish the topic');

    expect(first.length).toBe(handledByFirst); // the first consumer did nothing after stop() resolved
    expect(second.filter((seq) => first.includes(seq))).toEqual([]);
    expect(new Set([...first, ...second]).size).toBe(total);
  });

  it('loses nothing when a second consumer joins mid-stream and partitions move (rebalance)', async () => {
    const topic = uniqueName('rebalance');
    const groupId = uniqueName('g');
    await createTopics(kafka, [{ topic, partitions: 4 }]);
    const total = 400;
    const handledBy = { a: new Set<number>(), b: new Set<number>() };
    // A's handlers hold until B has joined, so the rebalance happens with A's work in flight
    const release = gate();
    let startedOnA = 0;
    const handler = (who: 'a' | 'b') => async (event: ConsumedEvent) => {
      if (who === 'a') {
        startedOnA += 1;
        await release.promise;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
      handledBy[who].add(event.value.seq);
    };
    const a = runner({ groupId, topics: [topic], handler: handler('a') });
    await a.start();
    const publish = (from: number, to: number) =>
      Promise.all(Array.from({ length: to - from }, (_, i) => producer.publish(topic, `acc-${(from + i) % 20}`, { seq: from + i })));
    await publish(0, total / 2);
    await waitFor(() => startedOnA >= 10, 30_000, 'handlers in flight on the first consumer');
    const b = runner({ groupId, topics: [topic], handler: handler('b') });
    await b.start(); // resolves once the group has rebalanced and B owns partitions
    release.open();
    await publish(total / 2, total);
    const handled = () => new Set([...handledBy.a, ...handledBy.b]);
    await waitFor(() => handled().size === total, 60_000, 'every message handled');
    expect(handledBy.a.size).toBeGreaterThan(0);
    expect(handledBy.b.size).toBeGreaterThan(0);
    // once both have drained and committed, the group has committed the whole topic
    await Promise.all([a.stop(), b.stop()]);
    const committed = await committedOffsets(kafka, groupId, topic);
    expect(committed).toEqual(await endOffsets(kafka, topic));
  });

  it('redelivers uncommitted messages to a new consumer after the first one is SIGKILLed mid-batch', async () => {
    const topic = uniqueName('crash');
    const groupId = uniqueName('g');
    await createTopics(kafka, [{ topic, partitions: 2 }]);
    const total = 40;
    for (let seq = 0; seq < total; seq += 1) await producer.publish(topic, `acc-${seq % 10}`, { seq });

    const child = spawnChild({ CHILD_BROKERS: testInfra().kafkaBrokers.join(','), CHILD_TOPIC: topic, CHILD_GROUP: groupId, CHILD_HANDLER_MS: '150' });
    const started = new Map<string, number>();
    const done = new Map<string, number>();
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const event = JSON.parse(line);
      const id = `${event.partition}:${event.offset}`;
      if (event.type === 'start') started.set(id, event.seq);
      if (event.type === 'done') done.set(id, event.seq);
    });
    try {
      // kill once something is committed and handlers are still running
      await waitFor(
        async () => {
          if (done.size < 6 || started.size - done.size < 1) return false;
          const committed = await committedOffsets(kafka, groupId, topic);
          return [...committed.values()].some((o) => o > 0n);
        },
        60_000,
        'child progress with a commit',
      );
    } finally {
      child.kill('SIGKILL');
    }
    await Promise.all([new Promise((resolve) => child.once('exit', resolve)), new Promise((resolve) => lines.once('close', resolve))]);
    const inFlightAtKill = [...started.keys()].filter((id) => !done.has(id));
    expect(inFlightAtKill.length).toBeGreaterThan(0);

    // every message below a committed offset was handled by the child: the commit never ran ahead of the handlers
    const committed = await committedOffsets(kafka, groupId, topic);
    const ends = await endOffsets(kafka, topic);
    for (const [partition, offset] of committed) {
      for (let o = 0n; o < offset; o += 1n) expect(done.has(`${partition}:${o}`)).toBe(true);
    }

    // a new consumer gets exactly the messages from the committed offsets on, in-flight ones included
    const expected = new Set<string>();
    for (const [partition, end] of ends) {
      const from = committed.get(partition) ?? -1n;
      for (let o = from < 0n ? 0n : from; o < end; o += 1n) expected.add(`${partition}:${o}`);
    }
    const redelivered = new Set<string>();
    const r = runner({
      groupId,
      topics: [topic],
      sessionTimeoutMs: 10_000,
      handler: async (event) => void redelivered.add(`${event.partition}:${event.offset}`),
    });
    await r.start(); // joining waits for the dead member's session to expire
    await waitFor(() => redelivered.size >= expected.size, 60_000, 'redelivery');
    expect(redelivered).toEqual(expected);
    for (const id of inFlightAtKill) expect(redelivered.has(id)).toBe(true);
    // nothing lost: handled by the child before a commit, or redelivered
    expect(new Set([...done.keys(), ...redelivered]).size).toBe(total);
  }, 120_000);
});

function spawnChild(env: Record<string, string>): ChildProcess {
  const dir = path.join(__dirname, 'test-support');
  const child = spawn(process.execPath, ['-r', path.join(__dirname, '..', '..', '..', 'tools', 'register-ts.cjs'), path.join(dir, 'consumer-child.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return child;
}
