// Benchmark (not a test): sustained accepted signals/s and p50/p99 from request received to signal.generated
// acknowledged by the broker. Run from the repository root: `npm run bench:signal` (needs the test devstack:
// `npm run -s devstack -- up --profile test`). Writes bench/results/signal-ingest.json.
import path from 'node:path';
import { runIngestBench } from '../src/integration/ingest-bench';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

runIngestBench({
  lightRatePerSecond: env('BENCH_LIGHT_RATE', 10),
  lightSeconds: env('BENCH_LIGHT_SECONDS', 10),
  openLoopRatePerSecond: env('BENCH_RATE', 50),
  openLoopSeconds: env('BENCH_OPEN_SECONDS', 15),
  closedLoopConcurrency: env('BENCH_CONCURRENCY', 32),
  closedLoopSeconds: env('BENCH_CLOSED_SECONDS', 15),
  sources: env('BENCH_SOURCES', 8),
  warmupRequests: env('BENCH_WARMUP', 400),
  maxInFlight: env('BENCH_MAX_IN_FLIGHT', 64),
  nodeArgs: (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a.length > 0),
  resultFile: path.resolve(__dirname, '..', '..', '..', 'bench', 'results', 'signal-ingest.json'),
})
  .then((result) => {
    const phases = (result as { phases: Array<Record<string, any>> }).phases;
    for (const p of phases) {
      process.stdout.write(
        `${p.phase}: ${p.acceptedPerSecond} accepted/s (${p.accepted}/${p.requests}, ${p.errors} errors; ${p.serviceCpuMsPerSignal} ms service CPU per signal; load ${p.loadAverage1m}); ` +
          `received->ack p50 ${p.receivedToAckMs.p50} ms p99 ${p.receivedToAckMs.p99} ms max ${p.receivedToAckMs.max} ms; ` +
          `received->stored p50 ${p.receivedToStoredMs.p50} ms p99 ${p.receivedToStoredMs.p99} ms; http rtt p50 ${p.httpRoundTripMs.p50} ms p99 ${p.httpRoundTripMs.p99} ms\n`,
      );
    }
    process.exit(0);
  })
  .catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
