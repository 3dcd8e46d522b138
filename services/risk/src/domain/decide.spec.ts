import { intentId } from '@tradebridge/contracts';
import { EURUSD, NOW, openSignal, riskPercent, riskState, view, XAUUSD } from '../../test/domain-fixtures';
import type { AccountView } from './account';
import { decide, type AccountDecision, type ApprovedDecision, type DecideOptions, type RejectedDecision, type RiskState } from './decide';
import type { IntentRecord, OpenIntent } from './intent';
import { intentKey } from './intent';
import { RejectionReason } from './rejection';
import type { CloseSignal, Signal } from './signal';
import { ALL_ACTIVE, applyTradingState } from './trading-state';

const options: DecideOptions = { intentIdOf: (s, a) => intentId(s, a) };

function decideOne(signal: Signal, account: AccountView, state: RiskState = riskState()): AccountDecision {
  const batch = decide(signal, [account], state, NOW, options);
  expect(batch.decisions).toHaveLength(1);
  return batch.decisions[0]!;
}

function approved(d: AccountDecision): ApprovedDecision & { intent: OpenIntent } {
  if (d.outcome !== 'APPROVED') throw new Error(`expected approval, got ${d.outcome}: ${'detail' in d ? d.detail : ''}`);
  return d as ApprovedDecision & { intent: OpenIntent };
}

function rejected(d: AccountDecision): RejectedDecision {
  if (d.outcome !== 'REJECTED') throw new Error(`expected rejection, got ${d.outcome}`);
  return d;
}

const riskAccount = (overrides: Parameters<typeof view>[0] = {}) =>
  view({ ...overrides, config: { sizing: riskPercent(1), ...overrides.config } });

describe('decide: approvals', () => {
  it('given a EURUSD buy with a 20-pip stop and a 1% USD account with suffix .m, then 0.50 lots of EURUSD.m with SL/TP and a deterministic intent id', () => {
    const account = riskAccount({ config: { mapping: { suffix: '.m' } }, specs: [{ ...EURUSD, symbol: 'EURUSD.m' }] });
    const batch = decide(openSignal(), [account], riskState(), NOW, options);
    const d = approved(batch.decisions[0]!);
    expect(d.intentId).toBe(intentId('sig-1', 'acc-1'));
    expect(d.intent).toMatchObject({
      kind: 'OPEN',
      brokerSymbol: 'EURUSD.m',
      symbol: 'EURUSD',
      direction: 'BUY',
      entry: 'MARKET',
      volume: 0.5,
      stopLoss: 1.083,
      takeProfit: 1.09,
      reversed: false,
    });
    // No expiry on the signal: accepted 50 ms ago + the 30 s default.
    expect(d.intent.deadline).toEqual(new Date(NOW.getTime() - 50 + 30_000));
    // 0.5 lots * 100,000 / 100 = 500 EUR = 550 USD at 1.10.
    expect(d.intent.margin?.marginInAccountCurrency).toBeCloseTo(550, 9);
    expect(batch.reservations).toEqual([
      expect.objectContaining({ intentId: d.intentId, brokerSymbol: 'EURUSD.m', volume: 0.5, riskMoney: 100, createdAt: NOW }),
    ]);
  });

  it('given a buy limit with a broker expiration, then the intent carries it; a market order never does', () => {
    const at = new Date(NOW.getTime() + 15_000);
    const limit = approved(decideOne(openSignal({ entry: 'LIMIT', entryPrice: 1.084, orderExpiresAt: at }), riskAccount()));
    expect(limit.intent).toMatchObject({ entry: 'LIMIT', entryPrice: 1.084, orderExpiresAt: at });
    const market = approved(decideOne(openSignal({ orderExpiresAt: at }), riskAccount()));
    expect(market.intent.orderExpiresAt).toBeUndefined();
  });

  it('given the same signal decided twice on fresh state, then the same intent id both times', () => {
    const a = decideOne(openSignal(), riskAccount());
    const b = decideOne(openSignal(), riskAccount());
    expect(a.intentId).toBe(b.intentId);
    expect(decideOne(openSignal({ signalId: 'sig-2' }), riskAccount()).intentId).not.toBe(a.intentId);
  });

  it('given an intent already recorded for the signal and account (a replay), then DUPLICATE and no reservation', () => {
    const record: IntentRecord = {
      intentId: intentId('sig-1', 'acc-1'),
      signalId: 'sig-1',
      accountId: 'acc-1',
      kind: 'OPEN',
      brokerSymbol: 'EURUSD',
      status: 'APPROVED',
      positions: [],
      orders: [],
    };
    const batch = decide(openSignal(), [riskAccount()], riskState({ intents: new Map([[intentKey('sig-1', 'acc-1'), record]]) }), NOW, options);
    expect(batch.decisions[0]).toEqual({ outcome: 'DUPLICATE', accountId: 'acc-1', subscriptionId: 'sub-1', intentId: record.intentId });
    expect(batch.reservations).toEqual([]);
  });

  it('given a market order and a quote, then the ask prices a buy: ask 1.08520, SL 1.08300 = 220 ticks -> 100 / 220 = 0.4545 -> 0.45 lots', () => {
    const d = approved(decideOne(openSignal(), riskAccount({ quotes: new Map([['EURUSD', { bid: 1.0851, ask: 1.0852 }]]) })));
    expect(d.intent.sizing.stopDistanceTicks).toBe(220);
    expect(d.intent.volume).toBe(0.45);
  });

  it('given GER40 on a USD account at 0.5% of 50,000, then 4.5 lots and margin 4.5 * 18,500 * 0.05 = 4,162.5 EUR = 4,578.75 USD', () => {
    const account = view({
      config: { sizing: riskPercent(0.5) },
      snapshot: { balance: 50_000, equity: 50_000, freeMargin: 50_000 },
    });
    const d = approved(decideOne(openSignal({ symbol: 'GER40', entryPrice: 18_500, stopLoss: 18_450, takeProfits: [18_600] }), account));
    expect(d.intent.volume).toBe(4.5);
    expect(d.intent.sizing.realRiskMoney).toBe(247.5);
    expect(d.intent.margin?.marginInAccountCurrency).toBeCloseTo(4578.75, 9);
  });

  it('given a reverse-copying subscription, then a BUY becomes a SELL with SL at the provider TP; sized on the new stop (50 pips -> 0.20 lots)', () => {
    // Provider: BUY 1.08500, SL 1.08300, TP 1.09000. Reversed: SELL, SL 1.09000 (500 ticks away), TP 1.08300. 100 / 500 = 0.2.
    const d = approved(decideOne(openSignal(), riskAccount({ subscription: { reverse: true } })));
    expect(d.intent).toMatchObject({ direction: 'SELL', stopLoss: 1.09, takeProfit: 1.083, reversed: true, volume: 0.2 });
  });

  it('given no EURUSD rate, then the order\'s own price converts its margin: 500 EUR * 1.085 = 542.50 USD', () => {
    const d = approved(decideOne(openSignal(), riskAccount(), riskState({ rates: {} })));
    expect(d.intent.margin?.marginInAccountCurrency).toBeCloseTo(542.5, 9);
  });

  it('given no rates at all, then USDJPY on a USD account converts its JPY tick value at its own price (150): 0.30 lots', () => {
    const d = approved(decideOne(openSignal({ symbol: 'USDJPY', entryPrice: 150, stopLoss: 149.5, takeProfits: [151] }), riskAccount(), riskState({ rates: {} })));
    expect(d.intent.volume).toBe(0.3);
    expect(d.intent.margin?.marginInAccountCurrency).toBeCloseTo(300, 9);
  });

  it('given a subscription sizing override, then it wins over the account sizing', () => {
    const d = approved(decideOne(openSignal(), riskAccount({ subscription: { sizing: { mode: 'FIXED_LOTS', lots: 0.07, belowMinimum: 'SKIP' } } })));
    expect(d.intent.volume).toBe(0.07);
    expect(d.intent.sizing.mode).toBe('FIXED_LOTS');
  });

  it('given a signal with an expiry, then the intent deadline is that expiry', () => {
    const expiresAt = new Date(NOW.getTime() + 5_000);
    expect(approved(decideOne(openSignal({ expiresAt }), riskAccount())).intent.deadline).toEqual(expiresAt);
  });
});

describe('decide: every pre-trade check', () => {
  const cases: [string, () => AccountDecision, string][] = [
    ['account disabled', () => decideOne(openSignal(), riskAccount({ config: { enabled: false } })), RejectionReason.ACCOUNT_DISABLED],
    ['subscription disabled', () => decideOne(openSignal(), riskAccount({ subscription: { enabled: false } })), RejectionReason.ACCOUNT_DISABLED],
    ['auto-trading off', () => decideOne(openSignal(), riskAccount({ config: { autoTrading: false } })), RejectionReason.AUTO_TRADING_DISABLED],
    ['other tenant', () => decideOne(openSignal({ tenantId: 'tenant-2' }), riskAccount()), RejectionReason.ACCOUNT_NOT_OWNED],
    ['other user', () => decideOne(openSignal({ userId: 'user-2' }), riskAccount()), RejectionReason.ACCOUNT_NOT_OWNED],
    ['expired', () => decideOne(openSignal({ expiresAt: NOW }), riskAccount()), RejectionReason.SIGNAL_EXPIRED],
    ['never synced', () => decideOne(openSignal(), riskAccount({ snapshot: null })), RejectionReason.SYNC_STALE],
    ['sync 10.001 s old', () => decideOne(openSignal(), riskAccount({ snapshot: { syncedAt: new Date(NOW.getTime() - 10_001) } })), RejectionReason.SYNC_STALE],
    ['disconnected', () => decideOne(openSignal(), riskAccount({ snapshot: { connected: false } })), RejectionReason.ACCOUNT_DISCONNECTED],
    ['symbol not in allow list', () => decideOne(openSignal(), riskAccount({ config: { filters: { allowedSymbols: ['XAUUSD'] } } })), RejectionReason.SYMBOL_NOT_ALLOWED],
    ['symbol blocked by subscription', () => decideOne(openSignal(), riskAccount({ subscription: { filters: { blockedSymbols: ['EURUSD'] } } })), RejectionReason.SYMBOL_NOT_ALLOWED],
    ['direction filtered', () => decideOne(openSignal(), riskAccount({ config: { filters: { allowedDirections: ['SELL'] } } })), RejectionReason.FILTERED],
    ['reverse of a stop-limit', () => decideOne(openSignal({ entry: 'STOP_LIMIT', entryPrice: 1.09, stopLimitPrice: 1.0895, stopLoss: 1.088 }), riskAccount({ subscription: { reverse: true } })), RejectionReason.FILTERED],
    ['broker lacks the symbol', () => decideOne(openSignal(), riskAccount({ specs: [XAUUSD] })), RejectionReason.SYMBOL_NOT_TRADABLE],
    ['close-only symbol', () => decideOne(openSignal(), riskAccount({ specs: [{ ...EURUSD, tradeMode: 'CLOSE_ONLY' }] })), RejectionReason.SYMBOL_NOT_TRADABLE],
    ['sell on a long-only symbol', () => decideOne(openSignal({ direction: 'SELL', stopLoss: 1.087 }), riskAccount({ specs: [{ ...EURUSD, tradeMode: 'LONG_ONLY' }] })), RejectionReason.SYMBOL_NOT_TRADABLE],
    ['no price for a market order', () => decideOne(openSignal({ entryPrice: undefined }), riskAccount()), RejectionReason.SYMBOL_SPEC_UNAVAILABLE],
    ['risk sizing without a stop', () => decideOne(openSignal({ stopLoss: undefined }), riskAccount()), RejectionReason.STOP_LOSS_REQUIRED],
    ['multiplier without a hint', () => decideOne(openSignal(), view({ config: { sizing: { mode: 'VOLUME_MULTIPLIER', multiplier: 2, belowMinimum: 'SKIP' } } })), RejectionReason.SIZING_INPUT_MISSING],
    // 0.5% of 500 = 2.50 USD over 500 USD/lot = 0.005 lots.
    ['below the minimum, skipping', () => decideOne(openSignal({ stopLoss: 1.08 }), view({ config: { sizing: riskPercent(0.5) }, snapshot: { balance: 500, equity: 500 } })), RejectionReason.VOLUME_BELOW_MINIMUM],
    ['0.50 lots over a 0.3 per-order limit', () => decideOne(openSignal(), riskAccount({ config: { limits: { maxVolumePerOrder: 0.3 } } })), RejectionReason.MAX_VOLUME_PER_ORDER],
    // 0.6 synced + 0.5 new = 1.1 > 1.0.
    ['1.1 lots on the symbol over a 1.0 limit', () => decideOne(openSignal(), riskAccount({ config: { limits: { maxVolumePerSymbol: 1 } }, snapshot: { positions: [{ positionId: 'p', symbol: 'EURUSD', direction: 'SELL', volume: 0.6, openPrice: 1.09 }] } })), RejectionReason.MAX_VOLUME_PER_SYMBOL],
    ['third position over a limit of 2', () => decideOne(openSignal(), riskAccount({ config: { limits: { maxOpenPositions: 2 } }, snapshot: { positions: [{ positionId: 'p', symbol: 'XAUUSD', direction: 'SELL', volume: 0.1, openPrice: 2300 }], orders: [{ orderId: 'o', symbol: 'XAUUSD', direction: 'BUY', volume: 0.1, openPrice: 2200 }] } })), RejectionReason.MAX_OPEN_POSITIONS],
    // Margin 550 USD; free 1,000 - reserve 5% of equity 10,000 (500) = 500 < 550.
    ['margin over free margin minus reserve', () => decideOne(openSignal(), riskAccount({ config: { limits: { marginReservePercent: 5 } }, snapshot: { freeMargin: 1_000 } })), RejectionReason.INSUFFICIENT_MARGIN],
    ['3 orders in the last minute, limit 3', () => decideOne(openSignal(), riskAccount({ config: { limits: { maxOrdersPerMinute: 3 } } }), riskState({ recentOrders: new Map([['acc-1', [new Date(NOW.getTime() - 59_000), new Date(NOW.getTime() - 30_000), new Date(NOW.getTime() - 1_000)]]]) })), RejectionReason.MAX_ORDERS_PER_MINUTE],
    ['fleet cap', () => decideOne(openSignal(), riskAccount(), riskState({ fleetCaps: new Map([['EURUSD', 10]]), fleetExposure: new Map([['EURUSD', 9.6]]) })), RejectionReason.FLEET_EXPOSURE_CAP],
    ['fleet halted', () => decideOne(openSignal(), riskAccount(), riskState({ tradingStates: applyTradingState(ALL_ACTIVE, { scope: 'FLEET', scopeId: '*', state: 'HALTED', reason: 'kill switch', setBy: 'OPERATOR' }, NOW).states })), RejectionReason.TRADING_HALTED],
    ['source reducing', () => decideOne(openSignal(), riskAccount(), riskState({ tradingStates: applyTradingState(ALL_ACTIVE, { scope: 'SOURCE', scopeId: 'src-1', state: 'REDUCING', reason: 'provider review', setBy: 'OPERATOR' }, NOW).states })), RejectionReason.REDUCING_ONLY],
  ];

  it.each(cases)('given %s, then rejected with the matching code', (_name, run, reason) => {
    const d = rejected(run());
    expect(d.reason).toBe(reason);
    expect(d.detail.length).toBeGreaterThan(10);
  });

  it('given a sync 10.000 s old (exactly at the limit), then it is still fresh', () => {
    approved(decideOne(openSignal(), riskAccount({ snapshot: { syncedAt: new Date(NOW.getTime() - 10_000) } })));
  });

  it('given orders older than a minute, then they do not count against the per-minute limit', () => {
    const state = riskState({ recentOrders: new Map([['acc-1', [new Date(NOW.getTime() - 60_000), new Date(NOW.getTime() - 61_000)]]]) });
    approved(decideOne(openSignal(), riskAccount({ config: { limits: { maxOrdersPerMinute: 1 } } }), state));
  });

  it('given free margin 1,000 and no reserve, then 550 USD of margin passes', () => {
    approved(decideOne(openSignal(), riskAccount({ snapshot: { freeMargin: 1_000 } })));
  });

  it('given several failures, then all are listed and the reason is the first (auto-trading before margin)', () => {
    const d = rejected(decideOne(openSignal(), riskAccount({ config: { autoTrading: false }, snapshot: { freeMargin: 10 } })));
    expect(d.reason).toBe(RejectionReason.AUTO_TRADING_DISABLED);
    expect(d.failures.map((f) => f.reason)).toEqual([RejectionReason.AUTO_TRADING_DISABLED, RejectionReason.INSUFFICIENT_MARGIN]);
    // The preview still sees the size and the margin that would have been used.
    expect(d.sizing?.volume).toBe(0.5);
    expect(d.margin?.marginInAccountCurrency).toBeCloseTo(550, 9);
  });

  it('given the forced minimum, then approved with real risk 1% against 0.5% intended', () => {
    const d = approved(
      decideOne(openSignal({ stopLoss: 1.08 }), view({ config: { sizing: riskPercent(0.5, { belowMinimum: 'FORCE_MINIMUM' }) }, snapshot: { balance: 500, equity: 500, freeMargin: 500 } })),
    );
    expect(d.intent.volume).toBe(0.01);
    expect(d.intent.sizing).toMatchObject({ forcedMinimum: true, intendedRiskPercent: 0.5, realRiskPercent: 1 });
  });
});

describe('decide: loss limits and automatic states', () => {
  const dailyLimits = { dailyLoss: { percent: 5, reference: 'DAY_START_BALANCE', percentOf: 'DAY_REFERENCE' } } as const;
  const anchors = { initialBalance: 10_000, peakBalance: 10_000, peakEquity: 10_000, tradingDay: '2026-11-23', dayStartBalance: 10_000, dayStartEquity: 10_000 };

  it('given equity 9,450 under a 5% daily limit from 10,000 (floor 9,500), then rejected and the account goes REDUCING until the day ends', () => {
    const batch = decide(openSignal(), [riskAccount({ config: { limits: dailyLimits }, anchors, snapshot: { equity: 9_450 } })], riskState(), NOW, options);
    expect(rejected(batch.decisions[0]!).reason).toBe(RejectionReason.DAILY_LOSS_LIMIT);
    expect(batch.stateChanges).toEqual([
      expect.objectContaining({ scope: 'ACCOUNT', scopeId: 'acc-1', from: 'ACTIVE', to: 'REDUCING', setBy: 'AUTO', expiresAt: new Date('2026-11-24T00:00:00Z') }),
    ]);
  });

  it('given equity 9,550 and an order risking 100 USD, then the stop-out would reach 9,450 <= 9,500: rejected without a state change', () => {
    const batch = decide(openSignal(), [riskAccount({ config: { limits: dailyLimits }, anchors, snapshot: { equity: 9_550 } })], riskState(), NOW, options);
    expect(rejected(batch.decisions[0]!).reason).toBe(RejectionReason.DAILY_LOSS_LIMIT);
    expect(batch.stateChanges).toEqual([]);
  });

  it('given equity 8,990 under a static 10% drawdown with HALTED on breach, then MAX_DRAWDOWN and the account is HALTED', () => {
    const batch = decide(
      openSignal(),
      [riskAccount({ config: { limits: { maxDrawdown: { percent: 10, mode: 'STATIC_INITIAL_BALANCE' }, onLossLimitBreach: 'HALTED' } }, anchors, snapshot: { equity: 8_990 } })],
      riskState(),
      NOW,
      options,
    );
    expect(rejected(batch.decisions[0]!).reason).toBe(RejectionReason.MAX_DRAWDOWN);
    expect(batch.stateChanges[0]).toMatchObject({ to: 'HALTED', reason: 'maximum drawdown breached' });
    expect(batch.stateChanges[0]!.expiresAt).toBeUndefined();
  });
});

describe('decide: in-flight exposure and fleet caps', () => {
  it('given two signals in the same second and free margin for one, then the second is refused by the first one\'s reservation', () => {
    // Each: 0.5 lots EURUSD = 550 USD margin. Free 1,000: first passes; second sees 1,000 - 550 = 450 < 550.
    const account = riskAccount({ snapshot: { freeMargin: 1_000 } });
    const first = decide(openSignal(), [account], riskState(), NOW, options);
    approved(first.decisions[0]!);
    const state = riskState({ reservations: new Map([['acc-1', first.reservations]]) });
    const second = decide(openSignal({ signalId: 'sig-2' }), [account], state, NOW, options);
    const d = rejected(second.decisions[0]!);
    expect(d.reason).toBe(RejectionReason.INSUFFICIENT_MARGIN);
    expect(d.detail).toMatch(/in flight 550/);
  });

  it('given in-flight volume, then it counts toward the per-symbol limit', () => {
    const account = riskAccount({ config: { limits: { maxVolumePerSymbol: 0.9 } } });
    const first = decide(openSignal(), [account], riskState(), NOW, options);
    const second = decide(openSignal({ signalId: 'sig-2' }), [account], riskState({ reservations: new Map([['acc-1', first.reservations]]) }), NOW, options);
    expect(rejected(second.decisions[0]!).reason).toBe(RejectionReason.MAX_VOLUME_PER_SYMBOL);
  });

  it('given a fleet cap of 1.0 lot and three accounts sized 0.5 each, then two are approved and the third hits the cap', () => {
    const accounts = ['a1', 'a2', 'a3'].map((id) => riskAccount({ config: { accountId: id } }));
    const batch = decide(openSignal(), accounts, riskState({ fleetCaps: new Map([['EURUSD', 1]]) }), NOW, options);
    expect(batch.decisions.map((d) => d.outcome)).toEqual(['APPROVED', 'APPROVED', 'REJECTED']);
    expect((batch.decisions[2] as RejectedDecision).reason).toBe(RejectionReason.FLEET_EXPOSURE_CAP);
    expect(batch.reservations).toHaveLength(2);
  });

  it('given one account rejected, then the others are decided independently', () => {
    const batch = decide(openSignal(), [riskAccount({ config: { accountId: 'a1', autoTrading: false } }), riskAccount({ config: { accountId: 'a2' } })], riskState(), NOW, options);
    expect(batch.decisions.map((d) => d.outcome)).toEqual(['REJECTED', 'APPROVED']);
  });
});

describe('decide: management signals', () => {
  const openRecord: IntentRecord = {
    intentId: intentId('sig-1', 'acc-1'),
    signalId: 'sig-1',
    accountId: 'acc-1',
    kind: 'OPEN',
    brokerSymbol: 'EURUSD',
    direction: 'BUY',
    volume: 0.5,
    status: 'PLACED',
    positions: [{ positionId: 'p1', volume: 0.5, openPrice: 1.085 }],
    orders: [],
    reportedAt: new Date(NOW.getTime() - 500),
  };
  const close: CloseSignal = {
    action: 'CLOSE',
    signalId: 'sig-close',
    sourceId: 'src-1',
    tenantId: 'tenant-1',
    symbol: 'EURUSD',
    acceptedAt: NOW,
    referencedSignalId: 'sig-1',
    fraction: 1,
  };
  const state = (extra: Partial<RiskState> = {}) => riskState({ intents: new Map([[intentKey('sig-1', 'acc-1'), openRecord]]), ...extra });
  const account = () => riskAccount({ snapshot: { syncedAt: new Date(NOW.getTime() - 1_000) } });

  it('given a close of the signal, then a CLOSE for exactly its position p1', () => {
    const d = decideOne(close, account(), state());
    expect(d).toMatchObject({ outcome: 'APPROVED', intentId: intentId('sig-close', 'acc-1') });
    expect((d as ApprovedDecision).intent).toMatchObject({ kind: 'CLOSE', targetIntentId: openRecord.intentId, positions: [{ positionId: 'p1', volume: 0.5, full: true }] });
  });

  it('given a partial close that names no symbol (as the signal service sends it), then the held symbol\'s spec rounds it', () => {
    const partial: CloseSignal = { ...close, symbol: '', fraction: 0.5 };
    const d = decideOne(partial, account(), state());
    expect(d).toMatchObject({ outcome: 'APPROVED' });
    expect((d as ApprovedDecision).intent).toMatchObject({ kind: 'CLOSE', brokerSymbol: 'EURUSD', positions: [{ positionId: 'p1', volume: 0.25, full: false }] });
  });

  it('given the account REDUCING, then the close still passes', () => {
    const reducing = applyTradingState(ALL_ACTIVE, { scope: 'ACCOUNT', scopeId: 'acc-1', state: 'REDUCING', reason: 'r', setBy: 'OPERATOR' }, NOW).states;
    expect(decideOne(close, account(), state({ tradingStates: reducing })).outcome).toBe('APPROVED');
  });

  it('given the fleet HALTED, then even the close is refused', () => {
    const halted = applyTradingState(ALL_ACTIVE, { scope: 'FLEET', scopeId: '*', state: 'HALTED', reason: 'kill switch', setBy: 'OPERATOR' }, NOW).states;
    expect(rejected(decideOne(close, account(), state({ tradingStates: halted }))).reason).toBe(RejectionReason.TRADING_HALTED);
  });

  it('given the account never took the referenced signal, then NO_POSITIONS_TO_ACT_ON', () => {
    expect(rejected(decideOne(close, account(), riskState())).reason).toBe(RejectionReason.NO_POSITIONS_TO_ACT_ON);
  });
});
