/**
 * Benchmark (not a test): cost of the registry codec per message, registry lookups cached (the steady state of a
 * service). Run: npm run -w @tradebridge/contracts bench. Prints p50/p99 and writes bench/results/contracts-codec.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONTRACTS_DIR } from '../codegen/files';
import { InMemorySchemaRegistry } from '../testing/in-memory-registry';
import type { TopicName } from '../topics';
import { createEventCodec } from './codec';

const ITERATIONS = 20_000;
const WARMUP = 2_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(fn: () => Promise<unknown>): Promise<{ p50us: number; p99us: number; perSecond: number }> {
  for (let i = 0; i < WARMUP; i += 1) await fn();
  const samples: number[] = [];
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i += 1) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  const totalS = Number(process.hrtime.bigint() - start) / 1e9;
  samples.sort((a, b) => a - b);
  return { p50us: percentile(samples, 50), p99us: percentile(samples, 99), perSecond: Math.round(ITERATIONS / totalS) };
}

async function main(): Promise<void> {
  const codec = createEventCodec({ registry: new InMemorySchemaRegistry() });
  const results: Record<string, unknown> = {};
  const topics: TopicName[] = ['signal.generated', 'risk.approved', 'execution.order.placed', 'account.synced'];
  for (const topic of topics) {
    const value = JSON.parse(fs.readFileSync(path.join(CONTRACTS_DIR, 'fixtures', topic, 'v1.json'), 'utf8'));
    const bytes = await codec.encode(topic, value);
    await codec.decode(topic, bytes);
    const encode = await measure(() => codec.encode(topic, value));
    const decode = await measure(() => codec.decode(topic, bytes));
    results[topic] = { bytes: bytes.length, encode, decode };
    console.log(
      `${topic.padEnd(24)} ${String(bytes.length).padStart(5)} B  encode p50 ${encode.p50us.toFixed(1)} us p99 ` +
        `${encode.p99us.toFixed(1)} us (${encode.perSecond}/s)  decode p50 ${decode.p50us.toFixed(1)} us p99 ` +
        `${decode.p99us.toFixed(1)} us (${decode.perSecond}/s)`,
    );
  }
  const out = path.resolve(CONTRACTS_DIR, '..', '..', 'bench', 'results', 'contracts-codec.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    `${JSON.stringify({ name: 'contracts-codec', node: process.version, iterations: ITERATIONS, at: new Date().toISOString(), results }, null, 2)}\n`,
  );
  console.log(`wrote ${out}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
