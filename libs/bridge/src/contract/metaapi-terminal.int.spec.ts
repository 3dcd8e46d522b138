/**
 * Contract tests: the production MetaApi adapter against the broker simulator over real HTTP (loopback, keep-alive).
 * Every action type, every fault kind the simulator offers, and the broker rules' rejections, asserted as
 * normalized outcomes and handling classes. The simulator's ledger proves what was (not) executed.
 */
import { FAULT_KINDS, startSimulator, type FaultSpec, type RunningSimulator } from '@tradebridge/mt-sim';
import type { Agent } from 'undici';
import { createMetaApiAgent } from '../adapters/metaapi/http-transport';
import { clientIdFor } from '../domain/client-id';
import {
  BridgeConnectionError,
  BridgeTimeoutError,
  BridgeValidationError,
  MetaApiInternalError,
  MetaApiNotFoundError,
  MetaApiTooManyRequestsError,
  MetaApiUnauthorizedError,
} from '../errors';
import type { HandlingClass } from '../domain/trade-codes';
import { MetaApiTerminal } from '../adapters/metaapi/metaapi-terminal';
import { Relay, buy, freshAccount } from './support';

let sim: RunningSimulator;
let agent: Agent;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 11 });
  agent = createMetaApiAgent({ connectTimeoutMs: 1_000 });
});

afterAll(async () => {
  await agent?.close();
  await sim?.close();
});

async function simTime(): Promise<number> {
  return Date.parse((await sim.admin.clock()).time);
}

describe('every action type, MT5 hedging', () => {
  it('market order with SL/TP, modify (incl. no-change and trailing stop), partial and full close, history by position and ticket', async () => {
    const { id, terminal } = await freshAccount(sim, agent);
    const price = await terminal.getPrice('EURUSD');

    // given a market buy with stops
    const opened = await terminal.placeMarketOrder(buy(`${id}-open`, { stopLoss: +(price.bid - 0.005).toFixed(5), takeProfit: +(price.ask + 0.005).toFixed(5), comment: 'contract' }));
    expect(opened).toMatchObject({ status: 'success', handling: 'success', platform: 'mt5', code: 10009, codeId: 'TRADE_RETCODE_DONE', clientId: clientIdFor(`${id}-open`) });
    expect(opened.orderId).toMatch(/^\d+$/);
    expect(opened.brokerRoundTripMs).toBeGreaterThan(0);
    const positionId = opened.positionId!;
    const [position] = await terminal.getPositions();
    expect(position).toMatchObject({ id: positionId, side: 'buy', volume: 0.1, clientId: opened.clientId, comment: 'contract' });
    expect(position.stopLoss).toBeCloseTo(price.bid - 0.005, 5);

    // when the stops are modified, then DONE; the same values again are NO_CHANGES, still a success
    const sl = +(price.bid - 0.004).toFixed(5);
    const tp = +(price.ask + 0.006).toFixed(5);
    expect(await terminal.modifyPosition({ intentId: `${id}-mod1`, positionId, stopLoss: sl, takeProfit: tp })).toMatchObject({ status: 'success', code: 10009 });
    expect((await terminal.getPositions())[0]).toMatchObject({ stopLoss: sl, takeProfit: tp });
    expect(await terminal.modifyPosition({ intentId: `${id}-mod2`, positionId, stopLoss: sl, takeProfit: tp })).toMatchObject({ status: 'success', code: 10025, codeId: 'TRADE_RETCODE_NO_CHANGES' });
    const trailing = await terminal.modifyPosition({ intentId: `${id}-mod3`, positionId, stopLoss: sl, takeProfit: tp, trailingStop: { distance: 200, units: 'RELATIVE_POINTS' } });
    expect(trailing.status).toBe('success');

    // when half is closed, then one 0.05 position remains
    expect(await terminal.closePosition({ intentId: `${id}-partial`, positionId, volume: 0.05 })).toMatchObject({ status: 'success', positionId });
    expect((await terminal.getPositions())[0].volume).toBeCloseTo(0.05, 8);

    // when the rest is closed, then no position remains and history tells the story
    const closed = await terminal.closePosition({ intentId: `${id}-close`, positionId });
    expect(closed).toMatchObject({ status: 'success', code: 10009 });
    expect(await terminal.getPositions()).toEqual([]);
    const deals = await terminal.getDealsByPosition(positionId);
    expect(deals.map((d) => d.entry)).toEqual(['in', 'out', 'out']);
    expect(deals.reduce((v, d) => v + (d.entry === 'out' ? d.volume! : 0), 0)).toBeCloseTo(0.1, 8);
    expect(await terminal.getDealsByTicket(deals[0].id)).toEqual([deals[0]]);
    const orders = await terminal.getHistoryOrdersByPosition(positionId);
    expect(orders).toHaveLength(3);
    expect(orders.every((o) => o.state === 'filled')).toBe(true);
    expect((await terminal.getHistoryOrdersByTicket(opened.orderId!))[0]).toMatchObject({ id: opened.orderId, type: 'buy', clientId: opened.clientId });
    const now = await simTime();
    const window = { from: new Date(now - 3_600_000), to: new Date(now + 3_600_000) };
    expect((await terminal.getDealsByTimeRange(window)).filter((d) => d.positionId === positionId)).toHaveLength(3);
    expect((await terminal.getHistoryOrdersByTimeRange(window)).filter((o) => o.positionId === positionId)).toHaveLength(3);
  });

  it('confirmFills reads the fill price and volume of a market order from its deals', async () => {
    const { terminal, id } = await freshAccount(sim, agent, {}, { confirmFills: true });
    const price = await terminal.getPrice('EURUSD');
    const r = await terminal.placeMarketOrder(buy(`${id}-fill`, { volume: 0.3 }));
    expect(r.status).toBe('success');
    expect(r.fillPrice).toBeCloseTo(price.ask, 5);
    expect(r.filledVolume).toBe(0.3);
  });

  it('pending orders of every kind with expiration; modify, cancel, read back from history', async () => {
    const { id, terminal } = await freshAccount(sim, agent);
    const p = await terminal.getPrice('EURUSD');
    const expires = new Date((await simTime()) + 86_400_000);
    const px = (x: number) => +x.toFixed(5);

    const limit = await terminal.placePendingOrder({ intentId: `${id}-bl`, symbol: 'EURUSD', type: 'buy_limit', volume: 0.1, openPrice: px(p.ask - 0.002), expiration: { type: 'specified', time: expires } });
    expect(limit).toMatchObject({ status: 'success', code: 10008, codeId: 'TRADE_RETCODE_PLACED' });
    const others = await Promise.all([
      terminal.placePendingOrder({ intentId: `${id}-sl`, symbol: 'EURUSD', type: 'sell_limit', volume: 0.1, openPrice: px(p.bid + 0.002) }),
      terminal.placePendingOrder({ intentId: `${id}-bs`, symbol: 'EURUSD', type: 'buy_stop', volume: 0.1, openPrice: px(p.ask + 0.002), expiration: { type: 'day' } }),
      terminal.placePendingOrder({ intentId: `${id}-ss`, symbol: 'EURUSD', type: 'sell_stop', volume: 0.1, openPrice: px(p.bid - 0.002), expiration: { type: 'gtc' } }),
      terminal.placePendingOrder({ intentId: `${id}-bsl`, symbol: 'EURUSD', type: 'buy_stop_limit', volume: 0.1, openPrice: px(p.ask + 0.003), stopLimitPrice: px(p.ask + 0.002) }),
      terminal.placePendingOrder({ intentId: `${id}-ssl`, symbol: 'EURUSD', type: 'sell_stop_limit', volume: 0.1, openPrice: px(p.bid - 0.003), stopLimitPrice: px(p.bid - 0.002), expiration: { type: 'specified_day', time: expires } }),
    ]);
    expect(others.map((r) => r.code)).toEqual([10008, 10008, 10008, 10008, 10008]);

    const pending = await terminal.getOrders();
    expect(pending.map((o) => o.type).sort()).toEqual(['buy_limit', 'buy_stop', 'buy_stop_limit', 'sell_limit', 'sell_stop', 'sell_stop_limit']);
    const placed = pending.find((o) => o.id === limit.orderId)!;
    expect(placed).toMatchObject({ state: 'placed', clientId: clientIdFor(`${id}-bl`), expiration: { type: 'specified', time: expires } });

    const moved = px(p.ask - 0.0025);
    expect(await terminal.modifyOrder({ intentId: `${id}-bl-mod`, orderId: limit.orderId!, openPrice: moved, stopLoss: px(moved - 0.003) })).toMatchObject({ status: 'success' });
    expect((await terminal.getOrders()).find((o) => o.id === limit.orderId)).toMatchObject({ openPrice: moved, stopLoss: px(moved - 0.003) });

    expect(await terminal.cancelOrder({ intentId: `${id}-bl-cancel`, orderId: limit.orderId! })).toMatchObject({ status: 'success' });
    expect((await terminal.getOrders()).some((o) => o.id === limit.orderId)).toBe(false);
    const history = await terminal.getHistoryOrdersByTicket(limit.orderId!);
    expect(history[0]).toMatchObject({ id: limit.orderId, state: 'canceled', type: 'buy_limit' });
  });

  it('close-by and close-all-by-symbol', async () => {
    const { id, terminal } = await freshAccount(sim, agent);
    const a = await terminal.placeMarketOrder(buy(`${id}-a`));
    const b = await terminal.placeMarketOrder({ intentId: `${id}-b`, symbol: 'EURUSD', side: 'sell', volume: 0.1 });
    expect(await terminal.closeBy({ intentId: `${id}-by`, positionId: a.positionId!, oppositePositionId: b.positionId! })).toMatchObject({ status: 'success' });
    expect(await terminal.getPositions()).toEqual([]);

    await terminal.placeMarketOrder(buy(`${id}-c`));
    await terminal.placeMarketOrder(buy(`${id}-d`, { volume: 0.2 }));
    await terminal.placeMarketOrder({ intentId: `${id}-e`, symbol: 'GBPUSD', side: 'buy', volume: 0.1 });
    expect(await terminal.closePositionsBySymbol({ intentId: `${id}-all`, symbol: 'EURUSD' })).toMatchObject({ status: 'success' });
    expect((await terminal.getPositions()).map((p) => p.symbol)).toEqual(['GBPUSD']);
  });

  it('reads: account information, symbol specification, price, ping; unknown symbol is NotFound', async () => {
    const { terminal } = await freshAccount(sim, agent, { currency: 'EUR', balance: 25_000, leverage: 200 });
    expect(await terminal.getAccountInfo()).toMatchObject({ platform: 'mt5', currency: 'EUR', balance: 25_000, equity: 25_000, leverage: 200, tradeAllowed: true, investorMode: false, marginMode: 'hedging' });
    expect(await terminal.getSymbolSpecification('XAUUSD')).toMatchObject({ symbol: 'XAUUSD', digits: 2, contractSize: 100, stopsLevel: 50, freezeLevel: 20 });
    const price = await terminal.getPrice('USDJPY');
    expect(price.ask).toBeGreaterThan(price.bid);
    expect(await terminal.ping()).toBeGreaterThan(0);
    await expect(terminal.getSymbolSpecification('NOPE')).rejects.toBeInstanceOf(MetaApiNotFoundError);
  });
});

describe('netting and MT4 accounts', () => {
  it('given a netting account, an opposite deal reduces the one position', async () => {
    const { id, terminal } = await freshAccount(sim, agent, { marginMode: 'netting' });
    const a = await terminal.placeMarketOrder(buy(`${id}-a`, { volume: 0.3 }));
    await terminal.placeMarketOrder({ intentId: `${id}-b`, symbol: 'EURUSD', side: 'sell', volume: 0.1 });
    expect(await terminal.getPositions()).toEqual([expect.objectContaining({ id: a.positionId, volume: 0.2 })]);
    expect((await terminal.getAccountInfo()).marginMode).toBe('netting');
  });

  it('given an MT4 account, MT4 codes come back and are classified from the MT4 table', async () => {
    const { id, terminal } = await freshAccount(sim, agent, { platform: 'mt4' });
    const price = await terminal.getPrice('EURUSD');
    const opened = await terminal.placeMarketOrder(buy(`${id}-open`));
    expect(opened).toMatchObject({ status: 'success', platform: 'mt4', code: 0, codeId: 'ERR_NO_ERROR' });
    const sl = +(price.bid - 0.004).toFixed(5);
    expect(await terminal.modifyPosition({ intentId: `${id}-m1`, positionId: opened.positionId!, stopLoss: sl })).toMatchObject({ status: 'success', code: 0 });
    // MT4 answers ERR_NO_RESULT when nothing changes; for a modification that is a success
    expect(await terminal.modifyPosition({ intentId: `${id}-m2`, positionId: opened.positionId!, stopLoss: sl })).toMatchObject({ status: 'success', code: 1, codeId: 'ERR_NO_RESULT' });
    expect(await terminal.placePendingOrder({ intentId: `${id}-sl`, symbol: 'EURUSD', type: 'buy_stop_limit', volume: 0.1, openPrice: +(price.ask + 0.003).toFixed(5), stopLimitPrice: +(price.ask + 0.002).toFixed(5) })).toMatchObject({
      status: 'rejected', handling: 'rejected_final', platform: 'metaapi', code: -4,
    });
    expect(await terminal.closePosition({ intentId: `${id}-x`, positionId: '999999' })).toMatchObject({ status: 'rejected', handling: 'rejected_final', code: 4108, codeId: 'ERR_INVALID_TICKET' });
    expect((await terminal.getAccountInfo()).platform).toBe('mt4');
  });

  it('refuses expirations MT4 does not support before sending anything', async () => {
    const { id, terminal } = await freshAccount(sim, agent, { platform: 'mt4' });
    await expect(terminal.placePendingOrder({ intentId: `${id}-d`, symbol: 'EURUSD', type: 'buy_limit', volume: 0.1, openPrice: 1, expiration: { type: 'day' } })).rejects.toThrow(BridgeValidationError);
    expect((await sim.admin.ledgerCount({ accountId: id })).received).toBe(0);
  });
});

type Expect = { code: number; handling: HandlingClass; hint?: string; executed: boolean };

/** Faults that answer a trade with a code: the expected outcome on MT5 and on MT4. */
const TRADE_CODE_FAULTS: readonly { fault: FaultSpec; mt5: Expect; mt4: Expect }[] = [
  { fault: { kind: 'requote' }, mt5: { code: 10004, handling: 'retry_fresh_price', executed: false }, mt4: { code: 138, handling: 'retry_fresh_price', executed: false } },
  { fault: { kind: 'price-changed' }, mt5: { code: 10020, handling: 'retry_fresh_price', executed: false }, mt4: { code: 135, handling: 'retry_fresh_price', executed: false } },
  { fault: { kind: 'off-quotes' }, mt5: { code: 10021, handling: 'retry_backoff', executed: false }, mt4: { code: 136, handling: 'retry_backoff', executed: false } },
  { fault: { kind: 'server-busy' }, mt5: { code: 10024, handling: 'retry_backoff', executed: false }, mt4: { code: 137, handling: 'retry_backoff', executed: false } },
  { fault: { kind: 'too-many-requests' }, mt5: { code: 10024, handling: 'retry_backoff', executed: false }, mt4: { code: 141, handling: 'retry_backoff', executed: false } },
  { fault: { kind: 'no-connection' }, mt5: { code: 10031, handling: 'outcome_unknown', executed: false }, mt4: { code: 6, handling: 'outcome_unknown', executed: false } },
  { fault: { kind: 'no-connection', execute: true }, mt5: { code: 10031, handling: 'outcome_unknown', executed: true }, mt4: { code: 6, handling: 'outcome_unknown', executed: true } },
  { fault: { kind: 'trade-timeout' }, mt5: { code: -7, handling: 'outcome_unknown', executed: true }, mt4: { code: 128, handling: 'outcome_unknown', executed: true } },
  { fault: { kind: 'trade-timeout', execute: false }, mt5: { code: -7, handling: 'outcome_unknown', executed: false }, mt4: { code: 128, handling: 'outcome_unknown', executed: false } },
  { fault: { kind: 'disconnected-before-trade' }, mt5: { code: -10, handling: 'retry_backoff', executed: false }, mt4: { code: -10, handling: 'retry_backoff', executed: false } },
  { fault: { kind: 'disconnected-during-trade' }, mt5: { code: -11, handling: 'outcome_unknown', executed: true }, mt4: { code: -11, handling: 'outcome_unknown', executed: true } },
  { fault: { kind: 'retcode', numericCode: 10011 }, mt5: { code: 10011, handling: 'outcome_unknown', executed: false }, mt4: { code: 2, handling: 'rejected_final', executed: false } },
  { fault: { kind: 'retcode', numericCode: 10012, execute: true }, mt5: { code: 10012, handling: 'outcome_unknown', executed: true }, mt4: { code: 1, handling: 'outcome_unknown', executed: true } },
  { fault: { kind: 'retcode', numericCode: 10023 }, mt5: { code: 10023, handling: 'outcome_unknown', executed: false }, mt4: { code: 4, handling: 'retry_backoff', executed: false } },
  { fault: { kind: 'partial-fill', fraction: 0.5 }, mt5: { code: 10010, handling: 'success', executed: true }, mt4: { code: 0, handling: 'success', executed: true } },
];

describe.each(['mt5', 'mt4'] as const)('trade-code faults on %s', (platform) => {
  it.each(TRADE_CODE_FAULTS.map((c) => [`${c.fault.kind}${c.fault.numericCode ? ` ${c.fault.numericCode}` : ''}${c.fault.execute !== undefined ? ` execute=${c.fault.execute}` : ''}`, c] as const))(
    'given the %s fault, when a market order is sent, then the outcome is normalized and the ledger agrees',
    async (_name, c) => {
      const e = c[platform];
      const { id, terminal } = await freshAccount(sim, agent, { platform });
      // The MT4 rows of `retcode` use MT4 codes (a 10xxx code does not exist there).
      const fault: FaultSpec = c.fault.kind === 'retcode' && platform === 'mt4' ? { ...c.fault, numericCode: e.code } : c.fault;
      await sim.admin.injectFault(id, { ...fault, times: 1 });

      const r = await terminal.placeMarketOrder(buy(`${id}-x`, { volume: 0.2 }));

      expect(r).toMatchObject({ code: e.code, handling: e.handling, status: e.handling === 'success' ? 'success' : e.handling === 'outcome_unknown' ? 'outcome_unknown' : 'rejected' });
      const ledger = await sim.admin.ledgerCount({ accountId: id, clientId: r.clientId });
      expect(ledger).toEqual({ received: 1, executed: e.executed ? 1 : 0 });
      if (e.handling === 'outcome_unknown') {
        // the execution service asks the terminal before anything else: it finds exactly what the broker did
        const lookup = await terminal.findByClientId(r.clientId);
        expect(lookup.found).toBe(e.executed);
        expect(lookup.positions).toHaveLength(e.executed ? 1 : 0);
      }
      if (c.fault.kind === 'partial-fill') expect((await terminal.getPositions())[0].volume).toBeCloseTo(0.1, 8);
    },
  );
});

describe('HTTP-level faults', () => {
  it('response-lost: the trade executes, the answer never arrives -> outcome_unknown, findByClientId finds the one trade, nothing was resent', async () => {
    const { id, terminal } = await freshAccount(sim, agent);
    await sim.admin.injectFault(id, { kind: 'response-lost', times: 1 });
    const r = await terminal.placeMarketOrder(buy(`${id}-lost`));
    expect(r).toMatchObject({ status: 'outcome_unknown', handling: 'outcome_unknown', codeId: 'BRIDGE_CONNECTION_LOST', platform: 'metaapi' });
    const lookup = await terminal.findByClientId(r.clientId);
    expect(lookup).toMatchObject({ found: true, complete: true });
    expect(lookup.positions).toEqual([expect.objectContaining({ clientId: r.clientId, volume: 0.1 })]);
    expect(lookup.historyOrders.map((o) => o.clientId)).toEqual([r.clientId]);
    expect(lookup.deals.map((d) => d.clientId)).toEqual([r.clientId]);
    expect(await sim.admin.ledgerCount({ accountId: id, clientId: r.clientId })).toEqual({ received: 1, executed: 1 });
  });

  it('response-lost on a close: the closing deal and order carry the close request\'s clientId, so it is found too', async () => {
    const { id, terminal } = await freshAccount(sim, agent);
    const opened = await terminal.placeMarketOrder(buy(`${id}-open`));
    await sim.admin.injectFault(id, { kind: 'response-lost', times: 1 });
    const r = await terminal.closePosition({ intentId: `${id}-close`, positionId: opened.positionId! });
    expect(r.status).toBe('outcome_unknown');
    const lookup = await terminal.findByClientId(r.clientId);
    expect(lookup).toMatchObject({ found: true, complete: true, positions: [] });
    expect(lookup.deals).toEqual([expect.objectContaining({ entry: 'out', positionId: opened.positionId })]);
    expect(await terminal.getPositions()).toEqual([]);
  });

  it('an uncertain modification is resolved by sending it again: the same values come back as no changes', async () => {
    const { id, terminal } = await freshAccount(sim, agent);
    const price = await terminal.getPrice('EURUSD');
    const opened = await terminal.placeMarketOrder(buy(`${id}-open`));
    const modify = { intentId: `${id}-mod`, positionId: opened.positionId!, stopLoss: +(price.bid - 0.004).toFixed(5) };
    await sim.admin.injectFault(id, { kind: 'response-lost', times: 1 });
    expect((await terminal.modifyPosition(modify)).status).toBe('outcome_unknown');
    expect(await terminal.modifyPosition(modify)).toMatchObject({ status: 'success', code: 10025 });
  });

  it('response-delayed past the trade timeout -> outcome_unknown (timeout), and the executed trade is found', async () => {
    const { id, terminal } = await freshAccount(sim, agent, {}, { timeouts: { tradeMs: 300, readMs: 3_000 } });
    await sim.admin.injectFault(id, { kind: 'response-delayed', delayMs: 2_000, times: 1 });
    const r = await terminal.placeMarketOrder(buy(`${id}-slow`));
    expect(r).toMatchObject({ status: 'outcome_unknown', codeId: 'BRIDGE_TRADE_TIMEOUT' });
    expect((await terminal.findByClientId(r.clientId)).found).toBe(true);
    expect(await sim.admin.ledgerCount({ accountId: id, clientId: r.clientId })).toEqual({ received: 1, executed: 1 });
  });

  it('disconnect before processing -> outcome_unknown, and findByClientId proves nothing executed', async () => {
    const { id, terminal } = await freshAccount(sim, agent);
    await sim.admin.injectFault(id, { kind: 'disconnect', times: 1 });
    const r = await terminal.placeMarketOrder(buy(`${id}-cut`));
    expect(r).toMatchObject({ status: 'outcome_unknown', codeId: 'BRIDGE_CONNECTION_LOST' });
    expect((await terminal.findByClientId(r.clientId)).found).toBe(false);
    expect((await sim.admin.ledgerCount({ accountId: id, clientId: r.clientId })).executed).toBe(0);
  });

  it('disconnect on a read -> BridgeConnectionError', async () => {
    const { id, terminal } = await freshAccount(sim, agent);
    await sim.admin.injectFault(id, { kind: 'disconnect', times: 1, paths: ['positions'] });
    await expect(terminal.getPositions()).rejects.toBeInstanceOf(BridgeConnectionError);
  });

  it('internal-error (500) -> a trade is outcome_unknown, a read throws MetaApiInternalError', async () => {
    const { id, terminal } = await freshAccount(sim, agent);
    await sim.admin.injectFault(id, { kind: 'internal-error', times: 1 });
    expect(await terminal.placeMarketOrder(buy(`${id}-500`))).toMatchObject({ status: 'outcome_unknown', codeId: 'BRIDGE_SERVER_ERROR' });
    await sim.admin.injectFault(id, { kind: 'internal-error', times: 1, paths: ['account-information'] });
    await expect(terminal.getAccountInfo()).rejects.toBeInstanceOf(MetaApiInternalError);
  });

  it('rate-limit (429) on a trade -> rejected retry_backoff with the advised wait; nothing executed', async () => {
    const { id, terminal } = await freshAccount(sim, agent);
    await sim.admin.injectFault(id, { kind: 'rate-limit', retryAfterSeconds: 2, times: 1 });
    const r = await terminal.placeMarketOrder(buy(`${id}-429`));
    expect(r).toMatchObject({ status: 'rejected', handling: 'retry_backoff', codeId: 'BRIDGE_RATE_LIMITED' });
    expect(r.retryAfterMs).toBeGreaterThan(0);
    expect(r.retryAfterMs).toBeLessThanOrEqual(2_000);
    expect((await sim.admin.ledgerCount({ accountId: id, clientId: r.clientId })).executed).toBe(0);
  });

  it('rate-limit (429) on a read -> waits as advised and retries once; a longer advice than allowed fails with the advice', async () => {
    const { id, terminal } = await freshAccount(sim, agent, {}, { readRetry: { maxRetries: 3, maxWaitMs: 1_500 } });
    await sim.admin.injectFault(id, { kind: 'rate-limit', retryAfterSeconds: 1, times: 1, paths: ['positions'] });
    expect(await terminal.getPositions()).toEqual([]);
    expect(await sim.admin.listFaults(id)).toEqual([]); // the one-shot fault was hit and used up

    await sim.admin.injectFault(id, { kind: 'rate-limit', retryAfterSeconds: 5, paths: ['orders'] });
    const error = await terminal.getOrders().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MetaApiTooManyRequestsError);
    expect((error as MetaApiTooManyRequestsError).retryAfterMs).toBeGreaterThan(1_500);
  });

  it('invalid-token (401) and a wrong token -> trades are fatal, reads throw MetaApiUnauthorizedError', async () => {
    const { id, terminal } = await freshAccount(sim, agent);
    await sim.admin.injectFault(id, { kind: 'invalid-token', times: 1 });
    expect(await terminal.placeMarketOrder(buy(`${id}-401`))).toMatchObject({ status: 'rejected', handling: 'fatal', codeId: 'BRIDGE_UNAUTHORIZED' });
    await sim.admin.updateAccount(id, { token: 'rotated' });
    await expect(terminal.getAccountInfo()).rejects.toBeInstanceOf(MetaApiUnauthorizedError);
    expect((await terminal.placeMarketOrder(buy(`${id}-401b`))).handling).toBe('fatal');
  });

  it('latency: a slow broker still answers; a read slower than its deadline is a BridgeTimeoutError', async () => {
    const { id, terminal } = await freshAccount(sim, agent, {}, { timeouts: { tradeMs: 3_000, readMs: 200 } });
    await sim.admin.injectFault(id, { kind: 'latency', ms: 60, times: 1, paths: ['trade'] });
    const r = await terminal.placeMarketOrder(buy(`${id}-lat`));
    expect(r.status).toBe('success');
    expect(r.brokerRoundTripMs).toBeGreaterThanOrEqual(55);
    await sim.admin.injectFault(id, { kind: 'latency', ms: 1_500, times: 1, paths: ['positions'] });
    await expect(terminal.getPositions()).rejects.toBeInstanceOf(BridgeTimeoutError);
  });

  it('an unknown account is NotFound: trades are fatal', async () => {
    const ghost = new MetaApiTerminal({ accountId: 'no-such-account', token: 't', platform: 'mt5', baseUrl: sim.url, dispatcher: agent });
    expect(await ghost.placeMarketOrder(buy('ghost'))).toMatchObject({ handling: 'fatal', codeId: 'BRIDGE_ACCOUNT_NOT_FOUND' });
  });

  it('nothing listening: a trade was never sent (retry_backoff), a read is a BridgeConnectionError with sent=false', async () => {
    const relay = new Relay(sim.port);
    await relay.start();
    const closedUrl = relay.url;
    await relay.stop(); // the port is now closed: connections are refused
    const { id, token } = await freshAccount(sim, agent);
    const terminal = new MetaApiTerminal({ accountId: id, token, platform: 'mt5', baseUrl: closedUrl, dispatcher: agent });
    expect(await terminal.placeMarketOrder(buy(`${id}-refused`))).toMatchObject({ status: 'rejected', handling: 'retry_backoff', codeId: 'BRIDGE_NOT_SENT' });
    const error = await terminal.getPositions().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeConnectionError);
    expect((error as BridgeConnectionError).sent).toBe(false);
    expect((await sim.admin.ledgerCount({ accountId: id })).received).toBe(0);
  });

  it('covers every fault kind the simulator offers', () => {
    const covered = new Set<string>([
      ...TRADE_CODE_FAULTS.map((c) => c.fault.kind),
      'response-lost', 'response-delayed', 'disconnect', 'internal-error', 'rate-limit', 'invalid-token', 'latency',
    ]);
    expect([...FAULT_KINDS].filter((k) => !covered.has(k))).toEqual([]);
  });
});

describe('broker rules: rejections from the real rule', () => {
  type Case = { name: string; input?: Parameters<typeof freshAccount>[2]; mt5: [number, HandlingClass, string?]; mt4?: [number, HandlingClass, string?]; run: (t: Awaited<ReturnType<typeof freshAccount>>) => Promise<import('../port/types').TradeResult> };
  const closedSessions = { EURUSD: { tradeSessions: [[], [], [], [], [], [], []] } } as unknown as NonNullable<Parameters<typeof freshAccount>[2]>['symbols'];
  const cases: Case[] = [
    { name: 'market closed', input: { symbols: closedSessions }, mt5: [10018, 'retry_later'], mt4: [132, 'retry_later'], run: ({ id, terminal }) => terminal.placeMarketOrder(buy(`${id}-mc`)) },
    { name: 'no money', input: { balance: 500 }, mt5: [10019, 'modify_and_retry', 'reduce_volume'], mt4: [134, 'modify_and_retry', 'reduce_volume'], run: ({ id, terminal }) => terminal.placeMarketOrder(buy(`${id}-nm`, { volume: 5 })) },
    {
      name: 'invalid stops', mt5: [10016, 'modify_and_retry', 'adjust_stops'], mt4: [130, 'modify_and_retry', 'adjust_stops'],
      run: async ({ id, terminal }) => terminal.placeMarketOrder(buy(`${id}-is`, { stopLoss: +((await terminal.getPrice('EURUSD')).bid - 0.00002).toFixed(5) })),
    },
    { name: 'invalid volume', mt5: [10014, 'rejected_final'], mt4: [131, 'rejected_final'], run: ({ id, terminal }) => terminal.placeMarketOrder(buy(`${id}-iv`, { volume: 0.015 })) },
    {
      name: 'frozen', mt5: [10029, 'retry_later'], mt4: [145, 'retry_later'],
      run: async ({ id, terminal }) => {
        const p = await terminal.getPrice('EURUSD');
        const opened = await terminal.placeMarketOrder(buy(`${id}-fz`, { stopLoss: +(p.bid - 0.00012).toFixed(5) }));
        expect(opened.status).toBe('success');
        await sim.admin.setPrice('EURUSD', +(p.bid - 0.00009).toFixed(5)); // the stop is now 3 points away: inside the freeze level
        try {
          return await terminal.modifyPosition({ intentId: `${id}-fz-mod`, positionId: opened.positionId!, stopLoss: +(p.bid - 0.003).toFixed(5) });
        } finally {
          await sim.admin.setPrice('EURUSD', p.bid, p.ask);
        }
      },
    },
    { name: 'trade disabled', input: { tradeAllowed: false }, mt5: [10017, 'fatal'], mt4: [133, 'fatal'], run: ({ id, terminal }) => terminal.placeMarketOrder(buy(`${id}-td`)) },
    { name: 'investor password', input: { investorMode: true }, mt5: [-8, 'fatal'], mt4: [-8, 'fatal'], run: ({ id, terminal }) => terminal.placeMarketOrder(buy(`${id}-inv`)) },
    { name: 'autotrading disabled', input: { autoTradingEnabled: false }, mt5: [10027, 'fatal'], mt4: [4109, 'fatal'], run: ({ id, terminal }) => terminal.placeMarketOrder(buy(`${id}-at`)) },
    // RETURN is valid only for market-execution symbols; XAUUSD uses instant execution.
    { name: 'invalid filling', mt5: [10030, 'modify_and_retry', 'change_filling'], mt4: [3, 'rejected_final'], run: ({ id, terminal }) => terminal.placeMarketOrder(buy(`${id}-fill`, { symbol: 'XAUUSD', fillingModes: ['return'] })) },
    {
      name: 'invalid expiration', mt5: [10022, 'rejected_final'], mt4: [147, 'rejected_final'],
      run: async ({ id, terminal }) => {
        const p = await terminal.getPrice('EURUSD');
        return terminal.placePendingOrder({ intentId: `${id}-exp`, symbol: 'EURUSD', type: 'buy_limit', volume: 0.1, openPrice: +(p.ask - 0.002).toFixed(5), expiration: { type: 'specified', time: new Date((await simTime()) - 60_000) } });
      },
    },
    {
      name: 'pending price on the wrong side of the market', mt5: [10015, 'rejected_final'], mt4: [129, 'rejected_final'],
      run: async ({ id, terminal }) => terminal.placePendingOrder({ intentId: `${id}-wp`, symbol: 'EURUSD', type: 'buy_limit', volume: 0.1, openPrice: +((await terminal.getPrice('EURUSD')).ask + 0.002).toFixed(5) }),
    },
    { name: 'position not found', mt5: [4753, 'rejected_final'], mt4: [4108, 'rejected_final'], run: ({ id, terminal }) => terminal.closePosition({ intentId: `${id}-pnf`, positionId: '424242' }) },
  ];

  it.each(cases.flatMap((c) => (['mt5', 'mt4'] as const).filter((p) => c[p]).map((p) => [c.name, p, c] as const)))('%s on %s', async (_name, platform, c) => {
    const account = await freshAccount(sim, agent, { ...c.input, platform });
    const [code, handling, hint] = c[platform]!;
    const r = await c.run(account);
    expect(r).toMatchObject({ code, handling, status: handling === 'success' ? 'success' : 'rejected' });
    expect(r.hint).toBe(hint);
    expect((await sim.admin.ledgerCount({ accountId: account.id, clientId: r.clientId })).executed).toBe(0);
  });

  it('the same rejection answered as an HTTP error with a TradeError body is classified identically', async () => {
    const { id, terminal } = await freshAccount(sim, agent, { balance: 500, tradeErrorStyle: 'http-error' });
    expect(await terminal.placeMarketOrder(buy(`${id}-nm`, { volume: 5 }))).toMatchObject({ status: 'rejected', code: 10019, handling: 'modify_and_retry', hint: 'reduce_volume' });
  });
});
