import { validateTrade } from './validate';

describe('trade validation', () => {
  const errorsOf = (body: unknown) => {
    const v = validateTrade(body);
    return v.ok ? [] : v.errors.map((e) => e.parameter);
  };

  it('names each missing field required by the action', () => {
    expect(errorsOf({ actionType: 'ORDER_TYPE_BUY' })).toEqual(['symbol', 'volume']);
    expect(errorsOf({ actionType: 'ORDER_TYPE_BUY_LIMIT', symbol: 'EURUSD', volume: 1 })).toEqual(['openPrice']);
    expect(errorsOf({ actionType: 'ORDER_TYPE_SELL_STOP_LIMIT', symbol: 'EURUSD', volume: 1, openPrice: 1 })).toEqual(['stopLimitPrice']);
    expect(errorsOf({ actionType: 'POSITION_PARTIAL', positionId: '1' })).toEqual(['volume']);
    expect(errorsOf({ actionType: 'POSITION_CLOSE_BY', positionId: '1' })).toEqual(['closeByPositionId']);
    expect(errorsOf({ actionType: 'POSITIONS_CLOSE_SYMBOL' })).toEqual(['symbol']);
    expect(errorsOf({ actionType: 'ORDER_MODIFY', orderId: '1' })).toEqual(['openPrice']);
    expect(errorsOf({ actionType: 'ORDER_CANCEL' })).toEqual(['orderId']);
  });

  it('rejects bad types, enums and values', () => {
    expect(errorsOf(null)).toEqual(['body']);
    expect(errorsOf({ actionType: 'BUY' })).toEqual(['actionType']);
    expect(errorsOf({ actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: -1 })).toEqual(['volume']);
    expect(errorsOf({ actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: '1' })).toEqual(['volume']);
    expect(errorsOf({ actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1, stopLoss: -1 })).toEqual(['stopLoss']);
    expect(errorsOf({ actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1, stopLossUnits: 'MILES', stopLoss: 1 })).toEqual(['stopLossUnits']);
    expect(errorsOf({ actionType: 'POSITION_CLOSE_ID', positionId: 'abc' })).toEqual(['positionId']);
    expect(errorsOf({ actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1, fillingModes: ['FAST'] })).toEqual(['fillingModes']);
    expect(errorsOf({ actionType: 'ORDER_TYPE_BUY_LIMIT', symbol: 'EURUSD', volume: 1, openPrice: 1, expiration: { type: 'ORDER_TIME_SPECIFIED' } })).toEqual(['expiration.time']);
  });

  it('limits comment + clientId to 26 characters', () => {
    expect(errorsOf({ actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1, clientId: 'x'.repeat(16), comment: 'y'.repeat(10) })).toEqual([]);
    expect(errorsOf({ actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1, clientId: 'x'.repeat(16), comment: 'y'.repeat(11) })).toEqual(['clientId']);
  });

  it('accepts StopOptions objects and ISO expirations', () => {
    const v = validateTrade({
      actionType: 'ORDER_TYPE_BUY_STOP',
      symbol: 'EURUSD',
      volume: 1,
      openPrice: 1.2,
      stopLoss: { value: 20, units: 'RELATIVE_PIPS' },
      expiration: { type: 'ORDER_TIME_SPECIFIED', time: '2026-01-06T00:00:00.000Z' },
    });
    expect(v).toMatchObject({
      ok: true,
      value: { stopLoss: { value: 20, units: 'RELATIVE_PIPS' }, openPrice: { value: 1.2, units: 'ABSOLUTE_PRICE' }, expiration: { type: 'ORDER_TIME_SPECIFIED', time: Date.parse('2026-01-06T00:00:00.000Z') } },
    });
  });
});
