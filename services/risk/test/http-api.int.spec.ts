/**
 * The HTTP API over a real PostgreSQL (Kafka replaced by a recording publisher): validation with field-level
 * problem+json, credentials never returned, subscriptions, the kill switch, the preview and the decision ledger.
 */
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Kysely } from 'kysely';
import { intentId } from '@tradebridge/contracts';
import { createFreshDatabase, type FreshDatabase } from '@tradebridge/devstack';
import { createLogger, createMetricsRegistry, ReadinessChecks } from '@tradebridge/observability';
import { createDb, ManualClock, migrateService } from '@tradebridge/persistence';
import type { RiskDB } from '../src/adapters/postgres/risk.table';
import type { DecisionSettings } from '../src/application/ports';
import { seedDefaultSymbolSpecs } from '../src/application/seed';
import { applyAccountSync } from '../src/application/sync/apply-sync';
import { createRiskHttpApp } from '../src/transport/http/risk-http.module';
import { syncedSnapshot } from './app-fixtures';
import { RecordingPublisher } from './stub-publisher';

const settings: DecisionSettings = {
  intentIdOf: (s, a) => intentId(s, a),
  fleetCaps: new Map(),
  reservationTtlMs: 120_000,
  defaultSignalTtlMs: 30_000,
  defaultMaxSyncAgeMs: 10_000,
};

let fresh: FreshDatabase;
let db: Kysely<RiskDB>;
let app: NestFastifyApplication;
const publisher = new RecordingPublisher();
const clock = new ManualClock('2026-11-23T10:00:00Z');

async function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  const res = await app.getHttpAdapter().getInstance().inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, type: String(res.headers['content-type'] ?? ''), body: res.body, json: res.body ? JSON.parse(res.body) : undefined };
}

const validAccount = {
  tenantId: 't-http',
  ownerUserId: 'u-http',
  platform: 'MT5',
  currency: 'USD',
  bridge: { kind: 'METAAPI', metaapiAccountId: 'ma-1', region: 'london', credentialsSecretRef: 'vault/metaapi/token-1' },
  autoTrading: true,
  sizing: { mode: 'RISK_PERCENT', percent: 1 },
  mapping: { suffix: '.m' },
};

beforeAll(async () => {
  fresh = await createFreshDatabase('risk_http');
  await migrateService({ url: fresh.url, schema: 'risk', migrationsDir: path.join(__dirname, '..', 'migrations') });
  db = createDb<RiskDB>({ url: fresh.url, schema: 'risk' });
  await seedDefaultSymbolSpecs(db);
  app = await createRiskHttpApp(
    { db, publisher, clock, settings },
    { logger: createLogger({ serviceName: 'risk', level: 'silent' }), registry: createMetricsRegistry({ serviceName: 'risk', defaultMetrics: false }), readiness: new ReadinessChecks(), reportError: () => undefined },
  );
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
});

afterAll(async () => {
  await app?.close();
  await db?.destroy();
  await fresh?.drop();
});

describe('risk HTTP API', () => {
  it('given an invalid account, then 400 problem+json naming every bad field', async () => {
    const res = await call('POST', '/v1/accounts', {
      ...validAccount,
      currency: 'usd',
      platform: 'MT6',
      sizing: { mode: 'RISK_PERCENT', percent: 0 },
      bridge: { kind: 'METAAPI', credentialsSecretRef: 'pa ss word!' },
      extra: 1,
    });
    expect(res.status).toBe(400);
    expect(res.type).toContain('application/problem+json');
    const fields = res.json.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['currency', 'platform', 'sizing.percent', 'bridge.credentialsSecretRef', 'bridge.metaapiAccountId', '(body)']));
  });

  it('given a valid account, then 201, published on account.config, and the secret reference never in the answer', async () => {
    const res = await call('POST', '/v1/accounts', validAccount);
    expect(res.status).toBe(201);
    expect(res.body).not.toContain('vault/metaapi/token-1');
    expect(res.json.bridge).toMatchObject({ kind: 'METAAPI', credentialsConfigured: true });
    expect(publisher.configs.at(-1)!.account.accountId).toBe(res.json.accountId);
    const list = await call('GET', '/v1/accounts?tenantId=t-http');
    expect(list.json.accounts).toHaveLength(1);
    expect(list.body).not.toContain('vault/metaapi/token-1');
  });

  it('given an unknown or malformed account id, then 404 or 400', async () => {
    expect((await call('GET', '/v1/accounts/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const bad = await call('GET', '/v1/accounts/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].field).toBe('accountId');
  });

  it('given a subscription, a sync and a signal to preview, then per account the volume, margin, real vs intended risk; nothing recorded', async () => {
    const account = (await call('GET', '/v1/accounts?tenantId=t-http')).json.accounts[0];
    expect((await call('POST', `/v1/accounts/${account.accountId}/subscriptions`, { sourceId: 'src-http' })).status).toBe(201);
    expect((await call('POST', `/v1/accounts/${account.accountId}/subscriptions`, { sourceId: 'src-http' })).status).toBe(409);
    // The broker names it EURUSD.m: give that account its own spec (same as EURUSD).
    expect(
      (
        await call('PUT', '/v1/symbol-specs', {
          accountId: account.accountId,
          symbol: 'EURUSD.m',
          baseCurrency: 'EUR',
          profitCurrency: 'USD',
          marginCurrency: 'EUR',
          contractSize: 100000,
          tickSize: 0.00001,
          digits: 5,
          volumeMin: 0.01,
          volumeMax: 100,
          volumeStep: 0.01,
          calcMode: 'FOREX',
        })
      ).status,
    ).toBe(200);
    await applyAccountSync(db, account.accountId, syncedSnapshot(clock.now()), {});

    const preview = await call('POST', '/v1/preview', {
      action: 'OPEN',
      sourceId: 'src-http',
      tenantId: 't-http',
      symbol: 'EURUSD',
      direction: 'BUY',
      entryPrice: 1.085,
      stopLoss: 1.0823,
      takeProfits: [1.09],
    });
    expect(preview.status).toBe(200);
    // 1% of 10,000 = 100 USD over 270 ticks * 1 USD = 0.37037 -> 0.37 lots; real risk 99.90 USD = 0.999%.
    expect(preview.json.accounts[0]).toMatchObject({
      outcome: 'APPROVED',
      brokerSymbol: 'EURUSD.m',
      volume: 0.37,
      intendedRiskPercent: 1,
      realRiskPercent: 0.999,
      margin: { calcMode: 'FOREX' },
    });
    expect((await call('GET', '/v1/decisions?signalId=preview')).json.decisions).toEqual([]);

    const invalid = await call('POST', '/v1/preview', { action: 'OPEN', sourceId: 'src-http', tenantId: 't-http', symbol: 'EURUSD', direction: 'UP', stopLoss: -1 });
    expect(invalid.status).toBe(400);
    expect(invalid.json.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['direction', 'stopLoss']));
  });

  it('given the account kill switch, then the preview shows which check blocks, and the state is listed', async () => {
    const account = (await call('GET', '/v1/accounts?tenantId=t-http')).json.accounts[0];
    const set = await call('PUT', `/v1/trading-states/accounts/${account.accountId}`, { state: 'HALTED', reason: 'margin call' });
    expect(set.json).toMatchObject({ changed: true, from: 'ACTIVE', state: 'HALTED' });
    expect(publisher.stateChanges.at(-1)).toMatchObject({ scope: 'ACCOUNT', to: 'HALTED' });
    const preview = await call('POST', '/v1/preview', { action: 'OPEN', sourceId: 'src-http', tenantId: 't-http', symbol: 'EURUSD', direction: 'BUY', entryPrice: 1.085, stopLoss: 1.083 });
    expect(preview.json.accounts[0]).toMatchObject({ outcome: 'REJECTED', reason: 'RISK_TRADING_HALTED', volume: 0.5 });
    expect(preview.json.accounts[0].blockedBy[0].detail).toMatch(/margin call/);
    const states = await call('GET', '/v1/trading-states');
    expect(states.json.accounts).toEqual([expect.objectContaining({ scopeId: account.accountId, state: 'HALTED', setBy: 'OPERATOR' })]);
    expect(states.json.fleet.state).toBe('ACTIVE');
    expect((await call('PUT', '/v1/trading-states/fleet', { state: 'PAUSED', reason: '' })).status).toBe(400);
  });

  it('given decisions queried without a filter, then 400 naming the field', async () => {
    const res = await call('GET', '/v1/decisions');
    expect(res.status).toBe(400);
    expect(res.json.errors[0].field).toBe('signalId');
  });

  it('given an account disabled, then it stays listed with auto-trading off', async () => {
    const account = (await call('GET', '/v1/accounts?tenantId=t-http')).json.accounts[0];
    const res = await call('POST', `/v1/accounts/${account.accountId}/disable`);
    expect(res.json).toMatchObject({ enabled: false, autoTrading: false, configVersion: account.configVersion + 1 });
  });
});
