/**
 * Benchmark (not a test): time to decide one signal for 1,000 following accounts.
 *
 *  1. domain: the pure `decide()` over 1,000 prepared account views (sizing, every check, reservations, fleet cap).
 *  2. use case on PostgreSQL: `decideSignal()` end to end except Kafka: load 1,000 accounts, snapshots, specs,
 *     states, intents and reservations, decide, write 1,000 ledger rows + intents + reservations in one transaction
 *     (a recording publisher stands in for the broker); and `previewSignal()` (load + decide, no writes).
 *
 * Run: npm run bench:risk   (needs the test PostgreSQL: npm run -s devstack -- up --profile test)
 * Writes bench/results/risk-decide.json.
 */
import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { intentId } from '@tradebridge/contracts';
import { createFreshDatabase } from '@tradebridge/devstack';
import { createDb, migrateService, systemClock } from '@tradebridge/persistence';
import type { RiskDB } from '../src/adapters/postgres/risk.table';
import { upsertSnapshot } from '../src/adapters/postgres/state.repository';
import { decideSignal } from '../src/application/decide-signal/decide-signal';
import { previewSignal } from '../src/application/decide-signal/preview-signal';
import type { DecisionSettings } from '../src/application/ports';
import { seedDefaultSymbolSpecs } from '../src/application/seed';
import { DEFAULT_SYMBOL_SPECS } from '../src/application/symbol-catalog';
import {
  ALL_ACTIVE,
  decide,
  rollAnchors,
  type AccountConfig,
  type AccountSnapshot,
  type AccountView,
  type OpenSignal,
  type Reservation,
  type RiskState,
  type SizingConfig,
} from '../src/domain';
import { RecordingPublisher } from '../test/stub-publisher';

const ACCOUNTS = 1_000;
const DOMAIN_RUNS = 400;
const DB_RUNS = 40;

function percentile(sorted: readonly number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function summary(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { runs: s.length, p50_ms: round(percentile(s, 50)), p99_ms: round(percentile(s, 99)), max_ms: round(s[s.length - 1]!), mean_ms: round(s.reduce((a, b) => a + b, 0) / s.length) };
}

/** A varied fleet: USD and EUR accounts, risk %, fixed and ratio sizing, limits on some, a few that must be rejected. */
function accountConfig(i: number): AccountConfig {
  const sizing: SizingConfig =
    i % 10 < 6
      ? { mode: 'RISK_PERCENT', percent: 0.5 + (i % 4) * 0.25, basis: i % 2 ? 'EQUITY' : 'BALANCE', belowMinimum: i % 3 ? 'SKIP' : 'FORCE_MINIMUM' }
      : i % 10 < 8
        ? { mode: 'FIXED_LOTS', lots: 0.01 * (1 + (i % 20)), belowMinimum: 'SKIP' }
        : { mode: 'BALANCE_RATIO', multiplier: 1, basis: 'BALANCE', belowMinimum: 'SKIP' };
  return {
    accountId: `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`,
    tenantId: 'tenant-bench',
    ownerUserId: `user-${i % 50}`,
    platform: 'MT5',
    currency: i % 5 === 0 ? 'EUR' : 'USD',
    enabled: true,
    autoTrading: i % 97 !== 0,
    sizing,
    limits: {
      maxOpenPositions: 20,
      maxVolumePerOrder: 5,
      maxVolumePerSymbol: 10,
      marginReservePercent: 10,
      maxOrdersPerMinute: 30,
      ...(i % 4 === 0 ? { dailyLoss: { percent: 5, reference: 'DAY_START_BALANCE', percentOf: 'DAY_REFERENCE' }, maxDrawdown: { percent: 10, mode: 'STATIC_INITIAL_BALANCE' } } : {}),
    },
    mapping: i % 3 === 0 ? { suffix: '.m' } : {},
    filters: {},
  } as AccountConfig;
}

function accountSnapshot(i: number, now: Date): AccountSnapshot {
  const balance = 2_000 + (i % 50) * 1_000;
  return {
    syncedAt: new Date(now.getTime() - 500),
    connected: i % 113 !== 0,
    balance,
    equity: balance * (0.97 + (i % 7) * 0.01),
    margin: 0,
    freeMargin: balance * 0.9,
    leverage: i % 2 ? 100 : 30,
    positions: [{ positionId: `p${i}`, symbol: i % 3 === 0 ? 'XAUUSD.m' : 'XAUUSD', direction: 'BUY', volume: 0.1, openPrice: 2300 }],
    orders: [],
  };
}

function signal(now: Date): OpenSignal {
  return {
    action: 'OPEN',
    signalId: randomUUID(),
    sourceId: 'src-bench',
    tenantId: 'tenant-bench',
    symbol: 'EURUSD',
    acceptedAt: now,
    direction: 'BUY',
    entry: 'MARKET',
    entryPrice: 1.085,
    stopLoss: 1.083,
    takeProfits: [1.09],
    volumeHint: 1,
    providerBalance: 50_000,
    providerCurrency: 'USD',
  };
}

function specsFor(config: AccountConfig) {
  const suffix = config.mapping.suffix ?? '';
  return new Map(DEFAULT_SYMBOL_SPECS.map((s) => [`${s.symbol}${suffix}`, { ...s, symbol: `${s.symbol}${suffix}` }]));
}

function domainBench(): ReturnType<typeof summary> & { cpu_p50_ms: number; cpu_p99_ms: number; approved: number; rejected: number } {
  const now = new Date();
  const views: AccountView[] = [];
  const reservations = new Map<string, Reservation[]>();
  for (let i = 0; i < ACCOUNTS; i++) {
    const config = accountConfig(i);
    const snap = accountSnapshot(i, now);
    views.push({
      config,
      subscription: { subscriptionId: `s${i}`, accountId: config.accountId, sourceId: 'src-bench', enabled: true, reverse: i % 11 === 0 },
      snapshot: snap,
      anchors: rollAnchors(undefined, { balance: snap.balance, equity: snap.balance }, now, 60),
      specs: specsFor(config),
    });
    if (i % 5 === 0) {
      reservations.set(config.accountId, [
        { intentId: `r${i}`, accountId: config.accountId, signalId: 'older', symbol: 'EURUSD', brokerSymbol: 'EURUSD', direction: 'BUY', volume: 0.2, marginInAccountCurrency: 200, riskMoney: 40, createdAt: now },
      ]);
    }
  }
  const state: RiskState = {
    tradingStates: ALL_ACTIVE,
    reservations,
    fleetExposure: new Map([['EURUSD', 100]]),
    fleetCaps: new Map([['EURUSD', 100_000]]),
    intents: new Map(),
    recentOrders: new Map(),
    rates: { EURUSD: 1.085, USDJPY: 150, XAUUSD: 2300 },
  };
  const options = { intentIdOf: (s: string, a: string) => intentId(s, a) };
  for (let w = 0; w < 30; w++) decide(signal(now), views, state, now, options);
  const samples: number[] = [];
  const cpu: number[] = [];
  let approved = 0;
  let rejected = 0;
  for (let r = 0; r < DOMAIN_RUNS; r++) {
    const sig = signal(now);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const batch = decide(sig, views, state, now, options);
    samples.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    if (r === 0) {
      approved = batch.decisions.filter((d) => d.outcome === 'APPROVED').length;
      rejected = batch.decisions.filter((d) => d.outcome === 'REJECTED').length;
    }
  }
  const cpuSummary = summary(cpu);
  return { ...summary(samples), cpu_p50_ms: cpuSummary.p50_ms, cpu_p99_ms: cpuSummary.p99_ms, approved, rejected };
}

async function databaseBench() {
  const fresh = await createFreshDatabase('risk_bench');
  const db = createDb<RiskDB>({ url: fresh.url, schema: 'risk', poolSize: 4 });
  try {
    await migrateService({ url: fresh.url, schema: 'risk', migrationsDir: path.join(__dirname, '..', 'migrations') });
    await seedDefaultSymbolSpecs(db);
    const now = new Date();
    const configs = Array.from({ length: ACCOUNTS }, (_, i) => accountConfig(i));
    await db
      .insertInto('accounts')
      .values(
        configs.map((c) => ({
          account_id: c.accountId,
          tenant_id: c.tenantId,
          owner_user_id: c.ownerUserId,
          platform: c.platform,
          currency: c.currency,
          bridge_kind: 'SIMULATOR' as const,
          base_url: 'http://127.0.0.1:9',
          enabled: c.enabled,
          auto_trading: c.autoTrading,
          sizing: JSON.stringify(c.sizing),
          limits: JSON.stringify(c.limits),
          symbol_mapping: JSON.stringify(c.mapping),
          filters: JSON.stringify(c.filters),
          config_version: 1,
        })),
      )
      .execute();
    await db
      .insertInto('subscriptions')
      .values(configs.map((c) => ({ subscription_id: randomUUID(), account_id: c.accountId, source_id: 'src-bench', enabled: true, sizing: 'null', reverse: false, filters: 'null' })))
      .execute();
    for (let i = 0; i < ACCOUNTS; i++) {
      const snap = accountSnapshot(i, now);
      await upsertSnapshot(db, configs[i]!.accountId, snap, rollAnchors(undefined, snap, now, 60));
    }
    const settings: DecisionSettings = {
      intentIdOf: (s, a) => intentId(s, a),
      fleetCaps: new Map([['EURUSD', 100_000]]),
      reservationTtlMs: 3_600_000,
      defaultSignalTtlMs: 3_600_000,
      defaultMaxSyncAgeMs: 3_600_000,
    };
    const publisher = new RecordingPublisher();
    const deps = { db, publisher, settings, clock: systemClock };
    for (let w = 0; w < 3; w++) await previewSignal(deps, signal(new Date()));
    const preview: number[] = [];
    for (let r = 0; r < DB_RUNS; r++) {
      const t0 = performance.now();
      await previewSignal(deps, signal(new Date()));
      preview.push(performance.now() - t0);
    }
    const full: number[] = [];
    let recorded = 0;
    for (let r = 0; r < DB_RUNS; r++) {
      const t0 = performance.now();
      const result = await decideSignal(deps, signal(new Date()));
      full.push(performance.now() - t0);
      recorded += result.recorded.length;
      // Steady state: the next syncs show the orders, releasing their reservations (else every run adds 1,000).
      await db.deleteFrom('reservations').execute();
    }
    return { preview: summary(preview), decideSignal: { ...summary(full), ledgerRowsPerSignal: recorded / DB_RUNS } };
  } finally {
    await db.destroy();
    await fresh.drop();
  }
}

async function main(): Promise<void> {
  const domain = domainBench();
  console.log(`domain decide(), ${ACCOUNTS} accounts: p50 ${domain.p50_ms} ms, p99 ${domain.p99_ms} ms, max ${domain.max_ms} ms; CPU time p50 ${domain.cpu_p50_ms} ms, p99 ${domain.cpu_p99_ms} ms (${domain.approved} approved, ${domain.rejected} rejected)`);
  if (process.env.RISK_BENCH_DOMAIN_ONLY) return;
  const database = await databaseBench();
  console.log(`previewSignal() on PostgreSQL (load + decide): p50 ${database.preview.p50_ms} ms, p99 ${database.preview.p99_ms} ms`);
  console.log(`decideSignal() on PostgreSQL (load + decide + ledger/intents/reservations, broker stubbed): p50 ${database.decideSignal.p50_ms} ms, p99 ${database.decideSignal.p99_ms} ms`);
  console.log(`ratio decideSignal p50 / domain p50: ${(database.decideSignal.p50_ms / domain.p50_ms).toFixed(1)}x`);
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: __dirname }).toString().trim();
  } catch {
    /* not a git checkout */
  }
  const result = {
    benchmark: 'risk-decide',
    accounts: ACCOUNTS,
    loadAverage1m: os.loadavg()[0],
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    commit,
    at: new Date().toISOString(),
    domainDecide: domain,
    previewOnPostgres: database.preview,
    decideSignalOnPostgres: database.decideSignal,
    ratioDecideSignalToDomainP50: Math.round((database.decideSignal.p50_ms / domain.p50_ms) * 10) / 10,
  };
  const out = path.resolve(__dirname, '..', '..', '..', 'bench', 'results', 'risk-decide.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
