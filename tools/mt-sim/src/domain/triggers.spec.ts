import { MONDAY_NOON_BROKER, newAccount, newEngine, quote, trade } from '../test-support/engine';
import { Engine } from './engine';

// What the market does on its own: pending order triggers, SL/TP, expiry, stop-out, swaps and the price feed.

describe('pending order triggers', () => {
  it('given a buy limit at 1.099, when the ask drops to 1.0989, then it fills at the better 1.0989 and the position carries its tags', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1, 1.1001);
    const account = newAccount(engine);
    const orderId = trade(engine, account, {
      actionType: 'ORDER_TYPE_BUY_LIMIT',
      symbol: 'EURUSD',
      volume: 0.2,
      openPrice: 1.099,
      stopLoss: 1.095,
      clientId: 'TB_lim',
      magic: 7,
    }).orderId!;
    quote(engine, 'EURUSD', 1.0995, 1.0996);
    expect(account.orders.has(orderId)).toBe(true);
    const events = engine.setPrices([{ symbol: 'EURUSD', bid: 1.0988, ask: 1.0989 }]);
    expect(events).toEqual([{ kind: 'order-filled', orderId, positionId: orderId }]);
    expect(account.positions.get(orderId)).toMatchObject({ side: 'buy', volume: 0.2, openPrice: 1.0989, stopLoss: 1.095, clientId: 'TB_lim', magic: 7 });
    expect(account.historyOrderById.get(orderId)).toMatchObject({ state: 'ORDER_STATE_FILLED', positionId: orderId, currentVolume: 0 });
  });

  it('given a sell stop at 1.099, when the bid gaps to 1.0985, then it fills at market 1.0985', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1, 1.1001);
    const account = newAccount(engine);
    const orderId = trade(engine, account, { actionType: 'ORDER_TYPE_SELL_STOP', symbol: 'EURUSD', volume: 0.1, openPrice: 1.099 }).orderId!;
    quote(engine, 'EURUSD', 1.0985, 1.0986);
    expect(account.positions.get(orderId)).toMatchObject({ side: 'sell', openPrice: 1.0985 });
  });

  it('given a buy stop-limit 1.101 / 1.1005, when the ask reaches 1.1012 it becomes a buy limit at 1.1005, and fills when the ask falls to 1.1004', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1, 1.1001);
    const account = newAccount(engine);
    const orderId = trade(engine, account, {
      actionType: 'ORDER_TYPE_BUY_STOP_LIMIT',
      symbol: 'EURUSD',
      volume: 0.1,
      openPrice: 1.101,
      stopLimitPrice: 1.1005,
    }).orderId!;
    expect(engine.setPrices([{ symbol: 'EURUSD', bid: 1.1011, ask: 1.1012 }])).toEqual([{ kind: 'order-triggered', orderId }]);
    expect(account.orders.get(orderId)).toMatchObject({ type: 'ORDER_TYPE_BUY_LIMIT', openPrice: 1.1005, stopLimitPrice: 1.1005 });
    quote(engine, 'EURUSD', 1.1003, 1.1004);
    expect(account.positions.get(orderId)).toMatchObject({ side: 'buy', openPrice: 1.1004 });
  });

  it('given a pending order that margin no longer covers when it triggers, then it is rejected into history', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1, 1.1001);
    const account = newAccount(engine, { balance: 2000 });
    const orderId = trade(engine, account, { actionType: 'ORDER_TYPE_BUY_STOP', symbol: 'EURUSD', volume: 1, openPrice: 1.102 }).orderId!;
    engine.get(account.config.id)!.account.bookBalance(-1500, engine.now, 'Withdrawal');
    quote(engine, 'EURUSD', 1.102, 1.1021);
    expect(account.positions.size).toBe(0);
    expect(account.historyOrderById.get(orderId)!.state).toBe('ORDER_STATE_REJECTED');
  });
});

describe('stop loss and take profit', () => {
  it('given a buy with SL 1.099, when the bid touches 1.0989, then it closes at the bid with reason SL and comment [sl 1.09900]', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1, 1.1001);
    const account = newAccount(engine);
    const positionId = trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1, stopLoss: 1.099, clientId: 'C1' }).positionId!;
    const events = engine.setPrices([{ symbol: 'EURUSD', bid: 1.0989, ask: 1.099 }]);
    expect(events).toEqual([{ kind: 'stop-loss', positionId }]);
    expect(account.positions.size).toBe(0);
    expect(account.deals.at(-1)).toMatchObject({ entryType: 'DEAL_ENTRY_OUT', reason: 'DEAL_REASON_SL', price: 1.0989, comment: '[sl 1.09900]', clientId: 'C1', profit: -120 });
  });

  it('given a sell with TP 1.098, when the ask falls to 1.098, then it closes with reason TP', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1, 1.1001);
    const account = newAccount(engine);
    const positionId = trade(engine, account, { actionType: 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 0.1, takeProfit: 1.098 }).positionId!;
    quote(engine, 'EURUSD', 1.0981, 1.0982);
    expect(account.positions.has(positionId)).toBe(true);
    quote(engine, 'EURUSD', 1.0979, 1.098);
    expect(account.positions.has(positionId)).toBe(false);
    expect(account.deals.at(-1)).toMatchObject({ reason: 'DEAL_REASON_TP', price: 1.098, profit: 20 });
  });
});

describe('server-side trailing stop', () => {
  it('given a buy trailing 20 points, then the SL follows rises at most every 15 s, never falls back, and finally stops the position out', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1);
    const account = newAccount(engine);
    const positionId = trade(engine, account, {
      actionType: 'ORDER_TYPE_BUY',
      symbol: 'EURUSD',
      volume: 0.1,
      trailingStopLoss: { distance: { distance: 20, units: 'RELATIVE_POINTS' } },
    }).positionId!;
    quote(engine, 'EURUSD', 1.101);
    expect(account.positions.get(positionId)!.stopLoss).toBe(1.1008);
    quote(engine, 'EURUSD', 1.102);
    expect(account.positions.get(positionId)!.stopLoss).toBe(1.1008); // moved less than 15 s ago
    engine.advanceTo(engine.now + 15_000, false);
    expect(account.positions.get(positionId)!.stopLoss).toBe(1.1018);
    engine.advanceTo(engine.now + 15_000, false);
    quote(engine, 'EURUSD', 1.1019);
    expect(account.positions.get(positionId)!.stopLoss).toBe(1.1018);
    quote(engine, 'EURUSD', 1.1017);
    expect(account.positions.has(positionId)).toBe(false);
    expect(account.deals.at(-1)).toMatchObject({ reason: 'DEAL_REASON_SL', price: 1.1017 });
  });

  it('given POSITION_MODIFY with only a trailing distance, then it is a change (10009), and the same again is no change (10025)', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1, 1.1001);
    const account = newAccount(engine);
    const positionId = trade(engine, account, { actionType: 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 0.1 }).positionId!;
    const trailing = { trailingStopLoss: { distance: { distance: 0.001, units: 'RELATIVE_PRICE' } } };
    expect(trade(engine, account, { actionType: 'POSITION_MODIFY', positionId, ...trailing }).response.numericCode).toBe(10009);
    expect(trade(engine, account, { actionType: 'POSITION_MODIFY', positionId, ...trailing }).response.numericCode).toBe(10025);
    engine.advanceTo(engine.now + 250, false);
    expect(account.positions.get(positionId)!.stopLoss).toBe(1.1011); // ask + 0.001
  });
});

describe('expiration', () => {
  it('given a DAY order placed at noon broker time, then it lives until broker midnight and then moves to history as EXPIRED', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1, 1.1001);
    const account = newAccount(engine);
    const orderId = trade(engine, account, { actionType: 'ORDER_TYPE_BUY_LIMIT', symbol: 'EURUSD', volume: 0.1, openPrice: 1.09, expiration: { type: 'ORDER_TIME_DAY' } }).orderId!;
    const brokerMidnight = Date.parse('2026-01-05T22:00:00Z');
    expect(account.orders.get(orderId)!.expirationTime).toBe(brokerMidnight);
    engine.advanceTo(brokerMidnight - 1, false);
    expect(account.orders.has(orderId)).toBe(true);
    const events = engine.advanceTo(brokerMidnight, false);
    expect(events).toContainEqual({ kind: 'order-expired', orderId });
    expect(account.historyOrderById.get(orderId)).toMatchObject({ state: 'ORDER_STATE_EXPIRED', doneTime: brokerMidnight });
  });

  it('given SPECIFIED expiration in one hour, then it expires one hour later', () => {
    const engine = newEngine();
    const account = newAccount(engine);
    const q = engine.market.quote('EURUSD')!;
    const at = MONDAY_NOON_BROKER + 3_600_000;
    const orderId = trade(engine, account, {
      actionType: 'ORDER_TYPE_SELL_LIMIT',
      symbol: 'EURUSD',
      volume: 0.1,
      openPrice: q.bid + 0.05,
      expiration: { type: 'ORDER_TIME_SPECIFIED', time: new Date(at).toISOString() },
    }).orderId!;
    engine.advanceTo(at - 250, false);
    expect(account.orders.has(orderId)).toBe(true);
    engine.advanceTo(at, false);
    expect(account.orders.has(orderId)).toBe(false);
  });
});

describe('stop-out', () => {
  it('given 1000 USD with buys of 0.5 and 0.3 EURUSD at 1.1, when the price falls to 1.0925 (level 45.8%), then only the most losing position is closed', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1);
    const account = newAccount(engine, { balance: 1000, leverage: 100, stopOutLevel: 50 });
    const big = trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.5 }).positionId!;
    const small = trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.3 }).positionId!;
    // at 1.093: equity 1000 - 560 = 440, margin 800 * 1.093 = 874.4, level 50.3% -> nothing happens
    expect(engine.setPrices([{ symbol: 'EURUSD', bid: 1.093, ask: 1.093 }])).toEqual([]);
    // at 1.0925: equity 400, margin 874, level 45.77%
    const events = engine.setPrices([{ symbol: 'EURUSD', bid: 1.0925, ask: 1.0925 }]);
    expect(events).toEqual([{ kind: 'stop-out', positionId: big, marginLevel: 45.77 }]);
    expect([...account.positions.keys()]).toEqual([small]);
    expect(account.deals.at(-1)).toMatchObject({ reason: 'DEAL_REASON_SO', profit: -375 });
    expect(String(account.deals.at(-1)!.comment)).toMatch(/^\[so 45\.77%\]$/);
  });
});

describe('swaps', () => {
  it('given 1 lot EURUSD long (swap -7.2 points), from Monday noon to Thursday 01:00 broker time, then swap is -7.2 * (1 + 1 + 3) = -36 USD', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1);
    const account = newAccount(engine);
    const positionId = trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1 }).positionId!;
    engine.advanceTo(Date.parse('2026-01-07T23:00:00Z'), false);
    expect(account.positions.get(positionId)!.swap).toBeCloseTo(-36, 6);
    trade(engine, account, { actionType: 'POSITION_CLOSE_ID', positionId });
    expect(account.deals.at(-1)!.swap).toBeCloseTo(-36, 6);
  });
});

describe('weekend swaps', () => {
  it('given a position held from Friday to Monday, then only the rollover into Saturday is charged (the weekend is in Wednesday\'s triple)', () => {
    const engine = newEngine(Date.parse('2026-01-09T10:00:00Z')); // Friday 12:00 broker
    quote(engine, 'EURUSD', 1.1);
    const account = newAccount(engine);
    const positionId = trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1 }).positionId!;
    engine.advanceTo(Date.parse('2026-01-11T23:00:00Z'), false); // Monday 01:00 broker
    expect(account.positions.get(positionId)!.swap).toBeCloseTo(-7.2, 6);
  });
});

describe('price feed', () => {
  const pricesAfter = (seed: number, ticks: number): number[] => {
    const engine = new Engine({ seed, startTime: MONDAY_NOON_BROKER, tickMs: 250 });
    engine.advanceTo(MONDAY_NOON_BROKER + ticks * 250);
    return engine.market.symbols().flatMap((s) => [engine.market.quote(s)!.bid, engine.market.quote(s)!.ask]);
  };

  it('is deterministic given the seed and the tick count', () => {
    expect(pricesAfter(42, 500)).toEqual(pricesAfter(42, 500));
    expect(pricesAfter(42, 500)).not.toEqual(pricesAfter(43, 500));
    expect(pricesAfter(42, 500)).not.toEqual(pricesAfter(42, 0));
  });

  it('keeps the spread and the digits while walking', () => {
    const engine = new Engine({ seed: 1, startTime: MONDAY_NOON_BROKER, tickMs: 250 });
    engine.advanceTo(MONDAY_NOON_BROKER + 600_000);
    const q = engine.market.quote('EURUSD')!;
    expect(Math.round((q.ask - q.bid) / 0.00001)).toBe(10);
    expect(Number(q.bid.toFixed(5))).toBe(q.bid);
  });

  it('does not move forex quotes at the weekend', () => {
    const engine = new Engine({ seed: 1, startTime: Date.parse('2026-01-09T22:00:01Z'), tickMs: 250 }); // Saturday 00:00:01 broker
    const before = { ...engine.market.quote('EURUSD')! };
    engine.advanceTo(Date.parse('2026-01-09T23:00:00Z'));
    expect(engine.market.quote('EURUSD')).toMatchObject({ bid: before.bid, ask: before.ask });
  });
});
