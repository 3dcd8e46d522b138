// Benchmark (not a test): one sync replica keeping 1,000 simulated accounts in sync at 1 Hz.
//
//   npm run bench:sync        env BENCH_ACCOUNTS (1000), BENCH_SECONDS (60), BENCH_WITH_POSITIONS (100), SYNC_INTERVAL (1s)
//
// The simulator runs in its own process (real clock, prices ticking), the sync service in another (compiled, started
// with `node services/sync/dist/src/main.js`), against the devstack test profile's Kafka, registry and PostgreSQL.
// Measured over the window after every account has synced once:
// - sync delay (due -> snapshot complete) from every account.synced published in the window (changes and heartbeats),
// - cycles per second from the service's sync_cycles_total, and how many missed their deadline,
// - CPU of the service process (/proc/<pid>/stat, percent of one core) and its RSS (sampled every second).
// Writes bench/results/sync-1000.json and bench/results/sync-1000.md.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { MetaApiTerminal } from '@tradebridge/bridge';
import { createEventCodec, ensureTopics, nowMicros, type AccountConfigured, type AccountSynced, type EventCodec } from '@tradebridge/contracts';
import { createFreshDatabase, testInfra, uniqueName } from '@tradebridge/devstack';
import { EventProducer, createKafkaClient, silentLogger } from '@tradebridge/messaging';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const WITH_POSITIONS = Math.min(ACCOUNTS, Number(process.env.BENCH_WITH_POSITIONS ?? 100));
const INTERVAL = process.env.SYNC_INTERVAL ?? '1s';
const WARMUP_LIMIT_MS = Number(process.env.BENCH_WARMUP_LIMIT_MS ?? 120_000);
const TICKS_PER_SECOND = os.sysconf?.('SC_CLK_TCK') ?? 100;

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime + stime
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const children: ChildProcess[] = [];
function killChildren(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Starts a process and resolves with the first stdout line `match` accepts (plus every line before it). */
function startProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv, match: (line: string) => boolean, timeoutMs: number): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'inherit'], cwd: ROOT });
  children.push(child);
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start within ${timeoutMs} ms`)), timeoutMs);
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      lines.push(line);
      if (match(line)) {
        clearTimeout(timer);
        resolve({ child, lines });
      }
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(sync_cycles_total|sync_cycles_skipped_total|sync_account_synced_published_total)\{([^}]*)\} ([0-9.e+]+)$/.exec(line);
    if (!m) continue;
    const label = /(outcome|reason|heartbeat)="([^"]+)"/.exec(m[2]!);
    out.set(`${m[1]}:${label?.[2] ?? ''}`, Number(m[3]));
  }
  return out;
}

async function main(): Promise<void> {
  const infra = testInfra();
  console.log(`sync bench: ${ACCOUNTS} accounts (${WITH_POSITIONS} with an open position), ${SECONDS} s at ${INTERVAL}`);
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'services/sync/tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });

  // ---- simulator in its own process ----
  const register = path.join(__dirname, '..', '..', '..', 'tools', 'register-ts.cjs');
  const sim = await startProcess(process.execPath, ['-r', register, 'tools/mt-sim/src/bin/sim.ts', '--accounts', String(ACCOUNTS), '--port', '0', '--clock', 'real', '--seed', '42'], process.env, (l) => l.startsWith('mt-sim listening on'), 120_000);
  const simUrl = /listening on (\S+)/.exec(sim.lines[sim.lines.length - 1]!)![1]!;
  const simAccounts = sim.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { id: string; token: string; platform: 'mt4' | 'mt5' });
  console.log(`simulator at ${simUrl} (pid ${sim.child.pid})`);
  for (const a of simAccounts.slice(0, WITH_POSITIONS)) {
    const t = new MetaApiTerminal({ accountId: a.id, token: a.token, platform: a.platform, baseUrl: simUrl });
    await t.placeMarketOrder({ intentId: randomUUID(), symbol: 'EURUSD', side: 'buy', volume: 0.1 });
  }

  // ---- Kafka topics, database, account configurations ----
  const database = await createFreshDatabase('sync_bench');
  const prefix = `${uniqueName('syncbench')}.`;
  const kafka = createKafkaClient({ brokers: infra.kafkaBrokers, clientId: 'sync-bench', logger: silentLogger });
  const codec = createEventCodec({ registryUrl: infra.schemaRegistryUrl, topicPrefix: prefix });
  await codec.registerAll(['account.config', 'account.synced']);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, ['account.config', 'account.synced', 'account.connection.changed', 'account.discrepancy.detected', 'account.alert.raised', 'execution.order.placed', 'execution.order.rejected', 'execution.position.changed'], { prefix });
  await admin.disconnect();
  const producer = new EventProducer({ kafka, codec: codec as EventCodec, logger: silentLogger });
  await producer.connect();
  const base = JSON.parse(readFileSync(path.join(ROOT, 'libs/contracts/fixtures/account.config/v1.json'), 'utf8')) as AccountConfigured;
  const accountIds: string[] = [];
  await Promise.all(
    simAccounts.map((a, i) => {
      const accountId = randomUUID();
      accountIds.push(accountId);
      const value: AccountConfigured = {
        ...base,
        meta: { ...base.meta, eventId: randomUUID(), occurredAtUs: nowMicros() },
        accountId,
        enabled: true,
        deleted: false,
        platform: a.platform === 'mt4' ? 'PLATFORM_MT4' : 'PLATFORM_MT5',
        bridge: { kind: 'BRIDGE_KIND_SIMULATOR', metaapiAccountId: a.id, region: '', baseUrl: simUrl, failoverBaseUrl: '', credentialsSecretRef: 'sim-token' },
        configVersion: i + 1,
      };
      return producer.publish(`${prefix}account.config`, accountId, value);
    }),
  );

  // ---- what the service publishes ----
  const samples: Array<{ atUs: number; delayMs: number; heartbeat: boolean }> = [];
  const reader = kafka.consumer({ groupId: uniqueName('sync-bench-reader'), maxWaitTimeInMs: 100 });
  await reader.connect();
  await reader.subscribe({ topic: `${prefix}account.synced`, fromBeginning: true });
  await reader.run({
    partitionsConsumedConcurrently: 4,
    eachMessage: async ({ message }) => {
      if (!message.value) return;
      const e = (await codec.decode(`${prefix}account.synced`, message.value)).value as AccountSynced;
      samples.push({ atUs: Number(e.syncedAtUs), delayMs: e.syncDelayMs, heartbeat: e.heartbeat });
    },
  });

  // ---- the sync service in its own process ----
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
    KAFKA_TOPIC_PREFIX: prefix,
    SYNC_GROUP_ID: uniqueName('sync-bench'),
    SYNC_HTTP_HOST: '127.0.0.1',
    SYNC_HTTP_PORT: '0',
    SYNC_INTERVAL: INTERVAL,
    SYNC_HISTORY_LOOKBACK: '1h',
    SYNC_SECRET_SIM_TOKEN: 'sim-token',
    LOG_LEVEL: 'warn',
  };
  const svc = await startProcess(process.execPath, ['services/sync/dist/src/main.js'], env, (l) => l.includes('"sync service ready"'), 120_000);
  const svcUrl = (JSON.parse(svc.lines[svc.lines.length - 1]!) as { url: string }).url;
  const pid = svc.child.pid!;
  console.log(`sync service at ${svcUrl} (pid ${pid})`);

  const warmupStarted = Date.now();
  let syncedAtStart = 0;
  for (;;) {
    const status = (await (await fetch(`${svcUrl}/v1/sync/status`)).json()) as { accounts: Array<{ lastSyncedAt: string | null; lastError: string | null }> };
    syncedAtStart = status.accounts.filter((a) => a.lastSyncedAt !== null).length;
    if (syncedAtStart >= ACCOUNTS) break;
    if (Date.now() - warmupStarted > WARMUP_LIMIT_MS) {
      const errors = new Map<string, number>();
      for (const a of status.accounts) if (a.lastError) errors.set(a.lastError, (errors.get(a.lastError) ?? 0) + 1);
      console.log(`only ${syncedAtStart} of ${ACCOUNTS} accounts synced after ${WARMUP_LIMIT_MS} ms; measuring anyway. Last errors: ${JSON.stringify([...errors])}`);
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const warmupMs = Date.now() - warmupStarted;
  console.log(`every account synced once after ${warmupMs} ms; settling 5 s, then measuring ${SECONDS} s`);
  await new Promise((r) => setTimeout(r, 5_000));

  const t0 = nowMicros();
  const cpu0 = cpuSeconds(pid);
  const simCpu0 = cpuSeconds(sim.child.pid!);
  const m0 = await scrape(svcUrl);
  const rss: number[] = [];
  const started = Date.now();
  while (Date.now() - started < SECONDS * 1000) {
    rss.push(rssMb(pid));
    await new Promise((r) => setTimeout(r, 1_000));
  }
  const elapsedS = (Date.now() - started) / 1000;
  const cpu1 = cpuSeconds(pid);
  const simCpu1 = cpuSeconds(sim.child.pid!);
  const m1 = await scrape(svcUrl);
  const t1 = nowMicros();
  await new Promise((r) => setTimeout(r, 2_000)); // let the reader catch up with the window's last events

  const inWindow = samples.filter((s) => s.atUs >= t0 && s.atUs <= t1);
  const delays = inWindow.map((s) => s.delayMs).sort((a, b) => a - b);
  const delta = (k: string) => (m1.get(k) ?? 0) - (m0.get(k) ?? 0);
  const cycles = { ok: delta('sync_cycles_total:ok'), deadline: delta('sync_cycles_total:deadline'), unreachable: delta('sync_cycles_total:unreachable'), error: delta('sync_cycles_total:error') };
  const skipped = { stillRunning: delta('sync_cycles_skipped_total:still_running'), overrun: delta('sync_cycles_skipped_total:overrun') };
  const healthRows = await (async () => {
    const { Client } = await import('pg');
    const c = new Client({ connectionString: database.url });
    await c.connect();
    try {
      return Number((await c.query('select count(*) as n from sync.bridge_health_metrics')).rows[0].n);
    } finally {
      await c.end();
    }
  })();

  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
  } catch {
    commit = 'unknown';
  }
  const result = {
    benchmark: 'sync-1000',
    description: 'One sync replica (own process, compiled) syncing simulated accounts at 1 Hz; simulator in its own process (real clock); devstack Kafka/registry/PostgreSQL.',
    date: new Date().toISOString(),
    commit,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '', node: process.version, platform: `${os.platform()} ${os.release()}`, loadAverage1m: os.loadavg()[0] },
    accounts: ACCOUNTS,
    accountsWithPosition: WITH_POSITIONS,
    interval: INTERVAL,
    windowSeconds: Math.round(elapsedS * 10) / 10,
    warmupMs,
    accountsSyncedAtWindowStart: syncedAtStart,
    syncDelayMs: { samples: delays.length, p50: percentile(delays, 50), p90: percentile(delays, 90), p99: percentile(delays, 99), max: delays[delays.length - 1] ?? NaN },
    cyclesPerSecond: Math.round((cycles.ok / elapsedS) * 10) / 10,
    cycles,
    skipped,
    publishedPerSecond: Math.round((inWindow.length / elapsedS) * 10) / 10,
    heartbeatShare: inWindow.length === 0 ? 0 : Math.round((inWindow.filter((s) => s.heartbeat).length / inWindow.length) * 1000) / 1000,
    serviceCpuPercentOfOneCore: Math.round(((cpu1 - cpu0) / elapsedS) * 1000) / 10,
    serviceRssMb: { mean: Math.round((rss.reduce((a, b) => a + b, 0) / Math.max(1, rss.length)) * 10) / 10, max: Math.round(Math.max(...rss) * 10) / 10 },
    simulatorCpuPercentOfOneCore: Math.round(((simCpu1 - simCpu0) / elapsedS) * 1000) / 10,
    healthRowsWritten: healthRows,
  };
  const md = [
    `# sync-1000 (${result.date}, commit ${commit})`,
    '',
    `${ACCOUNTS} accounts (${WITH_POSITIONS} with an open position) at ${INTERVAL}, ${result.windowSeconds} s window, ${result.machine.cpus} CPUs (${result.machine.model}), load average ${result.machine.loadAverage1m.toFixed(1)}.`,
    '',
    '| figure | value |',
    '| --- | --- |',
    `| sync delay p50 / p90 / p99 / max (ms) | ${result.syncDelayMs.p50} / ${result.syncDelayMs.p90} / ${result.syncDelayMs.p99} / ${result.syncDelayMs.max} (${result.syncDelayMs.samples} samples) |`,
    `| accepted sync cycles per second | ${result.cyclesPerSecond} (target ${ACCOUNTS}) |`,
    `| cycles past the deadline / unreachable / errors | ${cycles.deadline} / ${cycles.unreachable} / ${cycles.error} |`,
    `| cycles skipped (still running / overrun) | ${skipped.stillRunning} / ${skipped.overrun} |`,
    `| account.synced published per second (heartbeat share) | ${result.publishedPerSecond} (${result.heartbeatShare}) |`,
    `| sync service CPU (% of one core) | ${result.serviceCpuPercentOfOneCore} |`,
    `| sync service RSS mean / max (MB) | ${result.serviceRssMb.mean} / ${result.serviceRssMb.max} |`,
    `| simulator CPU (% of one core) | ${result.simulatorCpuPercentOfOneCore} |`,
    `| bridge_health_metrics rows written | ${healthRows} |`,
    '',
  ].join('\n');
  const outDir = path.join(ROOT, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'sync-1000.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(path.join(outDir, 'sync-1000.md'), md);
  console.log(md);

  svc.child.kill('SIGTERM');
  await Promise.race([new Promise((r) => svc.child.once('exit', r)), new Promise((r) => setTimeout(r, 20_000))]);
  sim.child.kill('SIGTERM');
  killChildren();
  await reader.disconnect();
  await producer.disconnect();
  await database.drop();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    killChildren();
    process.exit(1);
  },
);
