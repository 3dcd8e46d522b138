#!/usr/bin/env node
/**
 * `npm run bench`: one run over the whole platform (the five services and the simulator as processes on the test
 * profile) plus the per-package benchmarks as steps, written to bench/results/platform.json and bench/RESULTS.md.
 *
 *   signal -> broker acknowledgement latency p50/p99/max for 1, 100 and 1,000 accounts at 0 and 20 ms broker latency;
 *   sustained orders/s with p99; sync delay at 1,000 accounts; RSS per service; and, from the steps run in the same
 *   invocation, the sequential-loop baseline (bench:execution) and the one-hop Kafka baseline (bench:kafka).
 *
 * Env: BENCH_ACCOUNTS (1000), BENCH_ROUNDS (3 signals per size), BENCH_SUSTAINED_SIGNALS (10),
 * BENCH_SKIP_STEPS=1 (reuse the per-package results already in bench/results), BENCH_STEP_TIMEOUT_MIN (15).
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createFreshDatabase, uniqueName } from '@tradebridge/devstack';
import { createFleet, createSource, http, marketOpen, postSignal, until, waitGroupCaughtUp, type Fleet, type SignalSource } from '../fleet';
import { brokerLatencyMs, percentile, TopicObserver } from '../observer';
import { Platform, REPO_ROOT, SERVICES, type ProcessName } from '../platform';

process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'TimeoutNegativeWarning') console.error(`${w.name}: ${w.message}`);
});

const say = (line: string) => console.log(`[bench] ${new Date().toISOString().slice(11, 19)} ${line}`);
const RESULTS = path.join(REPO_ROOT, 'bench/results');
const round = (v: number) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : null);

interface Step {
  script: string;
  file: string;
  ok: boolean;
  seconds: number;
  freshResult: boolean;
  result?: any;
}

function runStep(script: string, file: string, timeoutMin: number): Promise<Step> {
  const full = path.join(RESULTS, file);
  const before = fs.existsSync(full) ? fs.statSync(full).mtimeMs : 0;
  const t0 = Date.now();
  say(`step: npm run ${script} (results ${path.relative(REPO_ROOT, full)})`);
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '-s', script], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
    const timer = setTimeout(() => {
      say(`step ${script} still running after ${timeoutMin} min: stopping it`);
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        /* gone */
      }
    }, timeoutMin * 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const after = fs.existsSync(full) ? fs.statSync(full).mtimeMs : 0;
      let result: unknown;
      try {
        result = JSON.parse(fs.readFileSync(full, 'utf8'));
      } catch {
        result = undefined;
      }
      resolve({ script, file, ok: code === 0, seconds: Math.round((Date.now() - t0) / 1000), freshResult: after > before, result });
    });
  });
}

function readResult(file: string): Step {
  const full = path.join(RESULTS, file);
  let result: unknown;
  try {
    result = JSON.parse(fs.readFileSync(full, 'utf8'));
  } catch {
    result = undefined;
  }
  return { script: '(reused)', file, ok: result !== undefined, seconds: 0, freshResult: false, result };
}

function rssMiB(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

interface LatencyRow {
  accounts: number;
  brokerLatencyMs: number;
  signals: number;
  orders: number;
  rejected: number;
  /** Rejections by reason code (risk and execution). */
  reasons: Record<string, number>;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

async function main(): Promise<void> {
  const accountsN = Number(process.env.BENCH_ACCOUNTS ?? 1000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const sustainedSignals = Number(process.env.BENCH_SUSTAINED_SIGNALS ?? 10);
  const stepTimeout = Number(process.env.BENCH_STEP_TIMEOUT_MIN ?? 15);
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
    node: process.version,
  };
  say(`commit ${commit}; ${machine.cpus} cores, ${machine.memoryGiB} GiB, load average ${machine.loadAverageAtStart.join(' ')}`);
  fs.mkdirSync(RESULTS, { recursive: true });

  // ---- the per-package benchmarks, as steps of this run
  const skip = process.env.BENCH_SKIP_STEPS === '1';
  const steps: Record<string, Step> = {};
  for (const [script, file] of [
    ['bench:kafka', 'kafka-one-hop.json'],
    ['bench:execution', 'execution-fanout.json'],
    ['bench:sync', 'sync-1000.json'],
  ] as const) {
    steps[script] = skip ? readResult(file) : await runStep(script, file, stepTimeout);
    say(`step ${script}: ${steps[script]!.ok ? 'ok' : 'FAILED'}${steps[script]!.freshResult ? '' : ' (results not refreshed by this run)'} in ${steps[script]!.seconds} s`);
  }

  // ---- the whole platform
  const database = await createFreshDatabase('e2e_bench');
  const topicPrefix = `${uniqueName('e2e-bench')}.`;
  const profile = process.env.BENCH_PROFILE === 'dev' ? 'dev' : 'test';
  const freePorts = { signal: 0, risk: 0, execution: 0, sync: 0, audit: 0, sim: 0 };
  const platform = await Platform.start({
    profile,
    databaseUrl: database.url,
    topicPrefix,
    ports: freePorts,
    logsDir: path.join(REPO_ROOT, '.devstack', profile, 'logs', 'bench'),
    build: true,
    log: say,
  });
  const observer = new TopicObserver({ kafkaBrokers: platform.infra.kafkaBrokers, schemaRegistryUrl: platform.infra.schemaRegistryUrl, topicPrefix, groupId: `${topicPrefix}observer` });
  const rows: LatencyRow[] = [];
  let sustained: Record<string, unknown> = {};
  let syncDelay: Record<string, unknown> = {};
  const rss: Record<string, number | null> = {};
  try {
    await observer.start();
    const t0 = Date.now();
    const fleet = await createFleet(platform, { count: accountsN, prefix: 'bench', lots: 0.01, log: say });
    say(`fleet of ${accountsN} accounts created in ${((Date.now() - t0) / 1000).toFixed(0)} s; waiting for the first sync of each`);
    const ids = fleet.accounts.map((a) => a.accountId);
    await until(() => ids.every((id) => observer.latestSync().has(id)), 'a sync of every account', 600_000, 1_000);
    await waitGroupCaughtUp(platform, platform.group('risk'), ['account.synced'], 600_000);

    // Sources followed by 1 and 100 of the accounts (the fleet's own source is followed by all).
    const sources: Record<number, SignalSource> = { [accountsN]: fleet.source };
    for (const size of [1, 100].filter((s) => s < accountsN)) {
      const src = await createSource(platform, `bench-${size}-${Date.now()}`);
      for (const a of fleet.accounts.slice(0, size)) await http('POST', `${platform.url('risk')}/v1/accounts/${a.accountId}/subscriptions`, { sourceId: src.sourceId });
      sources[size] = src;
    }
    await sleepMs(3_000); // subscriptions travel on account.config to risk's own cache

    for (const brokerLatency of [0, 20]) {
      // The broker latency is put on trade requests: that is the round trip the figure is about. Reads stay fast so
      // sync keeps its 1 Hz cadence over 1,000 accounts. With 20 ms on every read as well, an earlier run had every
      // order rejected (reasons not recorded; most likely snapshots past risk's 10 s sync-age limit).
      if (brokerLatency > 0) await fleet.sim.injectFaultEverywhere({ kind: 'latency', ms: brokerLatency, paths: ['trade'] });
      for (const size of Object.keys(sources).map(Number).sort((a, b) => a - b)) {
        const lats: number[] = [];
        let orders = 0;
        let rejected = 0;
        const reasons: Record<string, number> = {};
        for (let r = 0; r < rounds; r += 1) {
          const res = await fire(platform, fleet, observer, sources[size]!, size, `lat-${brokerLatency}-${size}-${r}`);
          lats.push(...res.latencies);
          orders += res.placed;
          rejected += res.rejected;
          for (const [k, v] of Object.entries(res.reasons)) reasons[k] = (reasons[k] ?? 0) + v;
        }
        const row = { accounts: size, brokerLatencyMs: brokerLatency, signals: rounds, orders, rejected, reasons, p50Ms: round(percentile(lats, 50)), p99Ms: round(percentile(lats, 99)), maxMs: round(Math.max(...lats)) };
        rows.push(row);
        say(`latency ${JSON.stringify(row)}`);
      }
    }
    await fleet.sim.clearAllFaults();

    // Sustained: signals back to back to the 100-account source (or the fleet if smaller).
    const size = Math.min(100, accountsN);
    const src = sources[size]!;
    const ids0: string[] = [];
    const start = Date.now();
    for (let i = 0; i < sustainedSignals; i += 1) {
      const res = await postSignal(platform, src, await marketOpen(fleet.sim, `sus-${Date.now()}-${i}`));
      if (res.status === 201) ids0.push(res.body.signalId);
    }
    await until(() => ids0.every((id) => observer.placed(id).length + observer.execRejected(id).length + observer.riskRejected(id).length >= size), 'the sustained signals', 600_000, 500);
    const placedAll = ids0.flatMap((id) => observer.placed(id));
    const acks = placedAll.map((p) => p.latency?.brokerAcknowledgedAtUs ?? 0).filter((v) => v > 0);
    const firstAccept = Math.min(...placedAll.map((p) => p.latency?.signalAcceptedAtUs ?? Infinity));
    const spanS = (Math.max(...acks) - firstAccept) / 1e6;
    const sLats = placedAll.map(brokerLatencyMs).filter((v): v is number => v !== undefined);
    sustained = { accounts: size, signals: ids0.length, orders: placedAll.length, seconds: round(spanS), ordersPerSec: round(placedAll.length / spanS), p50Ms: round(percentile(sLats, 50)), p99Ms: round(percentile(sLats, 99)), submitSeconds: round((Date.now() - start) / 1000) };
    say(`sustained ${JSON.stringify(sustained)}`);

    // Sync delay over the last 30 s of account.synced events of the whole fleet.
    const since = Date.now();
    await sleepMs(30_000);
    const delays = observer.events['account.synced'].filter((e) => e.receivedAtMs >= since).map((e) => Number((e.value as { syncDelayMs?: number }).syncDelayMs ?? NaN)).filter(Number.isFinite);
    syncDelay = { accounts: accountsN, events: delays.length, p50Ms: round(percentile(delays, 50)), p99Ms: round(percentile(delays, 99)), maxMs: round(Math.max(...delays)) };
    say(`sync delay ${JSON.stringify(syncDelay)}`);
    for (const n of [...SERVICES, 'sim'] as ProcessName[]) rss[n] = rssMiB(platform.pid(n));
  } finally {
    await observer.stop();
    await platform.stop();
    await database.drop().catch(() => undefined);
  }

  // ---- baselines from the steps, and the ratios
  const exec = steps['bench:execution']?.result;
  const seq = (accounts: number, lat: number) => exec?.rows?.find((r: any) => r.accounts === accounts && r.brokerLatencyMs === lat && r.mode === 'sequential');
  const kafka = steps['bench:kafka']?.result;
  const paced = kafka?.results?.find((r: any) => r.phase === 'paced') ?? kafka?.results?.[0];
  const platformRow = (accounts: number, lat: number) => rows.find((r) => r.accounts === accounts && r.brokerLatencyMs === lat);
  const ratios = {
    sequentialLastAckOverPlatformMax_100_20ms: seq(100, 20) && platformRow(100, 20)?.maxMs ? round(seq(100, 20).lastAckMs / platformRow(100, 20)!.maxMs!) : null,
    sequentialLastAckOverPlatformMax_1000_20ms: seq(1000, 20) && platformRow(1000, 20)?.maxMs ? round(seq(1000, 20).lastAckMs / platformRow(1000, 20)!.maxMs!) : null,
    platformP50_1account_overKafkaOneHopP50: paced?.p50Ms && platformRow(1, 0)?.p50Ms ? round(platformRow(1, 0)!.p50Ms! / paced.p50Ms) : null,
  };
  const out = {
    benchmark: 'platform',
    measuredAt: new Date().toISOString(),
    commit,
    machine: { ...machine, loadAverageAtEnd: os.loadavg().map((v) => Math.round(v * 100) / 100) },
    measuredFrom: 'signal accepted (signal service, first HTTP hook) to broker acknowledgement (execution.order.placed latency split), over POST /v1/signals on the whole platform',
    latency: rows,
    sustained,
    syncDelay,
    rssMiB: rss,
    baselines: {
      sequentialLoop: exec ? { from: 'bench:execution (sequential rows)', fresh: steps['bench:execution']!.freshResult, rows: exec.rows?.filter((r: any) => r.mode === 'sequential') } : null,
      kafkaOneHop: kafka ? { from: 'bench:kafka', fresh: steps['bench:kafka']!.freshResult, paced } : null,
      sync1000: steps['bench:sync']?.result ?? null,
    },
    ratios,
    steps: Object.values(steps).map((s) => ({ script: s.script, file: s.file, ok: s.ok, seconds: s.seconds, freshResult: s.freshResult })),
  };
  fs.writeFileSync(path.join(RESULTS, 'platform.json'), `${JSON.stringify(out, null, 2)}\n`);
  fs.writeFileSync(path.join(REPO_ROOT, 'bench/RESULTS.md'), markdown(out));
  say('wrote bench/results/platform.json and bench/RESULTS.md');
  console.log(markdown(out));
}

function markdown(o: any): string {
  const n = (v: unknown) => (v === null || v === undefined ? 'n/a' : String(v));
  const lines = [
    '# Tradebridge platform benchmark',
    '',
    `Commit \`${o.commit}\`, ${o.measuredAt}. Machine: ${o.machine.cpus} cores (${o.machine.cpuModel}), ${o.machine.memoryGiB} GiB, Node ${o.machine.node}; load average ${o.machine.loadAverageAtStart.join(' / ')} at start, ${o.machine.loadAverageAtEnd.join(' / ')} at the end (the platform, Kafka, PostgreSQL, the simulator and this benchmark share the cores).`,
    '',
    'Produced by `npm run bench` (tools/e2e/src/bin/bench.ts): the five services and the MT5 simulator as separate processes on the test profile (real Kafka, Apicurio, PostgreSQL), signals through `POST /v1/signals`. Latency = signal accepted -> broker acknowledgement, from the latency split of `execution.order.placed`. The broker latency (simulator fault) is on trade requests only.',
    '',
    '## Signal -> broker latency',
    '',
    '| accounts | broker latency | signals | orders placed | rejected (reasons) | p50 ms | p99 ms | max ms |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...o.latency.map((r: any) => `| ${r.accounts} | ${r.brokerLatencyMs} ms | ${r.signals} | ${r.orders} | ${r.rejected}${Object.keys(r.reasons ?? {}).length ? ` (${Object.entries(r.reasons).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''} | ${n(r.p50Ms)} | ${n(r.p99Ms)} | ${n(r.maxMs)} |`),
    '',
    '## Sustained, sync, memory',
    '',
    `- Sustained: ${n(o.sustained.signals)} signals back to back to ${n(o.sustained.accounts)} accounts: ${n(o.sustained.orders)} orders in ${n(o.sustained.seconds)} s = **${n(o.sustained.ordersPerSec)} orders/s**, latency p50 ${n(o.sustained.p50Ms)} ms, p99 ${n(o.sustained.p99Ms)} ms.`,
    `- Sync delay at ${n(o.syncDelay.accounts)} accounts (account.synced over 30 s, ${n(o.syncDelay.events)} events): p50 ${n(o.syncDelay.p50Ms)} ms, p99 ${n(o.syncDelay.p99Ms)} ms, max ${n(o.syncDelay.maxMs)} ms.`,
    `- RSS at the end (MiB): ${Object.entries(o.rssMiB).map(([k, v]) => `${k} ${n(v)}`).join(', ')}.`,
    '',
    '## Baselines measured in the same run',
    '',
    o.baselines.sequentialLoop
      ? `Sequential loop (bench:execution, ${o.baselines.sequentialLoop.fresh ? 'run by this benchmark' : 'NOT refreshed by this run'}):\n\n| accounts | broker latency | p50 ms | p99 ms | last ack ms |\n| ---: | ---: | ---: | ---: | ---: |\n${(o.baselines.sequentialLoop.rows ?? []).map((r: any) => `| ${r.accounts} | ${r.brokerLatencyMs} ms | ${n(r.p50Ms)} | ${n(r.p99Ms)} | ${n(r.lastAckMs)} |`).join('\n')}`
      : 'Sequential loop: not available (bench:execution failed).',
    '',
    o.baselines.kafkaOneHop?.paced
      ? `One Kafka hop (bench:kafka, ${o.baselines.kafkaOneHop.fresh ? 'run by this benchmark' : 'NOT refreshed by this run'}, phase ${o.baselines.kafkaOneHop.paced.phase}): p50 ${n(o.baselines.kafkaOneHop.paced.p50Ms)} ms, p99 ${n(o.baselines.kafkaOneHop.paced.p99Ms)} ms.`
      : 'One Kafka hop: not available.',
    '',
    `Ratios: sequential last ack / platform max at 100 accounts, 20 ms: ${n(o.ratios.sequentialLastAckOverPlatformMax_100_20ms)}; at 1,000 accounts, 20 ms: ${n(o.ratios.sequentialLastAckOverPlatformMax_1000_20ms)}; platform p50 (1 account) / one Kafka hop p50: ${n(o.ratios.platformP50_1account_overKafkaOneHopP50)}.`,
    '',
    `Steps: ${o.steps.map((s: any) => `${s.script} ${s.ok ? 'ok' : 'FAILED'} (${s.seconds} s)`).join(', ')}.`,
    '',
  ];
  return lines.join('\n');
}

async function fire(
  platform: Platform,
  fleet: Fleet,
  observer: TopicObserver,
  source: SignalSource,
  size: number,
  tag: string,
): Promise<{ latencies: number[]; placed: number; rejected: number; reasons: Record<string, number> }> {
  const res = await postSignal(platform, source, await marketOpen(fleet.sim, `${tag}-${Date.now()}`));
  if (res.status !== 201) throw new Error(`signal refused: ${res.status} ${JSON.stringify(res.body)}`);
  const id = res.body.signalId as string;
  await until(() => observer.placed(id).length + observer.execRejected(id).length + observer.riskRejected(id).length >= size, `outcomes of ${tag}`, 600_000, 200);
  const placed = observer.placed(id);
  const reasons: Record<string, number> = {};
  for (const r of [...observer.riskRejected(id), ...observer.execRejected(id)]) reasons[String(r.reason)] = (reasons[String(r.reason)] ?? 0) + 1;
  return { latencies: placed.map(brokerLatencyMs).filter((v): v is number => v !== undefined), placed: placed.length, rejected: observer.execRejected(id).length + observer.riskRejected(id).length, reasons };
}

function sleepMs(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
