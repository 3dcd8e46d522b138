import { newAccount, newEngine, quote, trade } from '../test-support/engine';

// Position bookkeeping: partial close, hedging vs netting, close-by, close by symbol, deals and history orders.

describe('hedging', () => {
  it('given two buys, then there are two positions, each with the id of its opening order', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1);
    const account = newAccount(engine);
    const a = trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.1, clientId: 'A' });
    const b = trade(engine, account, { actionType: 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 0.2, clientId: 'B' });
    expect(a.positionId).toBe(a.orderId);
    expect(b.positionId).not.toBe(a.positionId);
    expect([...account.positions.values()].map((p) => [p.side, p.volume, p.clientId])).toEqual([
      ['buy', 0.1, 'A'],
      ['sell', 0.2, 'B'],
    ]);
  });

  it('given a 1 lot buy at 1.1, when 0.3 is closed at 1.102, then 0.7 stays open and the OUT deal books 0.3 * 100000 * 0.002 = 60 USD', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1);
    const account = newAccount(engine, { balance: 10_000, commissionPerLot: 5 });
    const positionId = trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1, clientId: 'OPEN' }).positionId!;
    quote(engine, 'EURUSD', 1.102);
    const r = trade(engine, account, { actionType: 'POSITION_PARTIAL', positionId, volume: 0.3, clientId: 'PART' });
    expect(r.response).toMatchObject({ numericCode: 10009, positionId });
    const p = account.positions.get(positionId)!;
    expect(p.volume).toBe(0.7);
    const out = account.deals.at(-1)!;
    expect(out).toMatchObject({ type: 'DEAL_TYPE_SELL', entryType: 'DEAL_ENTRY_OUT', volume: 0.3, price: 1.102, profit: 60, commission: -1.5, positionId, clientId: 'PART', reason: 'DEAL_REASON_EXPERT' });
    // 10000 - 5 (open commission) + 60 - 1.5
    expect(account.balance).toBeCloseTo(10_053.5, 6);
    const closeOrder = account.historyOrderById.get(r.orderId!)!;
    expect(closeOrder).toMatchObject({ type: 'ORDER_TYPE_SELL', state: 'ORDER_STATE_FILLED', positionId, volume: 0.3 });
  });

  it('given a full close, then the position disappears and its history holds the IN and OUT deals', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1);
    const account = newAccount(engine);
    const positionId = trade(engine, account, { actionType: 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 0.5 }).positionId!;
    quote(engine, 'EURUSD', 1.099);
    trade(engine, account, { actionType: 'POSITION_CLOSE_ID', positionId });
    expect(account.positions.size).toBe(0);
    const deals = account.deals.filter((d) => d.positionId === positionId);
    expect(deals.map((d) => [d.entryType, d.type, d.profit])).toEqual([
      ['DEAL_ENTRY_IN', 'DEAL_TYPE_SELL', 0],
      ['DEAL_ENTRY_OUT', 'DEAL_TYPE_BUY', 50],
    ]);
  });

  it('given a buy 1.0 at 1.1 and a sell 0.4 at 1.105, when closed by each other, then 0.4 of each closes at 1.105 (profit 200) and 0.6 buy remains', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1);
    const account = newAccount(engine);
    const buyId = trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1 }).positionId!;
    quote(engine, 'EURUSD', 1.105);
    const sellId = trade(engine, account, { actionType: 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 0.4 }).positionId!;
    const before = account.balance;
    const r = trade(engine, account, { actionType: 'POSITION_CLOSE_BY', positionId: buyId, closeByPositionId: sellId });
    expect(r.response.numericCode).toBe(10009);
    expect(account.positions.has(sellId)).toBe(false);
    expect(account.positions.get(buyId)!.volume).toBe(0.6);
    expect(account.balance - before).toBeCloseTo(200, 6);
    expect(account.deals.slice(-2).map((d) => d.entryType)).toEqual(['DEAL_ENTRY_OUT_BY', 'DEAL_ENTRY_OUT_BY']);
    expect(account.historyOrderById.get(r.orderId!)).toMatchObject({ type: 'ORDER_TYPE_CLOSE_BY', positionId: buyId, closeByPositionId: sellId });
  });

  it('refuses close-by of two positions in the same direction with 10013', () => {
    const engine = newEngine();
    const account = newAccount(engine);
    const a = trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.1 }).positionId!;
    const b = trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.1 }).positionId!;
    expect(trade(engine, account, { actionType: 'POSITION_CLOSE_BY', positionId: a, closeByPositionId: b }).response.numericCode).toBe(10013);
  });

  it('closes every position of a symbol with POSITIONS_CLOSE_SYMBOL and leaves other symbols alone', () => {
    const engine = newEngine();
    const account = newAccount(engine);
    trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.1 });
    trade(engine, account, { actionType: 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 0.2 });
    trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'GBPUSD', volume: 0.1 });
    expect(trade(engine, account, { actionType: 'POSITIONS_CLOSE_SYMBOL', symbol: 'EURUSD' }).response.numericCode).toBe(10009);
    expect([...account.positions.values()].map((p) => p.symbol)).toEqual(['GBPUSD']);
    expect(trade(engine, account, { actionType: 'POSITIONS_CLOSE_SYMBOL', symbol: 'EURUSD' }).response.numericCode).toBe(4753);
  });
});

describe('netting', () => {
  it('given a buy of 1 at 1.1 and a buy of 1 at 1.102, then one position of 2 lots at the average 1.101', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1);
    const account = newAccount(engine, { marginMode: 'netting' });
    const first = trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1 });
    quote(engine, 'EURUSD', 1.102);
    const second = trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1 });
    expect(second.positionId).toBe(first.positionId);
    expect(account.positions.size).toBe(1);
    const p = account.positions.get(first.positionId!)!;
    expect(p.volume).toBe(2);
    expect(p.openPrice).toBeCloseTo(1.101, 8);
  });

  it('given a 1 lot buy, when selling 0.4, then it is reduced with an OUT deal; when selling 1.6, it reverses to a 1.0 sell with an INOUT deal and keeps its id', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1);
    const account = newAccount(engine, { marginMode: 'netting' });
    const id = trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1 }).positionId!;
    quote(engine, 'EURUSD', 1.101);
    trade(engine, account, { actionType: 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 0.4 });
    expect(account.positions.get(id)).toMatchObject({ side: 'buy', volume: 0.6 });
    expect(account.deals.at(-1)).toMatchObject({ entryType: 'DEAL_ENTRY_OUT', profit: 40 });
    const r = trade(engine, account, { actionType: 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 1.6, stopLoss: 1.11 });
    expect(r.positionId).toBe(id);
    expect(account.positions.get(id)).toMatchObject({ side: 'sell', volume: 1, openPrice: 1.101, stopLoss: 1.11 });
    expect(account.deals.at(-1)).toMatchObject({ entryType: 'DEAL_ENTRY_INOUT', volume: 1.6, profit: 60 });
  });

  it('given an exactly opposite deal, then the position closes', () => {
    const engine = newEngine();
    const account = newAccount(engine, { marginMode: 'netting' });
    trade(engine, account, { actionType: 'ORDER_TYPE_SELL', symbol: 'USDJPY', volume: 0.3 });
    trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'USDJPY', volume: 0.3 });
    expect(account.positions.size).toBe(0);
  });

  it('keeps MT4 accounts hedging whatever marginMode says (the admin API refuses netting with a 400)', () => {
    const engine = newEngine();
    expect(newAccount(engine, { platform: 'mt4', marginMode: 'netting' }).config.marginMode).toBe('hedging');
  });
});

describe('modifications', () => {
  it('POSITION_MODIFY sets SL and TP, keeps an omitted one, and 0 removes it', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1, 1.1001);
    const account = newAccount(engine);
    const positionId = trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.1 }).positionId!;
    expect(trade(engine, account, { actionType: 'POSITION_MODIFY', positionId, stopLoss: 1.09, takeProfit: 1.12 }).response.numericCode).toBe(10009);
    trade(engine, account, { actionType: 'POSITION_MODIFY', positionId, stopLoss: 1.095 });
    expect(account.positions.get(positionId)).toMatchObject({ stopLoss: 1.095, takeProfit: 1.12 });
    trade(engine, account, { actionType: 'POSITION_MODIFY', positionId, takeProfit: 0 });
    expect(account.positions.get(positionId)!.takeProfit).toBeUndefined();
  });

  it('ORDER_MODIFY moves a pending order and ORDER_CANCEL moves it to history as CANCELED', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1, 1.1001);
    const account = newAccount(engine);
    const orderId = trade(engine, account, { actionType: 'ORDER_TYPE_SELL_LIMIT', symbol: 'EURUSD', volume: 0.1, openPrice: 1.102 }).orderId!;
    expect(trade(engine, account, { actionType: 'ORDER_MODIFY', orderId, openPrice: 1.103, stopLoss: 1.104 }).response.numericCode).toBe(10009);
    expect(account.orders.get(orderId)).toMatchObject({ openPrice: 1.103, stopLoss: 1.104 });
    expect(trade(engine, account, { actionType: 'ORDER_MODIFY', orderId, openPrice: 1.0999 }).response.numericCode).toBe(10015);
    expect(trade(engine, account, { actionType: 'ORDER_CANCEL', orderId }).response.numericCode).toBe(10009);
    expect(account.orders.size).toBe(0);
    expect(account.historyOrderById.get(orderId)!.state).toBe('ORDER_STATE_CANCELED');
  });
});

describe('MT4 tickets', () => {
  it('given an MT4 partial close, then the remainder lives on under a new ticket commented "from #<old>", and the old ticket is gone (4108)', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1);
    const account = newAccount(engine, { platform: 'mt4' });
    const oldId = trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1, clientId: 'TB_4' }).positionId!;
    const r = trade(engine, account, { actionType: 'POSITION_PARTIAL', positionId: oldId, volume: 0.4 });
    expect(r.response).toMatchObject({ numericCode: 0, positionId: oldId });
    const [remainder] = [...account.positions.values()];
    expect(remainder).toMatchObject({ volume: 0.6, comment: `from #${oldId}`, clientId: 'TB_4' });
    expect(remainder!.id).not.toBe(oldId);
    expect(trade(engine, account, { actionType: 'POSITION_CLOSE_ID', positionId: oldId }).response.numericCode).toBe(4108);
    expect(trade(engine, account, { actionType: 'POSITION_CLOSE_ID', positionId: remainder!.id }).response.numericCode).toBe(0);
  });

  it('given an MT5 partial close, then the position keeps its id', () => {
    const engine = newEngine();
    const account = newAccount(engine);
    const id = trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1 }).positionId!;
    trade(engine, account, { actionType: 'POSITION_PARTIAL', positionId: id, volume: 0.4 });
    expect([...account.positions.keys()]).toEqual([id]);
  });
});
