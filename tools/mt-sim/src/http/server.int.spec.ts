import { RunningSimulator, SimAdminError, startSimulator } from '../index';
import { callAccount } from '../test-support/http';

// The MetaApi REST surface and the admin API over real HTTP, one simulator per suite, fresh accounts per test.

const BROKER_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let sim: RunningSimulator;
let n = 0;
const freshId = (prefix: string): string => `${prefix}-${++n}`;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 11 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await sim.admin.setPrices([
    { symbol: 'EURUSD', bid: 1.1, ask: 1.1001 },
    { symbol: 'USDJPY', bid: 150, ask: 150.012 },
  ]);
});

const call = (id: string, method: 'GET' | 'POST', path: string, body?: unknown, token = 'tok') => callAccount(sim.url, id, token, method, path, body);

describe('authentication and unknown resources', () => {
  it('answers 404 NotFoundError for an unknown account, 401 UnauthorizedError for a wrong or missing token', async () => {
    const id = freshId('auth');
    await sim.admin.createAccount({ id, token: 'right' });
    const unknown = await callAccount(sim.url, 'nobody', 'right', 'GET', 'account-information');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ id: 4, error: 'NotFoundError' });
    expect(unknown.body.message).toContain('nobody');
    const wrong = await callAccount(sim.url, id, 'wrong', 'GET', 'account-information');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ id: 2, error: 'UnauthorizedError', message: 'Authorization failed' });
    expect((await callAccount(sim.url, id, undefined, 'GET', 'positions')).status).toBe(401);
    expect((await callAccount(sim.url, id, 'right', 'GET', 'positions')).status).toBe(200);
  });

  it('answers 404 for unknown positions, orders, symbols and paths', async () => {
    const id = freshId('nf');
    await sim.admin.createAccount({ id, token: 'tok' });
    for (const path of ['positions/123', 'orders/123', 'symbols/NOPE/specification', 'symbols/EURUSD/nothing', 'no-such-path']) {
      const r = await call(id, 'GET', path);
      expect([path, r.status, r.body.error]).toEqual([path, 404, 'NotFoundError']);
    }
  });
});

describe('trading and reading back (MT5 hedging, USD)', () => {
  it('executes a market buy and shows it in positions, history orders and deals with MetaApi shapes', async () => {
    const id = freshId('flow');
    await sim.admin.createAccount({ id, token: 'tok', balance: 50_000, commissionPerLot: 3 });
    const r = await call(id, 'POST', 'trade', {
      actionType: 'ORDER_TYPE_BUY',
      symbol: 'EURUSD',
      volume: 0.5,
      stopLoss: 1.09,
      takeProfit: 1.12,
      clientId: 'TB_intent_1',
      comment: 'sig-1',
      magic: 42,
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ numericCode: 10009, stringCode: 'TRADE_RETCODE_DONE', message: 'Request completed', orderId: expect.stringMatching(/^\d+$/), positionId: r.body.orderId });

    const positions = await call(id, 'GET', 'positions');
    expect(positions.body).toHaveLength(1);
    const p = positions.body[0];
    expect(p).toMatchObject({
      id: r.body.positionId,
      type: 'POSITION_TYPE_BUY',
      symbol: 'EURUSD',
      magic: 42,
      openPrice: 1.1001,
      currentPrice: 1.1,
      volume: 0.5,
      stopLoss: 1.09,
      takeProfit: 1.12,
      clientId: 'TB_intent_1',
      comment: 'sig-1',
      commission: -1.5,
      reason: 'POSITION_REASON_EXPERT',
      platform: 'mt5',
    });
    expect(p.time).toMatch(ISO);
    expect(p.brokerTime).toMatch(BROKER_TIME);
    expect(p.profit).toBeCloseTo(-5, 6);
    expect((await call(id, 'GET', `positions/${p.id}`)).body).toEqual(p);

    const orders = await call(id, 'GET', `history-orders/position/${p.id}`);
    expect(orders.body).toMatchObject({ synchronizing: false, historyOrders: [{ id: r.body.orderId, type: 'ORDER_TYPE_BUY', state: 'ORDER_STATE_FILLED', clientId: 'TB_intent_1' }] });
    const byTicket = await call(id, 'GET', `history-orders/ticket/${r.body.orderId}`);
    expect(byTicket.body.historyOrders).toHaveLength(1);
    const deals = await call(id, 'GET', `history-deals/position/${p.id}`);
    expect(deals.body.deals).toEqual([
      expect.objectContaining({ type: 'DEAL_TYPE_BUY', entryType: 'DEAL_ENTRY_IN', volume: 0.5, price: 1.1001, commission: -1.5, clientId: 'TB_intent_1', orderId: r.body.orderId, positionId: p.id }),
    ]);
    const now = (await sim.admin.clock()).time;
    const range = await call(id, 'GET', `history-deals/time/${encodeURIComponent('2020-01-01T00:00:00.000Z')}/${encodeURIComponent(now)}`);
    expect(range.body.deals.map((d: { type: string }) => d.type)).toEqual(['DEAL_TYPE_BALANCE', 'DEAL_TYPE_BUY']);
    const paged = await call(id, 'GET', `history-deals/time/2020-01-01T00:00:00.000Z/${now}?offset=1&limit=1`);
    expect(paged.body.deals.map((d: { type: string }) => d.type)).toEqual(['DEAL_TYPE_BUY']);

    const info = await call(id, 'GET', 'account-information');
    expect(info.body).toMatchObject({
      platform: 'mt5',
      currency: 'USD',
      balance: 49_998.5,
      leverage: 100,
      marginMode: 'ACCOUNT_MARGIN_MODE_RETAIL_HEDGING',
      tradeAllowed: true,
      investorMode: false,
      type: 'ACCOUNT_TRADE_MODE_DEMO',
      margin: 550.03, // 50000 EUR / 100 at mid 1.10005
    });
    expect(info.body.equity).toBeCloseTo(49_993.5, 6);
    expect(info.body.freeMargin).toBeCloseTo(49_993.5 - 550.03, 6);
    expect(info.body.marginLevel).toBeCloseTo((49_993.5 / 550.03) * 100, 1);
  });

  it('places, lists, modifies and cancels a pending order', async () => {
    const id = freshId('pend');
    await sim.admin.createAccount({ id, token: 'tok' });
    const placed = await call(id, 'POST', 'trade', {
      actionType: 'ORDER_TYPE_BUY_LIMIT',
      symbol: 'EURUSD',
      volume: 0.1,
      openPrice: 1.095,
      expiration: { type: 'ORDER_TIME_SPECIFIED', time: '2026-02-01T00:00:00.000Z' },
      clientId: 'TB_p',
    });
    expect(placed.body).toMatchObject({ numericCode: 10008, stringCode: 'TRADE_RETCODE_PLACED' });
    const orders = await call(id, 'GET', 'orders');
    expect(orders.body).toEqual([
      expect.objectContaining({
        id: placed.body.orderId,
        type: 'ORDER_TYPE_BUY_LIMIT',
        state: 'ORDER_STATE_PLACED',
        openPrice: 1.095,
        currentPrice: 1.1001,
        volume: 0.1,
        currentVolume: 0.1,
        expirationType: 'ORDER_TIME_SPECIFIED',
        expirationTime: '2026-02-01T00:00:00.000Z',
        clientId: 'TB_p',
      }),
    ]);
    expect((await call(id, 'POST', 'trade', { actionType: 'ORDER_MODIFY', orderId: placed.body.orderId, openPrice: 1.094 })).body.numericCode).toBe(10009);
    expect((await call(id, 'GET', `orders/${placed.body.orderId}`)).body.openPrice).toBe(1.094);
    expect((await call(id, 'POST', 'trade', { actionType: 'ORDER_CANCEL', orderId: placed.body.orderId })).body.numericCode).toBe(10009);
    expect((await call(id, 'GET', 'orders')).body).toEqual([]);
    expect((await call(id, 'GET', `history-orders/ticket/${placed.body.orderId}`)).body.historyOrders[0].state).toBe('ORDER_STATE_CANCELED');
  });

  it('serves the symbol list, specifications and prices with account-currency tick values', async () => {
    const id = freshId('sym');
    await sim.admin.createAccount({ id, token: 'tok', currency: 'USD' });
    expect((await call(id, 'GET', 'symbols')).body).toEqual(expect.arrayContaining(['EURUSD', 'GBPUSD', 'USDJPY', 'USDCHF', 'AUDUSD', 'USDCAD', 'NZDUSD', 'XAUUSD', 'US30', 'US500', 'GER40']));
    const spec = (await call(id, 'GET', 'symbols/USDJPY/specification')).body;
    expect(spec).toMatchObject({ symbol: 'USDJPY', digits: 3, point: 0.001, tickSize: 0.001, contractSize: 100_000, minVolume: 0.01, maxVolume: 100, volumeStep: 0.01, stopsLevel: 10, freezeLevel: 5, tradeMode: 'SYMBOL_TRADE_MODE_FULL', priceCalculationMode: 'SYMBOL_CALC_MODE_FOREX', profitCurrency: 'JPY' });
    expect(spec.tradeSessions.MONDAY).toEqual([{ from: '00:00:00.000', to: '24:00:00.000' }]);
    expect(spec.tradeSessions.SATURDAY).toBeUndefined();
    const price = (await call(id, 'GET', 'symbols/USDJPY/current-price')).body;
    // 1 point (0.001) on 100000 USDJPY is 100 JPY = 100 / 150.006 USD
    expect(price).toMatchObject({ symbol: 'USDJPY', bid: 150, ask: 150.012 });
    expect(price.profitTickValue).toBeCloseTo(100 / 150.006, 4);
    expect(price.brokerTime).toMatch(BROKER_TIME);
    expect((await call(id, 'GET', 'symbols/EURUSD/current-tick')).body).toMatchObject({ symbol: 'EURUSD', bid: 1.1, ask: 1.1001 });
    expect((await call(id, 'GET', 'server-time')).body.time).toMatch(ISO);
    expect((await fetch(`${sim.url}/health`)).status).toBe(200);
  });

  it('answers MT4 accounts with MT4 codes and EUR accounts in EUR', async () => {
    const id = freshId('mt4');
    await sim.admin.createAccount({ id, token: 'tok', platform: 'mt4', currency: 'EUR', balance: 10_000 });
    expect((await call(id, 'POST', 'trade', { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.015 })).body).toEqual({
      numericCode: 131,
      stringCode: 'ERR_INVALID_TRADE_VOLUME',
      message: 'Invalid trade volume',
    });
    const ok = await call(id, 'POST', 'trade', { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1 });
    expect(ok.body).toMatchObject({ numericCode: 0, stringCode: 'ERR_NO_ERROR' });
    const info = (await call(id, 'GET', 'account-information')).body;
    expect(info).toMatchObject({ platform: 'mt4', currency: 'EUR', margin: 1000 });
  });
});

describe('validation errors', () => {
  it('answers 400 ValidationError naming each bad field, and records the request in the ledger as invalid', async () => {
    const id = freshId('val');
    await sim.admin.createAccount({ id, token: 'tok' });
    const r = await call(id, 'POST', 'trade', { actionType: 'ORDER_TYPE_BUY_LIMIT', symbol: 'EURUSD', volume: -1, clientId: 'TB_bad' });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ id: 1, error: 'ValidationError', message: 'Validation failed' });
    expect(r.body.details.map((d: { parameter: string }) => d.parameter)).toEqual(['volume', 'openPrice']);
    const malformed = await callAccount(sim.url, id, 'tok', 'POST', 'trade', undefined, { rawBody: '{"actionType":' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.details[0].parameter).toBe('body');
    const ledger = await sim.admin.ledger({ accountId: id });
    expect(ledger.entries.map((e) => [e.outcome, e.executed, e.clientId])).toEqual([
      ['invalid', false, 'TB_bad'],
      ['invalid', false, undefined],
    ]);
  });

  it('refuses comment + clientId longer than 26 characters', async () => {
    const id = freshId('tag');
    await sim.admin.createAccount({ id, token: 'tok' });
    const r = await call(id, 'POST', 'trade', { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.1, clientId: 'c'.repeat(20), comment: 'x'.repeat(7) });
    expect(r.status).toBe(400);
    expect(r.body.details[0].parameter).toBe('clientId');
  });

  it('can answer broker rejections as HTTP 400 TradeError when the account asks for it', async () => {
    const id = freshId('style');
    await sim.admin.createAccount({ id, token: 'tok', tradeErrorStyle: 'http-error' });
    const r = await call(id, 'POST', 'trade', { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1000 });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'TradeError', numericCode: 10014, stringCode: 'TRADE_RETCODE_INVALID_VOLUME' });
  });
});

describe('ledger', () => {
  it('counts a duplicate trade: the same clientId sent twice is received twice and executed twice', async () => {
    const id = freshId('dup');
    await sim.admin.createAccount({ id, token: 'tok' });
    const body = { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.1, clientId: 'TB_dup' };
    await call(id, 'POST', 'trade', body);
    await call(id, 'POST', 'trade', body);
    await call(id, 'POST', 'trade', { ...body, clientId: 'TB_other', volume: 1000 });
    expect(await sim.admin.ledgerCount({ accountId: id, clientId: 'TB_dup' })).toEqual({ received: 2, executed: 2 });
    expect(await sim.admin.ledgerCount({ accountId: id, clientId: 'TB_other' })).toEqual({ received: 1, executed: 0 });
    const entries = (await sim.admin.ledger({ accountId: id, clientId: 'TB_dup' })).entries;
    expect(entries.map((e) => [e.actionType, e.outcome, e.numericCode, e.responseDelivered])).toEqual([
      ['ORDER_TYPE_BUY', 'executed', 10009, true],
      ['ORDER_TYPE_BUY', 'executed', 10009, true],
    ]);
    expect(entries[0]!.positionId).not.toBe(entries[1]!.positionId);
    expect((await sim.admin.ledger({ accountId: id, executed: false })).count).toBe(1);
  });
});

describe('admin API', () => {
  it('creates accounts in bulk and refuses duplicates (409) and bad fields (400, every field named)', async () => {
    const a = freshId('bulk');
    const b = freshId('bulk');
    const created = await sim.admin.createAccounts([{ id: a }, { id: b, platform: 'mt4', currency: 'EUR' }]);
    expect(created.map((x) => [x.id, x.platform, x.marginMode, x.currency, x.balance, x.token])).toEqual([
      [a, 'mt5', 'hedging', 'USD', 10_000, 'sim-token'],
      [b, 'mt4', 'hedging', 'EUR', 10_000, 'sim-token'],
    ]);
    await expect(sim.admin.createAccount({ id: a })).rejects.toMatchObject({ status: 409 });
    const bad = await sim.admin.createAccount({ id: freshId('bad'), platform: 'mt6' as never, currency: 'XYZ', leverage: -5 }).catch((e: SimAdminError) => e);
    expect(bad).toBeInstanceOf(SimAdminError);
    expect((bad as SimAdminError).status).toBe(400);
    expect(((bad as SimAdminError).body as { details: { parameter: string }[] }).details.map((d) => d.parameter)).toEqual(['accounts[0].platform', 'accounts[0].currency', 'accounts[0].leverage']);
  });

  it('patches permissions and balances; the MetaApi side sees the change at once', async () => {
    const id = freshId('patch');
    await sim.admin.createAccount({ id, token: 'tok' });
    await sim.admin.updateAccount(id, { tradeAllowed: false });
    expect((await call(id, 'POST', 'trade', { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.1 })).body.numericCode).toBe(10017);
    await sim.admin.updateAccount(id, { tradeAllowed: true, investorMode: true });
    expect((await call(id, 'POST', 'trade', { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.1 })).body).toMatchObject({ numericCode: -8, stringCode: 'ERR_INVESTOR' });
    await sim.admin.updateAccount(id, { token: 'new-token' });
    expect((await call(id, 'GET', 'positions')).status).toBe(401);
    expect((await sim.admin.setBalance(id, 2500)).balance).toBe(2500);
    expect((await sim.admin.deposit(id, 500)).balance).toBe(3000);
    const deals = (await call(id, 'GET', 'history-deals/time/2020-01-01T00:00:00Z/2030-01-01T00:00:00Z', undefined, 'new-token')).body.deals;
    expect(deals.map((d: { type: string; profit: number }) => [d.type, d.profit])).toEqual([
      ['DEAL_TYPE_BALANCE', 10_000],
      ['DEAL_TYPE_BALANCE', -7500],
      ['DEAL_TYPE_BALANCE', 500],
    ]);
  });

  it('moves prices to trigger SL, and advances the clock to expire a DAY order', async () => {
    const id = freshId('mkt');
    await sim.admin.createAccount({ id, token: 'tok' });
    const pos = await call(id, 'POST', 'trade', { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.1, stopLoss: 1.099 });
    const moved = await sim.admin.movePrice('EURUSD', -120);
    expect(moved.events).toContainEqual({ kind: 'stop-loss', positionId: pos.body.positionId });
    expect((await call(id, 'GET', 'positions')).body).toEqual([]);
    const order = await call(id, 'POST', 'trade', { actionType: 'ORDER_TYPE_SELL_LIMIT', symbol: 'EURUSD', volume: 0.1, openPrice: 1.2, expiration: { type: 'ORDER_TIME_DAY' } });
    const clock = await sim.admin.advanceClock({ ms: 86_400_000, movePrices: false });
    expect(clock.events).toContainEqual({ kind: 'order-expired', orderId: order.body.orderId });
    expect((await call(id, 'GET', `history-orders/ticket/${order.body.orderId}`)).body.historyOrders[0].state).toBe('ORDER_STATE_EXPIRED');
  });

  it('patches a symbol for every account (CLOSEONLY -> 10044)', async () => {
    const id = freshId('sp');
    await sim.admin.createAccount({ id, token: 'tok' });
    await sim.admin.patchSymbol('AUDUSD', { tradeMode: 'SYMBOL_TRADE_MODE_CLOSEONLY' });
    try {
      expect((await call(id, 'POST', 'trade', { actionType: 'ORDER_TYPE_BUY', symbol: 'AUDUSD', volume: 0.1 })).body.numericCode).toBe(10044);
    } finally {
      await sim.admin.patchSymbol('AUDUSD', { tradeMode: 'SYMBOL_TRADE_MODE_FULL' });
    }
  });

  it('reads, deletes accounts and single faults, sets the clock forward only, and clears the ledger of one account', async () => {
    const id = freshId('misc');
    await sim.admin.createAccount({ id, token: 'tok', leverage: 30 });
    expect(await sim.admin.getAccount(id)).toMatchObject({ id, leverage: 30, positions: 0, orders: 0, faults: 0 });
    const faultId = await sim.admin.injectFault(id, { kind: 'requote' });
    await sim.admin.removeFault(id, faultId);
    await expect(sim.admin.removeFault(id, faultId)).rejects.toMatchObject({ status: 404 });
    expect((await call(id, 'POST', 'trade', { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.1 })).body.numericCode).toBe(10009);
    expect(await sim.admin.clearLedger(id)).toBe(1);
    expect((await sim.admin.ledger({ accountId: id })).count).toBe(0);
    const now = Date.parse((await sim.admin.clock()).time);
    expect(Date.parse((await sim.admin.setClock(new Date(now + 60_000), false)).time)).toBe(now + 60_000);
    await expect(sim.admin.setClock(new Date(now), false)).rejects.toMatchObject({ status: 400 });
    expect(await sim.admin.deleteAccount(id)).toEqual({ deleted: true });
    expect((await call(id, 'GET', 'positions')).status).toBe(404);
    await expect(sim.admin.getAccount(id)).rejects.toMatchObject({ status: 404 });
  });

  it('protects the admin API with x-admin-token when configured', async () => {
    const guarded = await startSimulator({ port: 0, adminToken: 'secret' });
    try {
      expect((await guarded.admin.health()).status).toBe('ok');
      const anonymous = await fetch(`${guarded.url}/admin/accounts`);
      expect(anonymous.status).toBe(401);
    } finally {
      await guarded.close();
    }
  });

  it('resets to a clean simulator', async () => {
    const other = await startSimulator({ port: 0, seed: 3, accounts: [{ id: 'x', token: 't' }] });
    try {
      await callAccount(other.url, 'x', 't', 'POST', 'trade', { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.1 });
      const before = await other.admin.market();
      await other.admin.advanceClock({ ticks: 100 });
      await other.admin.reset();
      expect(await other.admin.listAccounts()).toEqual([]);
      expect((await other.admin.ledger()).count).toBe(0);
      expect(await other.admin.market()).toEqual(before);
    } finally {
      await other.close();
    }
  });
});

describe('terminal-side actions and fleet-wide faults', () => {
  it('a manual trade at the terminal opens a CLIENT position that the API did not send; the ledger marks it as terminal', async () => {
    const id = freshId('manual');
    await sim.admin.createAccount({ id, token: 'tok' });
    const r = await sim.admin.manualTrade(id, { actionType: 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 0.3, comment: 'by hand' });
    expect(r.numericCode).toBe(10009);
    expect((await call(id, 'GET', 'positions')).body).toEqual([expect.objectContaining({ id: r.positionId, reason: 'POSITION_REASON_CLIENT', comment: 'by hand' })]);
    expect((await call(id, 'GET', `history-deals/position/${r.positionId}`)).body.deals[0].reason).toBe('DEAL_REASON_CLIENT');
    expect((await sim.admin.ledger({ accountId: id })).entries).toEqual([expect.objectContaining({ source: 'terminal', executed: true })]);
  });

  it('installs one fault on every account and clears them all; paths ["*"] takes a terminal down for reads too', async () => {
    const a = freshId('all');
    const b = freshId('all');
    await sim.admin.createAccounts([{ id: a, token: 'tok' }, { id: b, token: 'tok' }]);
    const ids = await sim.admin.injectFaultEverywhere({ kind: 'disconnect', paths: ['*'] }, [a, b]);
    expect(Object.keys(ids).sort()).toEqual([a, b].sort());
    await expect(call(a, 'GET', 'account-information')).rejects.toThrow();
    await expect(call(b, 'POST', 'trade', { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.1 })).rejects.toThrow();
    expect(await sim.admin.clearAllFaults()).toBeGreaterThanOrEqual(2);
    expect((await call(a, 'GET', 'account-information')).status).toBe(200);
  });
});

describe('real clock', () => {
  it('moves market time with the wall clock from the given start, ticking prices and firing triggers on its own', async () => {
    const real = await startSimulator({ port: 0, seed: 9, clock: 'real', tickMs: 2, startTime: '2026-01-06T10:00:00.000Z', accounts: [{ id: 'r', token: 't' }] });
    try {
      const first = await real.admin.clock();
      expect(first.clock).toBe('real');
      expect(Date.parse(first.time)).toBeGreaterThanOrEqual(Date.parse('2026-01-06T10:00:00.000Z'));
      // a buy stop above the ask and a sell stop below the bid: the random walk reaches one of them. Quotes move
      // while we place them, so each is placed against a fresh price until the broker accepts it.
      const place = async (actionType: string, offset: number): Promise<void> => {
        for (let attempt = 0; attempt < 50; attempt++) {
          const q = (await callAccount(real.url, 'r', 't', 'GET', 'symbols/EURUSD/current-price')).body;
          const openPrice = +((offset > 0 ? q.ask : q.bid) + offset).toFixed(5);
          if ((await callAccount(real.url, 'r', 't', 'POST', 'trade', { actionType, symbol: 'EURUSD', volume: 0.1, openPrice })).body.numericCode === 10008) return;
        }
        throw new Error(`could not place ${actionType}`);
      };
      await place('ORDER_TYPE_BUY_STOP', 0.0002);
      await place('ORDER_TYPE_SELL_STOP', -0.0002);
      const deadline = Date.now() + 20_000;
      let filled = 0;
      while (filled === 0 && Date.now() < deadline) {
        filled = (await callAccount(real.url, 'r', 't', 'GET', 'positions')).body.length;
        if (filled === 0) await new Promise((r) => setTimeout(r, 50));
      }
      expect(filled).toBeGreaterThan(0);
      expect((await real.admin.clock()).tick).toBeGreaterThan(first.tick);
    } finally {
      await real.close();
    }
  });
});

describe('determinism', () => {
  it('given the same seed and the same requests, two simulators answer byte for byte the same (quotes, slippage, ids, times)', async () => {
    const run = async (): Promise<string> => {
      const s = await startSimulator({ port: 0, seed: 21, accounts: [{ id: 'd', token: 't', slippagePoints: 7, commissionPerLot: 2 }] });
      try {
        const out: unknown[] = [];
        for (let i = 0; i < 10; i++) {
          await s.admin.advanceClock({ ticks: 37 });
          const symbol = ['EURUSD', 'XAUUSD', 'US500'][i % 3]!;
          out.push((await callAccount(s.url, 'd', 't', 'POST', 'trade', { actionType: i % 2 ? 'ORDER_TYPE_SELL' : 'ORDER_TYPE_BUY', symbol, volume: symbol === 'US500' ? 0.2 : 0.02 })).body);
        }
        out.push((await callAccount(s.url, 'd', 't', 'GET', 'positions')).body, (await callAccount(s.url, 'd', 't', 'GET', 'account-information')).body);
        return JSON.stringify(out);
      } finally {
        await s.close();
      }
    };
    const first = await run();
    expect(await run()).toBe(first);
    expect(JSON.parse(first).slice(0, 10).every((r: { numericCode: number }) => r.numericCode === 10009)).toBe(true);
  });
});
