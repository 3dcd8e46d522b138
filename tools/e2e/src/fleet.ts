/**
 * Demo and test data, created through the platform's public APIs only: broker accounts on the simulator (its admin
 * API), a signal source (the signal service's admin API), trading accounts and subscriptions (the risk service's HTTP
 * API). Plus the small HTTP clients the demo and the suites use.
 */
import { Kafka, logLevel } from 'kafkajs';
import { SimAdminClient, type AccountInput } from '@tradebridge/mt-sim';
import { SIGNAL_ADMIN_TOKEN, sleep, type Platform } from './platform';

/** A broker account on the simulator and its Tradebridge account. */
export interface FleetAccount {
  readonly simId: string;
  readonly accountId: string;
  readonly platform: 'MT4' | 'MT5';
  readonly marginMode: 'hedging' | 'netting';
  readonly currency: string;
  readonly balance: number;
  readonly token: string;
}

export interface SignalSource {
  readonly sourceId: string;
  readonly apiKey: string;
}

/** An HTTP answer with its JSON body. */
export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function http<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const res = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

function expectStatus(answer: Answer, wanted: number[], what: string): void {
  if (!wanted.includes(answer.status)) throw new Error(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
}

/** The demo mixture: i % 4 = 2 MT5 netting, 3 MT4, else MT5 hedging; every third account in EUR. */
export function accountMix(count: number, prefix = 'demo'): Array<AccountInput & { id: string; token: string }> {
  return Array.from({ length: count }, (_, i) => {
    const kind = i % 4;
    const platform = kind === 3 ? 'mt4' : 'mt5';
    return {
      id: `${prefix}-${String(i + 1).padStart(3, '0')}`,
      platform,
      marginMode: kind === 2 ? 'netting' : 'hedging',
      currency: i % 3 === 2 ? 'EUR' : 'USD',
      balance: 10_000 + ((i * 7_919) % 90) * 1_000,
      leverage: [100, 200, 500][i % 3]!,
      token: `tok-${prefix}-${i + 1}-${Math.random().toString(36).slice(2, 10)}`,
    } as AccountInput & { id: string; token: string };
  });
}

export interface FleetOptions {
  count: number;
  prefix?: string;
  tenantId?: string;
  sourceName?: string;
  /** Lots per order (FIXED_LOTS sizing); default 0.1. */
  lots?: number;
  /** Extra limits of every account (risk API `limits`). */
  limits?: Record<string, unknown>;
  /** Extra fields of the risk API account body of the account at `index` (e.g. filters). */
  accountOverrides?: (index: number) => Record<string, unknown>;
  /** Broker latency fault on every account, ms. */
  brokerLatencyMs?: number;
  log?: (line: string) => void;
}

/** Everything created for a run. */
export interface Fleet {
  readonly source: SignalSource;
  readonly accounts: FleetAccount[];
  readonly sim: SimAdminClient;
}

/**
 * Creates `count` simulator accounts, a signal source, the Tradebridge accounts with their subscriptions, and waits
 * until sync has synchronised every account and risk and execution have read their configuration and snapshots.
 */
export async function createFleet(platform: Platform, options: FleetOptions): Promise<Fleet> {
  const log = options.log ?? (() => undefined);
  const prefix = options.prefix ?? 'demo';
  const sim = new SimAdminClient(platform.url('sim'));
  const specs = accountMix(options.count, prefix);
  log(`simulator: creating ${specs.length} broker accounts (MT5 hedging/netting, MT4; USD/EUR) through ${platform.url('sim')}/admin/accounts`);
  for (let i = 0; i < specs.length; i += 200) await sim.createAccounts(specs.slice(i, i + 200));
  if (options.brokerLatencyMs) await sim.injectFaultEverywhere({ kind: 'latency', ms: options.brokerLatencyMs }, specs.map((s) => s.id));
  for (const s of specs) platform.writeSecret(`sim/${s.id}`, s.token);

  const source = await createSource(platform, options.sourceName ?? `${prefix}-source-${Date.now().toString(36)}`);
  log(`signal: source ${source.sourceId} created through POST /v1/admin/sources (API key kept in memory only)`);

  await putFxRates(platform, sim);
  const tenantId = options.tenantId ?? 'demo-tenant';
  log(`risk: creating ${specs.length} trading accounts and subscriptions through ${platform.url('risk')}/v1/accounts`);
  const accounts: FleetAccount[] = [];
  const queue = specs.map((s, index) => ({ ...s, index }));
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        const created = await http('POST', `${platform.url('risk')}/v1/accounts`, {
          tenantId,
          ownerUserId: `${prefix}-owner`,
          displayName: `${s.id} (${s.platform?.toUpperCase()} ${s.marginMode} ${s.currency})`,
          platform: s.platform === 'mt4' ? 'MT4' : 'MT5',
          currency: s.currency,
          brokerLogin: s.id,
          brokerServer: 'mt-sim',
          bridge: { kind: 'SIMULATOR', metaapiAccountId: s.id, baseUrl: platform.url('sim'), credentialsSecretRef: `sim/${s.id}` },
          autoTrading: true,
          sizing: { mode: 'FIXED_LOTS', lots: options.lots ?? 0.1 },
          limits: options.limits ?? {},
          ...options.accountOverrides?.(s.index),
        });
        expectStatus(created, [201], `POST /v1/accounts for ${s.id}`);
        const accountId = created.body.accountId as string;
        expectStatus(await http('POST', `${platform.url('risk')}/v1/accounts/${accountId}/subscriptions`, { sourceId: source.sourceId }), [201], `subscription of ${s.id}`);
        accounts.push({
          simId: s.id,
          accountId,
          platform: s.platform === 'mt4' ? 'MT4' : 'MT5',
          marginMode: (s.marginMode ?? 'hedging') as 'hedging' | 'netting',
          currency: s.currency ?? 'USD',
          balance: s.balance ?? 10_000,
          token: s.token,
        });
      }
    }),
  );
  accounts.sort((a, b) => a.simId.localeCompare(b.simId));
  return { source, accounts, sim };
}

/** Creates a signal source through the signal service's admin API. */
export async function createSource(platform: Platform, name: string, allowedSymbols: string[] = ['*']): Promise<SignalSource> {
  const created = await http('POST', `${platform.url('signal')}/v1/admin/sources`, { name, allowedSymbols, rateLimitPerMinute: 100_000 }, { authorization: `Bearer ${SIGNAL_ADMIN_TOKEN}` });
  expectStatus(created, [201], 'POST /v1/admin/sources');
  return { sourceId: created.body.sourceId, apiKey: created.body.apiKey };
}

/** Publishes the simulator's current mid prices as the risk service's conversion rates (PUT /v1/fx-rates). */
export async function putFxRates(platform: Platform, sim: SimAdminClient): Promise<void> {
  const market = await sim.market();
  const rates: Record<string, number> = {};
  for (const s of market.symbols) if (/^[A-Z]{6}$/.test(s.symbol)) rates[s.symbol] = (s.bid + s.ask) / 2;
  expectStatus(await http('PUT', `${platform.url('risk')}/v1/fx-rates`, rates), [200], 'PUT /v1/fx-rates');
}

/** Posts a signal as a source (POST /v1/signals). */
export function postSignal(platform: Platform, source: SignalSource, body: Record<string, unknown>): Promise<Answer> {
  return http('POST', `${platform.url('signal')}/v1/signals`, body, { authorization: `Bearer ${source.apiKey}` });
}

/** A market open signal with stop loss and take profit around the simulator's current EURUSD quote. */
export async function marketOpen(sim: SimAdminClient, externalId: string, extra: Record<string, unknown> = {}, symbol = 'EURUSD'): Promise<Record<string, unknown>> {
  const q = (await sim.market()).symbols.find((s) => s.symbol === symbol)!;
  const pip = symbol.includes('JPY') ? 0.01 : 0.0001;
  const round = (v: number) => Number(v.toFixed(symbol.includes('JPY') ? 3 : 5));
  return {
    action: 'open',
    externalId,
    symbol,
    direction: 'buy',
    stopLoss: round(q.bid - 80 * pip),
    takeProfits: [round(q.ask + 160 * pip)],
    referencePrice: round(q.ask),
    sourceTimestamp: new Date().toISOString(),
    maxSlippagePoints: 50,
    ...extra,
  };
}

/**
 * Waits until the consumer group has committed every message currently on `topics` (its lag is zero), e.g. risk on
 * account.synced before a signal is sent, so sizing sees fresh equity.
 */
export async function waitGroupCaughtUp(platform: Platform, group: string, logicalTopics: string[], timeoutMs = 120_000): Promise<void> {
  const kafka = new Kafka({ brokers: platform.infra.kafkaBrokers, clientId: 'tradebridge-e2e-lag', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const targets = new Map<string, Map<number, bigint>>();
    for (const t of logicalTopics) {
      const topic = platform.topic(t);
      targets.set(topic, new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)])));
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let behind = 0n;
      for (const [topic, ends] of targets) {
        const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        for (const [partition, high] of ends) {
          const c = committed?.partitions.find((p) => p.partition === partition);
          const done = c ? BigInt(c.offset) : -1n;
          const at = done < 0n ? 0n : done;
          if (at < high) behind += high - at;
        }
      }
      if (behind === 0n) return;
      if (Date.now() > deadline) throw new Error(`consumer group ${group} is still ${behind} messages behind on ${logicalTopics.join(', ')} after ${timeoutMs / 1000} s`);
      await sleep(200);
    }
  } finally {
    await admin.disconnect();
  }
}

/** Polls `condition` until it returns a truthy value or the deadline passes (then throws naming `what`). */
export async function until<T>(condition: () => Promise<T | undefined | null | false> | T | undefined | null | false, what: string, timeoutMs = 60_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await condition();
      if (v) return v as T;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await sleep(intervalMs);
  }
}
