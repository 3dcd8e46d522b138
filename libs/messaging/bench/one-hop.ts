// Benchmark (not a test): produce -> consume latency and throughput through one Kafka hop on this machine, with the
// project's EventProducer (idempotent, acks=all) and ConsumerRunner (key-ordered parallelism, prefix commits).
//
//   npm run bench:kafka                      (KAFKA_BROKERS, default the devstack test profile 127.0.0.1:19092)
//   BENCH_MESSAGES=20000 BENCH_KEYS=1000 BENCH_RATE=2000 npm run bench:kafka
//
// Two phases on fresh topics with 12 partitions (the main-flow partition count):
//   burst: all messages published at once, as fast as the producer takes them (throughput; latency includes queueing);
//   paced: messages published at a fixed rate below saturation (the one-hop latency a single event sees).
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { jsonCodec } from '../src/codec';
import { ConsumerRunner } from '../src/consumer-runner';
import { createKafkaClient } from '../src/kafka-client';
import { silentLogger } from '../src/logger';
import { EventProducer } from '../src/producer';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
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
}

const kafka = createKafkaClient({ brokers, clientId: 'bench-one-hop', logger: silentLogger });

async function main(): Promise<void> {
  const run = Date.now().toString(36);
  const admin = kafka.admin();
  await admin.connect();
  const topics = [`bench.one-hop.burst.${run}`, `bench.one-hop.paced.${run}`];
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
    const burst = await phase('burst', topics[0]!, producer, messages, null);
    const paced = await phase('paced', topics[1]!, producer, pacedMessages, rate);
    report([burst, paced]);
  } finally {
    await producer.disconnect();
    await admin.deleteTopics({ topics: topics.flatMap((t) => [t, `${t}.dlq`]) }).catch(() => undefined);
    await admin.disconnect();
  }
}

async function phase(name: string, topic: string, producer: EventProducer, count: number, perSecond: number | null): Promise<PhaseResult> {
  const latenciesNs: bigint[] = [];
  let finished!: () => void;
  const allReceived = new Promise<void>((resolve) => (finished = resolve));
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
    handler: async (event) => {
      latenciesNs.push(process.hrtime.bigint() - BigInt(event.value.sentAt));
      if (latenciesNs.length === count) finished();
    },
  });
  await runner.start();
  const started = process.hrtime.bigint();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < count; i += 1) {
    if (perSecond !== null) {
      const due = started + BigInt(Math.round((i * 1e9) / perSecond));
      while (process.hrtime.bigint() < due) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    sends.push(producer.publish(topic, `account-${i % keys}`, { seq: i, sentAt: process.hrtime.bigint().toString() }));
  }
  await Promise.all(sends);
  await allReceived;
  const elapsedSec = Number(process.hrtime.bigint() - started) / 1e9;
  await runner.stop();
  const sorted = latenciesNs.map((ns) => Number(ns) / 1e6).sort((a, b) => a - b);
  const pick = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return {
    phase: name,
    messages: count,
    keys,
    publishRatePerSec: perSecond,
    p50Ms: pick(0.5),
    p99Ms: pick(0.99),
    maxMs: round(sorted[sorted.length - 1]!),
    messagesPerSec: Math.round(count / elapsedSec),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function report(results: PhaseResult[]): void {
  const document = {
    benchmark: 'kafka-one-hop',
    description: 'EventProducer (idempotent, acks=all, JSON codec) -> broker -> ConsumerRunner handler, one process',
    measuredAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version, loadAverage1m: round(os.loadavg()[0]!) },
    brokers,
    partitions,
    results,
  };
  mkdirSync(path.dirname(resultFile), { recursive: true });
  writeFileSync(resultFile, `${JSON.stringify(document, null, 2)}\n`);
  const rows = results.map(
    (r) =>
      `| ${r.phase} | ${r.messages} | ${r.keys} | ${r.publishRatePerSec ?? 'max'} | ${r.p50Ms} | ${r.p99Ms} | ${r.maxMs} | ${r.messagesPerSec} |`,
  );
  console.log(
    [
      '| phase | messages | keys | publish rate/s | p50 ms | p99 ms | max ms | messages/s |',
      '|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `written to ${resultFile}`,
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
