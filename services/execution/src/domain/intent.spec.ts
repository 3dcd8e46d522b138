import type { OrderIntentApproved } from '@tradebridge/contracts';
import { openOrderTypeOf, validateIntent } from './intent';

export function openIntent(over: Partial<OrderIntentApproved> = {}): OrderIntentApproved {
  return {
    meta: { eventId: '00000000-0000-4000-8000-000000000001', correlationId: '', causationId: '', occurredAtUs: 1, producer: 'risk', schemaVersion: 1 },
    intentId: '11111111-1111-4111-8111-111111111111',
    signalId: '22222222-2222-4222-8222-222222222222',
    accountId: '33333333-3333-4333-8333-333333333333',
    sourceId: 'src',
    tenantId: 't',
    kind: 'INTENT_KIND_OPEN',
    leg: 0,
    platform: 'PLATFORM_MT5',
    signalSymbol: 'EURUSD',
    brokerSymbol: 'EURUSD',
    side: 'SIDE_BUY',
    orderType: 'ORDER_TYPE_MARKET',
    volume: 0.1,
    maxSlippagePoints: 10,
    deadlineAtUs: 2,
    targetIntentIds: [],
    targets: [],
    moveToBreakEven: false,
    signalAcceptedAtUs: 1,
    decidedAtUs: 1,
    comment: '',
    reverseCopied: false,
    accountConfigVersion: 1,
    magicNumber: 0,
    ...over,
  };
}

describe('validateIntent', () => {
  it('given a complete market order, then there is no problem', () => {
    expect(validateIntent(openIntent())).toEqual([]);
  });

  it('given a pending order without entry price and a bad volume, then each problem names its field', () => {
    const problems = validateIntent(openIntent({ orderType: 'ORDER_TYPE_LIMIT', volume: 0, accountId: 'acc-1' }));
    expect(problems.map((p) => p.field).sort()).toEqual(['account_id', 'entry_price', 'volume']);
  });

  it('given a close without any target, then targets is the problem; with the bulk symbol it is fine', () => {
    expect(validateIntent(openIntent({ kind: 'INTENT_KIND_CLOSE' })).map((p) => p.field)).toEqual(['targets']);
    expect(validateIntent(openIntent({ kind: 'INTENT_KIND_CLOSE', brokerSymbol: '*' }))).toEqual([]);
  });

  it('maps side and entry to MetaTrader order types', () => {
    expect(openOrderTypeOf({ side: 'SIDE_SELL', orderType: 'ORDER_TYPE_STOP_LIMIT' })).toBe('sell_stop_limit');
    expect(openOrderTypeOf({ side: 'SIDE_BUY', orderType: 'ORDER_TYPE_MARKET' })).toBe('buy');
    expect(openOrderTypeOf({ side: 'SIDE_UNSPECIFIED', orderType: 'ORDER_TYPE_MARKET' })).toBeUndefined();
  });
});
