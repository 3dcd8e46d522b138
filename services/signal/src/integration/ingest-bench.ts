import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFreshDatabase, testInfra, uniqueName, waitFor } from '@tradebridge/devstack';
import { createDb } from '@tradebridge/persistence';
import { sql, type Kysely } from 'kysely';
import { SIGNAL_SCHEMA, type SignalDb } from '../adapters/postgres/signal.table';
import { createSource, type CreatedSource } from '../application/sources/source-directory';
import { ChildService, freePort } from './child-service';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

export interface BenchSettings {
  /** A light rate first: the pipeline's own latency, without queueing. */
  readonly lightRatePerSecond: number;
  readonly lightSeconds: number;
  readonly openLoopRatePerSecond: number;
  readonly openLoopSeconds: number;
  readonly closedLoopConcurrency: number;
  readonly closedLoopSeconds: number;
  readonly sources: number;
  readonly warmupRequests: number;
  readonly resultFile: string;
  /** Extra node arguments for the service process (e.g. --cpu-prof). */
  readonly nodeArgs?: readonly string[];
  /** Most requests in flight in the open-loop phase; beyond it the generator waits (and the rate falls behind). */
  readonly maxInFlight: number;
}

interface PhaseResult {
  readonly phase: string;
  readonly requests: number;
  readonly accepted: number;
  readonly errors: number;
  readonly seconds: number;
  readonly acceptedPerSecond: number;
  /** Service process CPU time per accepted signal: throughput independent of other load on the machine. */
  readonly serviceCpuMsPerSignal: number;
  /** Load average (1 min) at the end of the phase: how busy the shared machine was. */
  readonly loadAverage1m: number;
  /** Request arrival at the service to broker acknowledgement of signal.generated (service clock, µs resolution). */
  readonly receivedToAckMs: Percentiles;
  /** Request arrival to the signal row committed (stored_at, database clock). */
  readonly receivedToStoredMs: Percentiles;
  /** What the load generator saw: HTTP round trip of POST /v1/signals. */
  readonly httpRoundTripMs: Percentiles;
}

interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

function percentiles(samples: number[]): Percentiles {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? 0;
  return { p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(s[s.length - 1] ?? 0) };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Measures sustained accepted signals per second and the latency from request arrival to the broker's acknowledgement
 * of signal.generated, with the service in its own process against the real stack. Latencies come from the service's
 * own records (accepted_at and published_at, both microseconds from the service clock), so the load generator's
 * scheduling does not distort them.
 */
export async function runIngestBench(settings: BenchSettings): Promise<object> {
  const infra = testInfra();
  const database = await createFreshDatabase('signal_bench');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = new ChildService(port, {
    DATABASE_URL: database.url,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
    KAFKA_TOPIC_PREFIX: `${uniqueName('bench')}.`,
    LOG_LEVEL: 'warn',
  }, settings.nodeArgs ?? []);
  let db: Kysely<SignalDb> | null = null;
  try {
    await child.start();
    db = createDb<SignalDb>({ url: database.url, schema: SIGNAL_SCHEMA, poolSize: 2 });
    const sources: CreatedSource[] = [];
    for (let i = 0; i < settings.sources; i += 1) {
      sources.push(await createSource(db, { name: `bench-${i}`, allowedSymbols: ['*'], rateLimitPerMinute: 10_000_000 }));
    }
    let seq = 0;
    const post = async (phase: string): Promise<{ ok: boolean; rttMs: number }> => {
      seq += 1;
      const source = sources[seq % sources.length] as CreatedSource;
      const body = JSON.stringify({ action: 'open', externalId: `${phase}-${seq}`, symbol: 'EURUSD', direction: seq % 2 ? 'buy' : 'sell', referencePrice: 1.085, stopLoss: seq % 2 ? 1.08 : 1.09, takeProfits: seq % 2 ? [1.09, 1.1] : [1.08, 1.07], volumeHint: 0.1 });
      const started = performance.now();
      try {
        const res = await fetch(`${base}/v1/signals`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${source.apiKey}` }, body });
        await res.arrayBuffer();
        return { ok: res.status === 201, rttMs: performance.now() - started };
      } catch {
        return { ok: false, rttMs: performance.now() - started };
      }
    };

    for (let i = 0; i < settings.warmupRequests; i += 8) await Promise.all(Array.from({ length: 8 }, () => post('warmup')));

    const phases: PhaseResult[] = [];
    // Open loop: steady arrival rates, as real sources send: a light one (the pipeline's own latency), then a busier one.
    const openLoops: Array<[string, number, number]> = [
      ['light', settings.lightRatePerSecond, settings.lightSeconds],
      ['open', settings.openLoopRatePerSecond, settings.openLoopSeconds],
    ];
    for (const [prefix, rate, durationSeconds] of openLoops) {
      const rtts: number[] = [];
      let accepted = 0;
      let errors = 0;
      const inFlight: Promise<void>[] = [];
      const intervalMs = 1000 / rate;
      const total = Math.round(rate * durationSeconds);
      let outstanding = 0;
      const cpuBefore = child.cpuTimeMs();
      const started = performance.now();
      for (let i = 0; i < total; i += 1) {
        const due = started + i * intervalMs;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        while (outstanding >= settings.maxInFlight) await new Promise((r) => setTimeout(r, 1));
        outstanding += 1;
        inFlight.push(
          post(prefix).then((r) => {
            outstanding -= 1;
            rtts.push(r.rttMs);
            if (r.ok) accepted += 1;
            else errors += 1;
          }),
        );
      }
      await Promise.all(inFlight);
      const seconds = (performance.now() - started) / 1000;
      phases.push(await phaseResult(db, `open-loop ${rate}/s`, prefix, total, accepted, errors, seconds, rtts, child, cpuBefore));
    }
    // Closed loop: as many signals as the service takes with N concurrent senders (saturation throughput).
    {
      const rtts: number[] = [];
      let accepted = 0;
      let errors = 0;
      const deadline = performance.now() + settings.closedLoopSeconds * 1000;
      const cpuBefore = child.cpuTimeMs();
      const started = performance.now();
      await Promise.all(
        Array.from({ length: settings.closedLoopConcurrency }, async () => {
          while (performance.now() < deadline) {
            const r = await post('closed');
            rtts.push(r.rttMs);
            if (r.ok) accepted += 1;
            else errors += 1;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      phases.push(await phaseResult(db, `closed-loop ${settings.closedLoopConcurrency} concurrent`, 'closed', rtts.length, accepted, errors, seconds, rtts, child, cpuBefore));
    }

    const result = {
      benchmark: 'signal-ingest',
      what: 'POST /v1/signals -> stored (transactional outbox) -> signal.generated acknowledged by Kafka (acks=all, idempotent producer)',
      measuredAt: new Date().toISOString(),
      commit: gitCommit(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` },
      setup: { ...settings, serviceProcess: 'separate process, same machine as Kafka, the registry, PostgreSQL and the load generator', kafka: infra.kafkaBrokers, sourcesRoundRobin: settings.sources },
      phases,
    };
    mkdirSync(path.dirname(settings.resultFile), { recursive: true });
    writeFileSync(settings.resultFile, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await child.stop('SIGTERM');
    await db?.destroy();
    await database.drop();
  }
}

async function phaseResult(
  db: Kysely<SignalDb>,
  phase: string,
  prefix: string,
  requests: number,
  accepted: number,
  errors: number,
  seconds: number,
  rtts: number[],
  child: ChildService,
  cpuBefore: number,
): Promise<PhaseResult> {
  await waitFor(async () => {
    const r = await sql<{ n: string }>`select count(*) as n from signal.trading_signals where status = 'accepted'`.execute(db);
    return Number(r.rows[0]?.n) === 0;
  }, { timeoutMs: 120_000, message: 'every signal published' });
  const rows = await sql<{ ack_us: string; stored_us: string }>`
    select (extract(epoch from published_at - accepted_at) * 1000000)::bigint as ack_us,
           (extract(epoch from stored_at - accepted_at) * 1000000)::bigint as stored_us
      from signal.trading_signals where external_id like ${`${prefix}-%`}`.execute(db);
  return {
    phase,
    requests,
    accepted,
    errors,
    seconds: round(seconds),
    acceptedPerSecond: Math.round(accepted / seconds),
    serviceCpuMsPerSignal: round((child.cpuTimeMs() - cpuBefore) / Math.max(1, accepted)),
    loadAverage1m: round(os.loadavg()[0] ?? 0),
    receivedToAckMs: percentiles(rows.rows.map((r) => Number(r.ack_us) / 1000)),
    receivedToStoredMs: percentiles(rows.rows.map((r) => Number(r.stored_us) / 1000)),
    httpRoundTripMs: percentiles(rtts),
  };
}

function gitCommit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: REPO_ROOT }).toString().trim();
  } catch {
    return 'unknown';
  }
}
