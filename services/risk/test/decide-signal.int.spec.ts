/**
 * The decision use cases against a real PostgreSQL: migrations, the ledger, replay dedupe, the kill switch,
 * in-flight reservations and their release. Kafka is replaced by a recording publisher here; the Kafka path has
 * its own suite.
 */
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { intentId } from '@tradebridge/contracts';
import { createFreshDatabase, type FreshDatabase } from '@tradebridge/devstack';
import { createDb, ManualClock, migrateService } from '@tradebridge/persistence';
import type { RiskDB } from '../src/adapters/postgres/risk.table';
import { loadRates, loadSnapshots, queryDecisions } from '../src/adapters/postgres/state.repository';
import { createAccount, createSubscription, disableAccount } from '../src/application/accounts/manage-accounts';
import { decideSignal } from '../src/application/decide-signal/decide-signal';
import { previewSignal } from '../src/application/decide-signal/preview-signal';
import type { DecisionSettings } from '../src/application/ports';
import { seedDefaultSymbolSpecs } from '../src/application/seed';
import { applyAccountSync, applyAccountSyncs, applyExecutionReport } from '../src/application/sync/apply-sync';
import { setTradingState } from '../src/application/trading-state/set-trading-state';
import type { CloseSignal, OpenSignal } from '../src/domain';
import { accountInput, syncedSnapshot } from './app-fixtures';
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

beforeAll(async () => {
  fresh = await createFreshDatabase('risk_int');
  await migrateService({ url: fresh.url, schema: 'risk', migrationsDir: path.join(__dirname, '..', 'migrations') });
  db = createDb<RiskDB>({ url: fresh.url, schema: 'risk' });
  await seedDefaultSymbolSpecs(db);
});

afterAll(async () => {
  await db?.destroy();
  await fresh?.drop();
});

function openSignal(signalId: string, sourceId: string, clock: ManualClock, overrides: Partial<OpenSignal> = {}): OpenSignal {
  return {
    action: 'OPEN',
    signalId,
    sourceId,
    tenantId: 'tenant-1',
    symbol: 'EURUSD',
    acceptedAt: clock.now(),
    direction: 'BUY',
    entry: 'MARKET',
    entryPrice: 1.085,
    stopLoss: 1.083,
    takeProfits: [1.09],
    ...overrides,
  };
}

async function setup(sourceId: string, clock: ManualClock, freeMargin = 10_000) {
  const publisher = new RecordingPublisher();
  const deps = { db, publisher, clock, settings };
  const account = await createAccount(deps, accountInput());
  await createSubscription(deps, account.accountId, { sourceId, enabled: true, reverse: false });
  await applyAccountSync(db, account.accountId, syncedSnapshot(clock.now(), { freeMargin }), {});
  return { publisher, deps, account };
}

describe('risk decisions on PostgreSQL', () => {
  it('given fresh migrations, then the ledger exists with commented columns and a unique intent id', async () => {
    const comment = await sql<{ c: string | null }>`select col_description('risk.decisions'::regclass, 2) as c`.execute(db);
    expect(comment.rows[0]!.c).toMatch(/Deterministic order-intent id/);
  });

  it('given an account that follows the source, when a signal arrives, then it is approved, recorded and published once; a replay adds nothing', async () => {
    const clock = new ManualClock('2026-11-23T10:00:00Z');
    const { publisher, deps, account } = await setup('src-a', clock);
    expect(publisher.configs.at(-1)!.account.bridge.credentialsSecretRef).toBe('secret/acc');

    const signal = openSignal('sig-a1', 'src-a', clock);
    const first = await decideSignal(deps, signal);
    expect(first.recorded).toHaveLength(1);
    expect(publisher.decisions).toHaveLength(1);
    expect(publisher.decisions[0]).toMatchObject({ outcome: 'APPROVED', intent_id: intentId('sig-a1', account.accountId), volume: '0.5' });

    const replay = await decideSignal(deps, signal);
    expect(replay.batch.decisions[0]!.outcome).toBe('DUPLICATE');
    expect(replay.recorded).toHaveLength(0);
    expect(publisher.decisions).toHaveLength(1);

    const ledger = await queryDecisions(db, { signalId: 'sig-a1', limit: 10 });
    expect(ledger).toHaveLength(1);
    expect(ledger[0]!.sizing).toMatchObject({ mode: 'RISK_PERCENT', volume: 0.5, realRiskPercent: 1 });
    expect(ledger[0]!.published_at).not.toBeNull();
  });

  it('given the broker fails after the commit, when the signal is redelivered, then the stored decision is published then, once', async () => {
    const clock = new ManualClock('2026-11-23T10:00:00Z');
    const { publisher, deps } = await setup('src-b', clock);
    publisher.failNext = true;
    await expect(decideSignal(deps, openSignal('sig-b1', 'src-b', clock))).rejects.toThrow(/broker unavailable/);
    expect(publisher.decisions).toHaveLength(0);
    const redelivery = await decideSignal(deps, openSignal('sig-b1', 'src-b', clock));
    expect(redelivery.published).toBe(1);
    expect(publisher.decisions).toHaveLength(1);
    await decideSignal(deps, openSignal('sig-b1', 'src-b', clock));
    expect(publisher.decisions).toHaveLength(1);
  });

  it('given two signals in the same second and margin for one, then the second is rejected for margin already in flight', async () => {
    const clock = new ManualClock('2026-11-23T10:00:00Z');
    // 0.5 lots EURUSD at 1:100 = 500 EUR = 542.50 USD (at the order's own price 1.085).
    const { deps } = await setup('src-c', clock, 1_000);
    const a = await decideSignal(deps, openSignal('sig-c1', 'src-c', clock));
    const b = await decideSignal(deps, openSignal('sig-c2', 'src-c', clock));
    expect(a.batch.decisions[0]!.outcome).toBe('APPROVED');
    expect(b.batch.decisions[0]).toMatchObject({ outcome: 'REJECTED', reason: 'RISK_INSUFFICIENT_MARGIN' });
  });

  it('given syncs of several accounts stored together, then each account ends as if they were stored one by one', async () => {
    const clock = new ManualClock('2026-11-23T10:00:00Z');
    const { deps, account: a } = await setup('src-batch-a', clock, 1_000);
    const { account: b } = await setup('src-batch-b', clock, 1_000);
    const { account: c } = await setup('src-batch-c', clock, 1_000);
    const decided = await decideSignal(deps, openSignal('sig-batch', 'src-batch-a', clock));
    const id = decided.batch.decisions[0]!.intentId;
    expect(await db.selectFrom('reservations').select('intent_id').where('intent_id', '=', id).execute()).toHaveLength(1);
    const t0 = clock.now().getTime();
    const at = (ms: number) => new Date(t0 + ms);
    const held = { positionId: 'pb-1', symbol: 'EURUSD', direction: 'BUY' as const, volume: 0.5, openPrice: 1.085, intentId: id };

    await applyAccountSyncs(db, [
      // a: equity peaks in the first sync, which also shows the reserved position; the second has it closed already.
      { accountId: a.accountId, snapshot: syncedSnapshot(at(1_000), { equity: 12_000, positions: [held] }), rates: { EURUSD: 1.08 } },
      { accountId: b.accountId, snapshot: syncedSnapshot(at(1_000), { balance: 7_000, equity: 7_000 }), rates: { GBPUSD: 1.26 } },
      { accountId: a.accountId, snapshot: syncedSnapshot(at(2_000), { equity: 9_500 }), rates: { EURUSD: 1.09 } },
      // c: older than what is stored (setup synced it at t0 - 0): ignored.
      { accountId: c.accountId, snapshot: syncedSnapshot(at(-5_000), { balance: 1, equity: 1 }), rates: { EURUSD: 2 } },
    ]);

    const stored = await loadSnapshots(db, [a.accountId, b.accountId, c.accountId]);
    expect(stored.get(a.accountId)).toMatchObject({ snapshot: { syncedAt: at(2_000), equity: 9_500, positions: [] }, anchors: { peakEquity: 12_000, initialBalance: 10_000 } });
    expect(stored.get(b.accountId)).toMatchObject({ snapshot: { syncedAt: at(1_000), balance: 7_000 }, anchors: { peakBalance: 10_000 } });
    expect(stored.get(c.accountId)).toMatchObject({ snapshot: { syncedAt: at(0), balance: 10_000 } });
    // The first sync showed the reserved position: released, although the newest sync no longer lists it.
    expect(await db.selectFrom('reservations').selectAll().where('intent_id', '=', id).execute()).toEqual([]);
    expect(await loadRates(db)).toMatchObject({ EURUSD: 1.09, GBPUSD: 1.26 });
  });

  it('given execution placed the order and a later sync shows it, then the reservation is released and the margin is free again', async () => {
    const clock = new ManualClock('2026-11-23T10:00:00Z');
    const { deps, account } = await setup('src-d', clock, 1_000);
    const a = await decideSignal(deps, openSignal('sig-d1', 'src-d', clock));
    const id = a.batch.decisions[0]!.intentId;
    clock.advance(200);
    await applyExecutionReport(db, { intentId: id, accountId: account.accountId, outcome: 'PLACED', position: { positionId: 'p-1', volume: 0.5, openPrice: 1.085 }, at: clock.now() });
    clock.advance(800);
    // The terminal now holds the position and its margin: free margin 1,000 + new deposit so another order fits.
    await applyAccountSync(db, account.accountId, syncedSnapshot(clock.now(), {
      balance: 20_000,
      equity: 20_000,
      margin: 542.5,
      freeMargin: 1_100,
      positions: [{ positionId: 'p-1', symbol: 'EURUSD', direction: 'BUY', volume: 0.5, openPrice: 1.085, intentId: id }],
    }), {});
    expect(await db.selectFrom('reservations').selectAll().where('intent_id', '=', id).execute()).toEqual([]);
    const b = await decideSignal(deps, openSignal('sig-d2', 'src-d', clock, { stopLoss: 1.081 }));
    // 1% of 20,000 = 200 USD over 400 ticks = 0.5 lots; 542.50 <= 1,100 free with nothing in flight.
    expect(b.batch.decisions[0]).toMatchObject({ outcome: 'APPROVED' });

    // A close of the first signal targets exactly p-1.
    const close: CloseSignal = { action: 'CLOSE', signalId: 'sig-d3', sourceId: 'src-d', tenantId: 'tenant-1', symbol: 'EURUSD', acceptedAt: clock.now(), referencedSignalId: 'sig-d1', fraction: 1 };
    const c = await decideSignal(deps, close);
    expect(c.batch.decisions[0]).toMatchObject({ outcome: 'APPROVED', intent: { kind: 'CLOSE', positions: [{ positionId: 'p-1', volume: 0.5, full: true }] } });
  });

  it('given the kill switch, then HALTED rejects everything and REDUCING lets only closes pass', async () => {
    const clock = new ManualClock('2026-11-23T10:00:00Z');
    const { deps, account, publisher } = await setup('src-e', clock);
    await decideSignal(deps, openSignal('sig-e1', 'src-e', clock));

    const halt = await setTradingState(deps, { scope: 'SOURCE', scopeId: 'src-e', state: 'HALTED', reason: 'provider misbehaving', setBy: 'OPERATOR' });
    expect(halt).toMatchObject({ from: 'ACTIVE', to: 'HALTED' });
    expect(publisher.stateChanges).toHaveLength(1);
    const halted = await decideSignal(deps, openSignal('sig-e2', 'src-e', clock));
    expect(halted.batch.decisions[0]).toMatchObject({ outcome: 'REJECTED', reason: 'RISK_TRADING_HALTED' });

    await setTradingState(deps, { scope: 'SOURCE', scopeId: 'src-e', state: 'REDUCING', reason: 'wind down', setBy: 'OPERATOR' });
    const open = await decideSignal(deps, openSignal('sig-e3', 'src-e', clock));
    expect(open.batch.decisions[0]).toMatchObject({ outcome: 'REJECTED', reason: 'RISK_REDUCING_ONLY' });
    const close: CloseSignal = { action: 'CLOSE', signalId: 'sig-e4', sourceId: 'src-e', tenantId: 'tenant-1', symbol: 'EURUSD', acceptedAt: clock.now(), referencedSignalId: 'sig-e1', fraction: 1 };
    const closed = await decideSignal(deps, close);
    expect(closed.batch.decisions[0]).toMatchObject({ outcome: 'APPROVED', intent: { kind: 'CLOSE', awaitingOpen: true } });

    await disableAccount(deps, account.accountId);
    const disabled = await decideSignal(deps, openSignal('sig-e5', 'src-e', clock));
    expect(disabled.batch.decisions[0]).toMatchObject({ outcome: 'REJECTED', reason: 'RISK_ACCOUNT_DISABLED' });
    expect((disabled.batch.decisions[0] as { failures: { reason: string }[] }).failures.map((f) => f.reason)).toEqual(
      expect.arrayContaining(['RISK_ACCOUNT_DISABLED', 'RISK_AUTO_TRADING_DISABLED', 'RISK_REDUCING_ONLY']),
    );
  });

  it('given a preview, then it reports the decision without recording anything', async () => {
    const clock = new ManualClock('2026-11-23T10:00:00Z');
    const { deps } = await setup('src-f', clock);
    const batch = await previewSignal(deps, openSignal('sig-f1', 'src-f', clock, { symbol: 'XAUUSD', entryPrice: 2350, stopLoss: 2340, takeProfits: [2370] }));
    // 1% of 10,000 = 100 USD over 1,000 ticks * 1 USD = 0.10 lots; margin 0.1 * 100 * 2,350 / 100 = 235 USD.
    expect(batch.decisions[0]).toMatchObject({ outcome: 'APPROVED', intent: { volume: 0.1, margin: { marginInAccountCurrency: 235 } } });
    expect(await queryDecisions(db, { signalId: 'sig-f1', limit: 10 })).toEqual([]);
  });

  it('given a fleet cap of 1.2 lots of GBPUSD and 0.3 already synced, then of two 0.5-lot approvals the second hits the cap', async () => {
    const clock = new ManualClock('2026-11-23T10:00:00Z');
    const publisher = new RecordingPublisher();
    const deps = { db, publisher, clock, settings: { ...settings, fleetCaps: new Map([['GBPUSD', 1.2]]) } };
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const account = await createAccount(deps, accountInput());
      await createSubscription(deps, account.accountId, { sourceId: 'src-g', enabled: true, reverse: false });
      await applyAccountSync(db, account.accountId, syncedSnapshot(clock.now(), i === 0 ? { positions: [{ positionId: 'g-1', symbol: 'GBPUSD', direction: 'SELL', volume: 0.3, openPrice: 1.27 }] } : {}), {});
      ids.push(account.accountId);
    }
    // 1% of 10,000 = 100 USD over 200 ticks * 1 USD = 0.50 lots each; 0.3 + 0.5 = 0.8 <= 1.2; 0.8 + 0.5 = 1.3 > 1.2.
    const r = await decideSignal(deps, openSignal('sig-g1', 'src-g', clock, { symbol: 'GBPUSD', entryPrice: 1.27, stopLoss: 1.268, takeProfits: [1.275] }));
    const outcomes = [...r.batch.decisions].sort((a, b) => ids.indexOf(a.accountId) - ids.indexOf(b.accountId)).map((d) => ('reason' in d ? d.reason : d.outcome));
    expect(outcomes.filter((o) => o === 'APPROVED')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'RISK_FLEET_EXPOSURE_CAP')).toHaveLength(1);
  });
});
