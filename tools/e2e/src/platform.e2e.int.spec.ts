/**
 * End to end: the five services and the simulator as separate processes on real Kafka, registry and PostgreSQL,
 * driven only through public APIs (signal, risk and audit HTTP; the simulator's MetaApi and admin APIs) and the
 * platform's topics. Every wait polls with a deadline; nothing asserts on time.
 */
import { Client } from 'pg';
import type { OrderPlaced } from '@tradebridge/contracts';
import { http, marketOpen, postSignal, until, type FleetAccount } from './fleet';
import { startE2E, type E2E } from './harness';
import { executedByClientId, historyOrdersOf, ordersOf, positionsOf } from './terminal';

jest.setTimeout(600_000);

const ACCOUNTS = 8;
/** Account 1 blocks GBPUSD (a risk rejection); account 0 is the one whose terminal refuses trading in the last case. */
const BLOCKS_GBPUSD = 1;
const FAILING = 0;

let e2e: E2E;
let n = 0;
const ext = (what: string) => `${what}-${Date.now()}-${++n}`;

beforeAll(async () => {
  e2e = await startE2E({
    name: 'flow',
    accounts: ACCOUNTS,
    fleet: { accountOverrides: (i) => (i === BLOCKS_GBPUSD ? { filters: { blockedSymbols: ['GBPUSD'] } } : {}) },
  });
});

afterAll(async () => {
  await e2e?.close();
});

const sim = () => e2e.fleet.sim;
const simUrl = () => e2e.platform.url('sim');
const accounts = () => e2e.fleet.accounts;

async function send(body: Record<string, unknown>): Promise<string> {
  const res = await postSignal(e2e.platform, e2e.fleet.source, body);
  if (res.status !== 201) throw new Error(`signal refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.signalId as string;
}

/** Waits until every account has an outcome (placed, broker-rejected or risk-rejected) for the signal. */
async function outcomes(signalId: string, kind: 'placed' | 'any' = 'any'): Promise<{ placed: OrderPlaced[]; execRejected: string[]; riskRejected: string[] }> {
  const o = e2e.observer;
  await until(
    () =>
      accounts().every(
        (a) =>
          o.placed(signalId).some((e) => e.accountId === a.accountId) ||
          (kind === 'any' && (o.execRejected(signalId).some((e) => e.accountId === a.accountId) || o.riskRejected(signalId).some((e) => e.accountId === a.accountId))),
      ),
    `an outcome of signal ${signalId} on every account`,
    180_000,
  );
  return {
    placed: o.placed(signalId),
    execRejected: o.execRejected(signalId).map((e) => e.accountId),
    riskRejected: o.riskRejected(signalId).map((e) => e.accountId),
  };
}

/** Waits until `check` holds on every account's terminal. */
async function onEveryTerminal(what: string, check: (a: FleetAccount) => Promise<boolean>, list = accounts()): Promise<void> {
  await until(async () => (await Promise.all(list.map(check))).every(Boolean), what, 120_000, 500);
}

const volumeOf = async (a: FleetAccount, symbol: string, clientIds?: Set<string>) =>
  (await positionsOf(simUrl(), a)).filter((p) => p.symbol === symbol && (!clientIds || clientIds.has(p.clientId ?? ''))).reduce((s, p) => s + p.volume, 0);

describe('the platform end to end', () => {
  it('opens, modifies, partially closes and closes a position on every account, each trade exactly once', async () => {
    const open = await marketOpen(sim(), ext('open'));
    const openId = await send(open);
    const { placed } = await outcomes(openId, 'placed');
    expect(new Set(placed.map((p) => p.accountId)).size).toBe(ACCOUNTS);
    const positionOf = new Map(placed.map((p) => [p.accountId, p]));
    await onEveryTerminal('the new position on every terminal', async (a) => (await positionsOf(simUrl(), a)).some((p) => p.clientId === positionOf.get(a.accountId)!.clientId));

    const sl = Number(((open.stopLoss as number) + 0.002).toFixed(5));
    const tp = Number(((open.takeProfits as number[])[0]! - 0.002).toFixed(5));
    await send({ action: 'modify', externalId: ext('modify'), refSignalId: openId, stopLoss: sl, takeProfits: [tp] });
    await onEveryTerminal('the new stop loss and take profit on every terminal', async (a) =>
      (await positionsOf(simUrl(), a)).some((p) => p.symbol === 'EURUSD' && p.stopLoss === sl && p.takeProfit === tp),
    );

    const clientIds = new Set(placed.map((p) => p.clientId));
    await send({ action: 'close', externalId: ext('partial'), refSignalId: openId, fraction: 0.5 });
    // MT4 reopens the rest under a new ticket commented "from #<ticket>", so the check is the symbol's volume.
    await onEveryTerminal('half the volume left on every terminal', async (a) => Math.abs((await volumeOf(a, 'EURUSD')) - 0.05) < 1e-9);

    await send({ action: 'close', externalId: ext('close'), refSignalId: openId });
    await onEveryTerminal('no EURUSD position left', async (a) => (await volumeOf(a, 'EURUSD')) === 0);
    expect(clientIds.size).toBe(ACCOUNTS);

    const executed = await executedByClientId(sim(), accounts().map((a) => a.simId));
    const duplicates = [...executed.values()].filter((c) => c > 1).length;
    expect(duplicates).toBe(0);
    // open + modify + partial close + close on every account
    expect([...executed.values()].reduce((s, c) => s + c, 0)).toBe(ACCOUNTS * 4);
  });

  it('places a pending order that the market triggers, and one that expires', async () => {
    const q = (await sim().market()).symbols.find((s) => s.symbol === 'EURUSD')!;
    const entry = Number((q.ask - 0.003).toFixed(5));
    const triggeredId = await send({
      action: 'open', externalId: ext('limit'), symbol: 'EURUSD', direction: 'buy', orderType: 'limit',
      entryPrice: entry, stopLoss: Number((entry - 0.005).toFixed(5)), takeProfits: [Number((entry + 0.01).toFixed(5))], ttlSeconds: 3_600,
    });
    const { placed } = await outcomes(triggeredId, 'placed');
    expect(placed.every((p) => p.status === 'PLACEMENT_STATUS_PENDING_PLACED')).toBe(true);
    const tickets = new Map(placed.map((p) => [p.accountId, p.brokerOrderId]));
    await onEveryTerminal('the pending order on every terminal', async (a) => (await ordersOf(simUrl(), a)).some((o) => o.id === tickets.get(a.accountId)));

    await sim().setPrice('EURUSD', Number((entry - 0.0005).toFixed(5)));
    await onEveryTerminal('the order triggered into a position', async (a) =>
      !(await ordersOf(simUrl(), a)).some((o) => o.id === tickets.get(a.accountId)) && (await positionsOf(simUrl(), a)).some((p) => p.symbol === 'EURUSD'),
    );

    const q2 = (await sim().market()).symbols.find((s) => s.symbol === 'EURUSD')!;
    const far = Number((q2.ask - 0.01).toFixed(5));
    const expiringId = await send({
      action: 'open', externalId: ext('expiring'), symbol: 'EURUSD', direction: 'buy', orderType: 'limit',
      entryPrice: far, stopLoss: Number((far - 0.005).toFixed(5)), takeProfits: [Number((far + 0.01).toFixed(5))], ttlSeconds: 15,
    });
    const expiring = await outcomes(expiringId, 'placed');
    const expTickets = new Map(expiring.placed.map((p) => [p.accountId, p.brokerOrderId]));
    await onEveryTerminal('the order expired on every terminal', async (a) =>
      (await historyOrdersOf(simUrl(), a)).some((o) => o.id === expTickets.get(a.accountId) && o.state === 'ORDER_STATE_EXPIRED'),
    );
  });

  it('rejects in risk what an account does not allow, and places it on the others', async () => {
    const id = await send(await marketOpen(sim(), ext('gbp'), {}, 'GBPUSD'));
    const r = await outcomes(id);
    expect(r.riskRejected).toEqual([accounts()[BLOCKS_GBPUSD]!.accountId]);
    expect(r.placed).toHaveLength(ACCOUNTS - 1);
  });

  it('refuses a stale signal at the door', async () => {
    const body = await marketOpen(sim(), ext('stale'), { sourceTimestamp: new Date(Date.now() - 10 * 60_000).toISOString() });
    const res = await postSignal(e2e.platform, e2e.fleet.source, body);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'sourceTimestamp', code: 'stale' })]);
  });

  it('halts the fleet with the kill switch: nothing reaches a broker until it is released', async () => {
    const risk = e2e.platform.url('risk');
    expect((await http('PUT', `${risk}/v1/trading-states/fleet`, { state: 'HALTED', reason: 'e2e kill switch' })).status).toBe(200);
    try {
      const before = await executedByClientId(sim(), accounts().map((a) => a.simId));
      const id = await send(await marketOpen(sim(), ext('halted')));
      const r = await outcomes(id);
      expect(r.riskRejected).toHaveLength(ACCOUNTS);
      expect(r.placed).toHaveLength(0);
      const after = await executedByClientId(sim(), accounts().map((a) => a.simId));
      expect(after.size).toBe(before.size);
    } finally {
      await http('PUT', `${risk}/v1/trading-states/fleet`, { state: 'ACTIVE', reason: 'e2e kill switch released' });
    }
  });

  it('fails on the account whose terminal refuses trading and succeeds on the rest; audit traces it and trade_logs lists it', async () => {
    const failing = accounts()[FAILING]!;
    await sim().updateAccount(failing.simId, { tradeAllowed: false });
    let signalId: string;
    try {
      signalId = await send(await marketOpen(sim(), ext('one-fails')));
      const r = await outcomes(signalId);
      expect(r.execRejected).toEqual([failing.accountId]);
      expect(r.placed).toHaveLength(ACCOUNTS - 1);
    } finally {
      await sim().updateAccount(failing.simId, { tradeAllowed: true });
    }

    const trace = await until(async () => {
      const t = await http('GET', `${e2e.platform.url('audit')}/v1/trace/${signalId}?limit=500`);
      if (t.status !== 200) return undefined;
      const steps = t.body.steps as Array<{ topic: string; accountId: string | null }>;
      const count = (topic: string) => steps.filter((s) => s.topic === topic).length;
      return count('execution.order.placed') === ACCOUNTS - 1 && count('execution.order.rejected') === 1 ? steps : undefined;
    }, 'the complete audit trace', 120_000);
    const topics = trace.map((s) => s.topic);
    expect(topics[0]).toBe('signal.generated');
    expect(topics.filter((t) => t === 'risk.approved')).toHaveLength(ACCOUNTS);
    expect(trace.find((s) => s.topic === 'execution.order.rejected')!.accountId).toBe(failing.accountId);

    const db = new Client({ connectionString: e2e.database.url });
    await db.connect();
    try {
      const rows = await until(async () => {
        const res = await db.query<{ account_id: string; result: string; error_reason: string | null }>('select account_id, result, error_reason from audit.trade_logs where signal = $1', [signalId]);
        return res.rows.length === ACCOUNTS && res.rows.every((x) => x.result !== 'Pending') ? res.rows : undefined;
      }, 'trade_logs rows of every account', 60_000);
      const errors = rows.filter((x) => x.result === 'Error');
      expect(errors.map((x) => x.account_id)).toEqual([failing.accountId]);
      expect(errors[0]!.error_reason).toBeTruthy();
      expect(rows.filter((x) => x.result === 'OK')).toHaveLength(ACCOUNTS - 1);
    } finally {
      await db.end();
    }

    const executed = await executedByClientId(sim(), accounts().map((a) => a.simId));
    expect([...executed.values()].filter((c) => c > 1)).toEqual([]);
  });
});
