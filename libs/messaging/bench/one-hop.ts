// Benchmark (not a test): produce -> consume latency and throughput through one Kafka hop on this machine, with the
// project's EventProducer (idempotent, acks=all) and ConsumerRunner (key-ordered parallelism, prefix commits).
//
//   npm run bench:kafka       (KAFKA_BROKERS if set; otherwise the devstack test profile, started when it is down)
//   BENCH_MESSAGES=20000 BENCH_KEYS=1000 BENCH_RATE=1000 BENCH_PACED_MESSAGES=5000 npm run bench:kafka
//
// Phases, each on a fresh topic with 12 partitions (the main-flow partition count), keys account-0..account-N:
//   burst:       all messages published at once (throughput; latency includes the queueing of the burst);
//   paced:       messages published at a fixed rate below saturation (the one-hop latency one event sees);
//   paced-bare-consumer: the same paced load and producer, consumed by a bare kafkajs eachMessage consumer with
//                auto-commit (no key scheduling, no prefix commits, no DLQ), for the overhead ratio of the runner.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { envFor, up } from '../../../tools/devstack/lib/stack.cjs';
import { jsonCodec } from '../src/codec';
import { ConsumerRunner } from '../src/consumer-runner';
import { createKafkaClient } from '../src/kafka-client';
import { silentLogger } from '../src/logger';
import { EventProducer } from '../src/producer';

// kafkajs 2.2.4 hands setTimeout a negative delay on Node 24 (harmless); keep that one warning out of the report.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'TimeoutNegativeWarning') console.warn(warning);
});

const brokers = (process.env.KAFKA_BROKERS ?? envFor('test').KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const messages = Number(process.env.BENCH_MESSAGES ?? 20_000);
const keys = Number(process.env.BENCH_KEYS ?? 1_000);
const pacedMessages = Number(process.env.BENCH_PACED_MESSAGES ?? 5_000);
const rate = Number(process.env.BENCH_RATE ?? 1_000);
const partitions = 12;
const resultFile = path.resolve(__dirname, '../../../bench/results/kafka-one-hop.json');

interface PhaseResult {
  phase: string;
  messages: number;
  keys: number;
  publishRatePerSec: number | null;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  messagesPerSec: number;
  /** publish() call to broker acknowledgement (acks=all), the producer's share of the hop. */
  ackP50Ms: number;
  ackP99Ms: number;
  /** Event-loop delay of this process during the phase: how much of the latency is waiting for the CPU. */
  eventLoopDelayP99Ms: number;
}

/** A way to publish and consume: the project's producer/runner, or bare kafkajs. */
interface Pipeline {
  publish(topic: string, key: string, value: { seq: number; sentAt: string }): Promise<void>;
  consume(topic: string, onMessage: (value: { sentAt: string }) => void): Promise<() => Promise<void>>;
}

const kafka = createKafkaClient({ brokers, clientId: 'bench-one-hop', logger: silentLogger });

function projectPipeline(producer: EventProducer): Pipeline {
  return {
    publish: (topic, key, value) => producer.publish(topic, key, value),
    async consume(topic, onMessage) {
      const runner = new ConsumerRunner({
        kafka,
        groupId: `bench-${topic}`,
        topics: [topic],
        codec: jsonCodec,
        registry: new Registry(),
        logger: silentLogger,
        maxConcurrency: 64,
        maxBufferedMessages: 2_000,
        maxWaitTimeMs: 100,
        handler: async (event) => onMessage(event.value),
      });
      await runner.start();
      return () => runner.stop();
    },
  };
}

/** The same producer with a bare kafkajs consumer (eachMessage, auto-commit): isolates the runner's overhead. */
function bareConsumerPipeline(producer: EventProducer): Pipeline {
  return {
    publish: (topic, key, value) => producer.publish(topic, key, value),
    async consume(topic, onMessage) {
      const consumer = kafka.consumer({ groupId: `bench-bare-${topic}`, maxWaitTimeInMs: 100 });
      let joined!: () => void;
      const groupJoined = new Promise<void>((resolve) => (joined = resolve));
      consumer.on(consumer.events.GROUP_JOIN, () => joined());
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => onMessage(JSON.parse(message.value!.toString())) });
      await groupJoined;
      return () => consumer.disconnect();
    },
  };
}

async function main(): Promise<void> {
  if (!process.env.KAFKA_BROKERS) await up('test', { log: (line: string) => console.error(`[devstack] ${line}`) });
  const run = Date.now().toString(36);
  const admin = kafka.admin();
  await admin.connect();
  const topics = ['burst', 'paced', 'paced-bare'].map((p) => `bench.one-hop.${p}.${run}`);
  await admin.createTopics({
    waitForLeaders: true,
    topics: topics.flatMap((topic) => [
      { topic, numPartitions: partitions, replicationFactor: 1 },
      { topic: `${topic}.dlq`, numPartitions: 1, replicationFactor: 1 },
    ]),
  });
  const producer = new EventProducer({ kafka, codec: jsonCodec, registry: new Registry() });
  await producer.connect();
  try {
    const project = projectPipeline(producer);
    const results = [
      await phase('burst', topics[0]!, project, messages, null),
      await phase('paced', topics[1]!, project, pacedMessages, rate),
      await phase('paced-bare-consumer', topics[2]!, bareConsumerPipeline(producer), pacedMessages, rate),
    ];
    report(results);
  } finally {
    await producer.disconnect();
    await admin.deleteTopics({ topics: topics.flatMap((t) => [t, `${t}.dlq`]) }).catch(() => undefined);
    await admin.disconnect();
  }
}

async function phase(name: string, topic: string, pipeline: Pipeline, count: number, perSecond: number | null): Promise<PhaseResult> {
  const latenciesNs: bigint[] = [];
  let finished!: () => void;
  const allReceived = new Promise<void>((resolve) => (finished = resolve));
  const stop = await pipeline.consume(topic, (value) => {
    latenciesNs.push(process.hrtime.bigint() - BigInt(value.sentAt));
    if (latenciesNs.length === count) finished();
  });
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const started = process.hrtime.bigint();
  const sends: Promise<void>[] = [];
  const acksNs: bigint[] = [];
  for (let i = 0; i < count; i += 1) {
    if (perSecond !== null) {
      const due = started + BigInt(Math.round((i * 1e9) / perSecond));
      while (process.hrtime.bigint() < due) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const sentAt = process.hrtime.bigint();
    sends.push(
      pipeline.publish(topic, `account-${i % keys}`, { seq: i, sentAt: sentAt.toString() }).then(() => {
        acksNs.push(process.hrtime.bigint() - sentAt);
      }),
    );
  }
  await Promise.all(sends);
  await allReceived;
  const elapsedSec = Number(process.hrtime.bigint() - started) / 1e9;
  loopDelay.disable();
  await stop();
  const sorted = toSortedMs(latenciesNs);
  const acks = toSortedMs(acksNs);
  const pick = (q: number, values = sorted) => round(values[Math.min(values.length - 1, Math.floor(q * values.length))]!);
  return {
    phase: name,
    messages: count,
    keys,
    publishRatePerSec: perSecond,
    p50Ms: pick(0.5),
    p99Ms: pick(0.99),
    maxMs: round(sorted[sorted.length - 1]!),
    messagesPerSec: Math.round(count / elapsedSec),
    ackP50Ms: pick(0.5, acks),
    ackP99Ms: pick(0.99, acks),
    eventLoopDelayP99Ms: round(loopDelay.percentile(99) / 1e6),
  };
}

function toSortedMs(values: bigint[]): number[] {
  return values.map((ns) => Number(ns) / 1e6).sort((a, b) => a - b);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function report(results: PhaseResult[]): void {
  const paced = results.find((r) => r.phase === 'paced')!;
  const pacedBare = results.find((r) => r.phase === 'paced-bare-consumer')!;
  const ratios = { p50: round(paced.p50Ms / pacedBare.p50Ms), p99: round(paced.p99Ms / pacedBare.p99Ms) };
  const document = {
    benchmark: 'kafka-one-hop',
    description: 'EventProducer (idempotent, acks=all, JSON codec) -> broker -> ConsumerRunner handler, one process',
    measuredAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version, loadAverage1m: round(os.loadavg()[0]!) },
    brokers,
    partitions,
    results,
    pacedVersusBareConsumer: ratios,
  };
  mkdirSync(path.dirname(resultFile), { recursive: true });
  writeFileSync(resultFile, `${JSON.stringify(document, null, 2)}\n`);
  const rows = results.map(
    (r) =>
      `| ${r.phase} | ${r.messages} | ${r.keys} | ${r.publishRatePerSec ?? 'max'} | ${r.p50Ms} | ${r.p99Ms} | ${r.maxMs} | ${r.messagesPerSec} | ${r.ackP50Ms} / ${r.ackP99Ms} | ${r.eventLoopDelayP99Ms} |`,
  );
  console.log(
    [
      '| phase | messages | keys | publish rate/s | p50 ms | p99 ms | max ms | messages/s | ack p50 / p99 ms | loop delay p99 ms |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `paced / paced-bare-consumer: p50 x${ratios.p50}, p99 x${ratios.p99}; load average (1 min) ${document.machine.loadAverage1m} on ${document.machine.cpus} cores`,
      `written to ${resultFile}`,
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
