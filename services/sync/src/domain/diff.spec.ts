import { diffSnapshots, looksLikeEmptyRestart } from './diff';
import { T0, deal, order, position, state } from './spec-builders';

const kinds = (changes: { kind: string }[]) => changes.map((c) => c.kind);

describe('diffSnapshots', () => {
  it('given no previous snapshot, when the first one arrives, then it is a baseline without changes', () => {
    const changes = diffSnapshots({ previous: undefined, current: state([position('1')], [order('2')]), newDeals: [], atMs: T0 });
    expect(changes).toEqual([]);
  });

  it('given an unchanged terminal, when synced again, then nothing changed', () => {
    const s = state([position('1', { stopLoss: 1.09 })], [order('2')]);
    expect(diffSnapshots({ previous: s, current: state([position('1', { stopLoss: 1.09 })], [order('2')]), newDeals: [], atMs: T0 })).toEqual([]);
  });

  it('given a new position with our clientId, when synced, then POSITION_OPENED carries its volume, price and intent', () => {
    const changes = diffSnapshots({
      previous: state(),
      current: state([position('7', { volume: 0.3, openPrice: 1.2345, clientId: 'TBABC' })]),
      newDeals: [deal('70', { positionId: '7', entry: 'in', type: 'buy' })],
      intentOf: (c) => (c === 'TBABC' ? 'intent-1' : ''),
      atMs: T0,
    });
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'SYNC_CHANGE_KIND_POSITION_OPENED', positionId: '7', volume: 0.3, price: 1.2345, intentId: 'intent-1', dealId: '70', symbol: 'EURUSD' }),
    ]);
  });

  it('given a position, when its stop-loss moves, then POSITION_MODIFIED', () => {
    const changes = diffSnapshots({ previous: state([position('1', { stopLoss: 1.09 })]), current: state([position('1', { stopLoss: 1.095 })]), newDeals: [], atMs: T0 });
    expect(kinds(changes)).toEqual(['SYNC_CHANGE_KIND_POSITION_MODIFIED']);
  });

  it('given a position, when its take-profit is removed, then POSITION_MODIFIED', () => {
    const changes = diffSnapshots({ previous: state([position('1', { takeProfit: 1.2 })]), current: state([position('1')]), newDeals: [], atMs: T0 });
    expect(kinds(changes)).toEqual(['SYNC_CHANGE_KIND_POSITION_MODIFIED']);
  });

  it('given a 0.3 lot position, when 0.1 lot is closed, then POSITION_PARTIALLY_CLOSED with the closed volume and the deal', () => {
    const changes = diffSnapshots({
      previous: state([position('1', { volume: 0.3 })]),
      current: state([position('1', { volume: 0.2 })]),
      newDeals: [deal('9', { positionId: '1', volume: 0.1, price: 1.105, profit: 5 })],
      atMs: T0,
    });
    expect(changes).toEqual([expect.objectContaining({ kind: 'SYNC_CHANGE_KIND_POSITION_PARTIALLY_CLOSED', positionId: '1', volume: 0.1, price: 1.105, profit: 5, dealId: '9' })]);
  });

  it('given an MT4 ticket, when partially closed (rest reopened "from #old"), then one partial close of the old ticket and no open', () => {
    const changes = diffSnapshots({
      previous: state([position('100', { volume: 0.3 })]),
      current: state([position('101', { volume: 0.2, comment: 'from #100' })]),
      newDeals: [deal('5', { positionId: '100', volume: 0.1 })],
      atMs: T0,
    });
    expect(changes).toEqual([expect.objectContaining({ kind: 'SYNC_CHANGE_KIND_POSITION_PARTIALLY_CLOSED', positionId: '100', volume: 0.1 })]);
  });

  it.each([
    ['DEAL_REASON_SL', 'SYNC_CHANGE_KIND_STOP_LOSS_HIT'],
    ['DEAL_REASON_TP', 'SYNC_CHANGE_KIND_TAKE_PROFIT_HIT'],
    ['DEAL_REASON_SO', 'SYNC_CHANGE_KIND_STOP_OUT'],
    ['DEAL_REASON_EXPERT', 'SYNC_CHANGE_KIND_POSITION_CLOSED'],
    ['DEAL_REASON_CLIENT', 'SYNC_CHANGE_KIND_POSITION_CLOSED'],
  ])('given a closing deal with reason %s, when the position is gone, then %s', (reason, kind) => {
    const changes = diffSnapshots({
      previous: state([position('1', { stopLoss: 1.09, takeProfit: 1.12 })]),
      current: state(),
      newDeals: [deal('9', { positionId: '1', reason, price: 1.0899, profit: -10.1 })],
      atMs: T0,
    });
    expect(changes).toEqual([expect.objectContaining({ kind, positionId: '1', volume: 0.1, price: 1.0899, profit: -10.1, dealId: '9' })]);
  });

  it('given a closing deal without a reason at or beyond the stop-loss of a sell, when the position is gone, then STOP_LOSS_HIT', () => {
    const changes = diffSnapshots({
      previous: state([position('1', { side: 'sell', stopLoss: 1.11 })]),
      current: state(),
      newDeals: [deal('9', { positionId: '1', type: 'buy', price: 1.1102 })],
      atMs: T0,
    });
    expect(kinds(changes)).toEqual(['SYNC_CHANGE_KIND_STOP_LOSS_HIT']);
  });

  it('given a buy closed without a reason beyond its take-profit, then TAKE_PROFIT_HIT', () => {
    const changes = diffSnapshots({ previous: state([position('1', { takeProfit: 1.12 })]), current: state(), newDeals: [deal('9', { positionId: '1', price: 1.1201 })], atMs: T0 });
    expect(kinds(changes)).toEqual(['SYNC_CHANGE_KIND_TAKE_PROFIT_HIT']);
  });

  it('given a position gone without any closing deal, then POSITION_CLOSED at its last price', () => {
    const changes = diffSnapshots({ previous: state([position('1', { currentPrice: 1.1033 })]), current: state(), newDeals: [], atMs: T0 });
    expect(changes).toEqual([expect.objectContaining({ kind: 'SYNC_CHANGE_KIND_POSITION_CLOSED', price: 1.1033 })]);
    expect(changes[0]).not.toHaveProperty('profit');
  });

  it('given a new pending order, then ORDER_PLACED; given its price changed, then ORDER_MODIFIED', () => {
    expect(kinds(diffSnapshots({ previous: state(), current: state([], [order('5')]), newDeals: [], atMs: T0 }))).toEqual(['SYNC_CHANGE_KIND_ORDER_PLACED']);
    expect(kinds(diffSnapshots({ previous: state([], [order('5')]), current: state([], [order('5', { openPrice: 1.08 })]), newDeals: [], atMs: T0 }))).toEqual(['SYNC_CHANGE_KIND_ORDER_MODIFIED']);
  });

  it('given a stop-limit order, when it becomes a limit order, then ORDER_MODIFIED', () => {
    const changes = diffSnapshots({ previous: state([], [order('5', { type: 'buy_stop_limit' })]), current: state([], [order('5', { type: 'buy_limit' })]), newDeals: [], atMs: T0 });
    expect(kinds(changes)).toEqual(['SYNC_CHANGE_KIND_ORDER_MODIFIED']);
  });

  it('given a pending order, when a position with its ticket appears, then ORDER_TRIGGERED (not a separate open) with the fill', () => {
    const changes = diffSnapshots({
      previous: state([], [order('5')]),
      current: state([position('5', { openPrice: 1.0899 })]),
      newDeals: [deal('50', { orderId: '5', positionId: '5', entry: 'in', type: 'buy', price: 1.0899 })],
      atMs: T0,
    });
    expect(changes).toEqual([expect.objectContaining({ kind: 'SYNC_CHANGE_KIND_ORDER_TRIGGERED', orderId: '5', positionId: '5', price: 1.0899, dealId: '50' })]);
  });

  it('given a pending order on a netting account, when it fills into the existing position, then ORDER_TRIGGERED and the position modified', () => {
    const changes = diffSnapshots({
      previous: state([position('1', { volume: 0.1 })], [order('5')]),
      current: state([position('1', { volume: 0.2 })]),
      newDeals: [deal('50', { orderId: '5', positionId: '1', entry: 'in', type: 'buy', price: 1.09 })],
      atMs: T0,
    });
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'SYNC_CHANGE_KIND_ORDER_TRIGGERED', orderId: '5', positionId: '1' }),
      expect.objectContaining({ kind: 'SYNC_CHANGE_KIND_POSITION_MODIFIED', positionId: '1', volume: 0.2 }),
    ]);
  });

  it.each([
    ['expired', 'SYNC_CHANGE_KIND_ORDER_EXPIRED'],
    ['canceled', 'SYNC_CHANGE_KIND_ORDER_CANCELLED'],
    ['rejected', 'SYNC_CHANGE_KIND_ORDER_CANCELLED'],
    ['filled', 'SYNC_CHANGE_KIND_ORDER_TRIGGERED'],
  ] as const)('given an order gone whose history state is %s, then %s', (outcome, kind) => {
    const changes = diffSnapshots({ previous: state([], [order('5')]), current: state(), newDeals: [], orderOutcomes: new Map([['5', outcome]]), atMs: T0 });
    expect(kinds(changes)).toEqual([kind]);
  });

  it('given an order gone without history after its expiry time, then ORDER_EXPIRED; before it, ORDER_CANCELLED', () => {
    const o = order('5', { expiration: { type: 'specified', time: new Date(T0 + 60_000) } });
    expect(kinds(diffSnapshots({ previous: state([], [o]), current: state(), newDeals: [], atMs: T0 + 61_000 }))).toEqual(['SYNC_CHANGE_KIND_ORDER_EXPIRED']);
    expect(kinds(diffSnapshots({ previous: state([], [o]), current: state(), newDeals: [], atMs: T0 + 1_000 }))).toEqual(['SYNC_CHANGE_KIND_ORDER_CANCELLED']);
  });

  it('given a balance deal, when synced (even the first time), then BALANCE_OPERATION with the amount', () => {
    const changes = diffSnapshots({ previous: undefined, current: state(), newDeals: [deal('3', { type: 'balance', entry: undefined, profit: 500 })], atMs: T0 });
    expect(changes).toEqual([expect.objectContaining({ kind: 'SYNC_CHANGE_KIND_BALANCE_OPERATION', dealId: '3', profit: 500 })]);
  });

  it('given several things at once, then changes come in a fixed order: orders, opens, modifications, closes', () => {
    const changes = diffSnapshots({
      previous: state([position('1'), position('2', { stopLoss: 1 })], []),
      current: state([position('2', { stopLoss: 1.05 }), position('3')], [order('4')]),
      newDeals: [],
      atMs: T0,
    });
    expect(kinds(changes)).toEqual(['SYNC_CHANGE_KIND_ORDER_PLACED', 'SYNC_CHANGE_KIND_POSITION_OPENED', 'SYNC_CHANGE_KIND_POSITION_CLOSED', 'SYNC_CHANGE_KIND_POSITION_MODIFIED']);
  });
});

describe('looksLikeEmptyRestart', () => {
  it('given open positions, when the terminal answers none and no deal closed them, then the answer is suspect', () => {
    expect(looksLikeEmptyRestart(state([position('1'), position('2')]), state(), [])).toBe(true);
  });

  it('given open positions, when a closing deal explains one of them, then the answer is believed', () => {
    expect(looksLikeEmptyRestart(state([position('1'), position('2')]), state(), [deal('9', { positionId: '1' })])).toBe(false);
  });

  it('given no positions before, or some left now, then the answer is believed', () => {
    expect(looksLikeEmptyRestart(state(), state(), [])).toBe(false);
    expect(looksLikeEmptyRestart(state([position('1'), position('2')]), state([position('2')]), [])).toBe(false);
  });
});
