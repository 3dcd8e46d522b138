import type { Engine } from './engine';
import type { Account } from './account';
import type { AccountInput } from './account-spec';
import { MONDAY_NOON_BROKER, newAccount, newEngine, quote, trade } from '../test-support/engine';

// Every rejection comes from the real rule; MT5 and MT4 accounts answer with their own codes.
// EURUSD is quoted 1.10000 / 1.10010 (10 points spread); stops level 10 points (0.0001), freeze level 5 points.

function setup(input: AccountInput = {}, startTime = MONDAY_NOON_BROKER): { engine: Engine; account: Account } {
  const engine = newEngine(startTime);
  quote(engine, 'EURUSD', 1.1, 1.1001);
  return { engine, account: newAccount(engine, { balance: 100_000, ...input }) };
}

const buy = (extra: Record<string, unknown> = {}) => ({ actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.1, ...extra });
const codeOf = (engine: Engine, account: Account, body: Record<string, unknown>) => trade(engine, account, body).response.numericCode;

describe('volume', () => {
  it.each([0.001, 0.015, 100.01, 250])('rejects %p lots with 10014 on MT5 and 131 on MT4', (volume) => {
    const mt5 = setup();
    expect(codeOf(mt5.engine, mt5.account, buy({ volume }))).toBe(10014);
    const mt4 = setup({ platform: 'mt4' });
    expect(trade(mt4.engine, mt4.account, buy({ volume })).response).toMatchObject({ numericCode: 131, stringCode: 'ERR_INVALID_TRADE_VOLUME' });
  });

  it('accepts min, max and step multiples', () => {
    const { engine, account } = setup({ leverage: 1000, balance: 10_000_000 });
    for (const volume of [0.01, 0.37, 100]) expect(codeOf(engine, account, buy({ volume }))).toBe(10009);
  });
});

describe('stops level', () => {
  it('given a buy, when SL is exactly stopsLevel below the bid, then it is accepted', () => {
    const { engine, account } = setup();
    expect(codeOf(engine, account, buy({ stopLoss: 1.0999, takeProfit: 1.1001 }))).toBe(10009);
  });

  it.each([
    ['SL closer than stopsLevel', { stopLoss: 1.09995 }],
    ['SL above the bid', { stopLoss: 1.1005 }],
    ['TP closer than stopsLevel', { takeProfit: 1.10005 }],
    ['TP below the bid', { takeProfit: 1.0995 }],
  ])('given a buy with %s, then 10016 / MT4 130', (_name, stops) => {
    const mt5 = setup();
    expect(codeOf(mt5.engine, mt5.account, buy(stops))).toBe(10016);
    const mt4 = setup({ platform: 'mt4' });
    expect(trade(mt4.engine, mt4.account, buy(stops)).response).toMatchObject({ numericCode: 130, stringCode: 'ERR_INVALID_STOPS' });
  });

  it('given a sell, then stops are measured from the ask', () => {
    const { engine, account } = setup();
    expect(codeOf(engine, account, { actionType: 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 0.1, stopLoss: 1.1002 })).toBe(10009);
    expect(codeOf(engine, account, { actionType: 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 0.1, stopLoss: 1.10015 })).toBe(10016);
  });

  it('given relative points, then SL = current price + offset and is checked the same way', () => {
    const { engine, account } = setup();
    const r = trade(engine, account, buy({ stopLoss: -50, stopLossUnits: 'RELATIVE_POINTS' }));
    expect(r.response.numericCode).toBe(10009);
    expect(account.positions.get(r.positionId!)!.stopLoss).toBe(1.09960); // ask 1.1001 - 50 points
    // ask 1.1001 - 5 points = 1.10005, which is above the bid the SL is checked against
    expect(codeOf(engine, account, buy({ stopLoss: { value: -5, units: 'RELATIVE_POINTS' }, stopPriceBase: 'CURRENT_PRICE' }))).toBe(10016);
  });
});

describe('price units', () => {
  it('converts money and balance-percentage offsets into a price distance through the volume', () => {
    const { engine, account } = setup({ balance: 10_000 });
    // 1 lot EURUSD: 100 USD per 0.001 -> SL 100 USD below the ask 1.1001 is 1.0991
    const a = trade(engine, account, buy({ volume: 1, stopLoss: { value: -100, units: 'RELATIVE_CURRENCY' } }));
    expect(account.positions.get(a.positionId!)!.stopLoss).toBe(1.0991);
    // 1% of a 10000 balance is 100 USD: the same distance
    const b = trade(engine, account, buy({ volume: 1, takeProfit: { value: 1, units: 'RELATIVE_BALANCE_PERCENTAGE' } }));
    expect(account.positions.get(b.positionId!)!.takeProfit).toBe(1.1011);
    const c = trade(engine, account, buy({ volume: 1, takeProfit: { value: 25, units: 'RELATIVE_PIPS' } }));
    expect(account.positions.get(c.positionId!)!.takeProfit).toBe(1.1026);
  });
});

describe('freeze level', () => {
  it('given a buy whose SL is within 5 points of the bid, then modify and close answer 10029 / MT4 145; outside, they pass', () => {
    for (const platform of ['mt5', 'mt4'] as const) {
      const { engine, account } = setup({ platform });
      const positionId = trade(engine, account, buy({ stopLoss: 1.099 })).positionId!;
      quote(engine, 'EURUSD', 1.09904, 1.09914);
      const frozen = platform === 'mt5' ? 10029 : 145;
      expect(codeOf(engine, account, { actionType: 'POSITION_MODIFY', positionId, stopLoss: 1.0985 })).toBe(frozen);
      expect(codeOf(engine, account, { actionType: 'POSITION_CLOSE_ID', positionId })).toBe(frozen);
      quote(engine, 'EURUSD', 1.0991, 1.0992);
      expect(codeOf(engine, account, { actionType: 'POSITION_MODIFY', positionId, stopLoss: 1.0985 })).toBe(platform === 'mt5' ? 10009 : 0);
    }
  });

  it('given a buy limit within 5 points of the ask, then cancel and modify answer 10029', () => {
    const { engine, account } = setup();
    const orderId = trade(engine, account, { actionType: 'ORDER_TYPE_BUY_LIMIT', symbol: 'EURUSD', volume: 0.1, openPrice: 1.099 }).orderId!;
    quote(engine, 'EURUSD', 1.09894, 1.09904);
    expect(codeOf(engine, account, { actionType: 'ORDER_CANCEL', orderId })).toBe(10029);
    expect(codeOf(engine, account, { actionType: 'ORDER_MODIFY', orderId, openPrice: 1.098 })).toBe(10029);
    expect(account.orders.has(orderId)).toBe(true);
  });
});

describe('sessions', () => {
  it('given a Saturday, then forex answers market closed 10018 / MT4 132', () => {
    const saturday = Date.parse('2026-01-10T10:00:00Z');
    const mt5 = setup({}, saturday);
    expect(codeOf(mt5.engine, mt5.account, buy())).toBe(10018);
    const mt4 = setup({ platform: 'mt4' }, saturday);
    expect(trade(mt4.engine, mt4.account, buy()).response).toMatchObject({ numericCode: 132, stringCode: 'ERR_MARKET_CLOSED' });
  });

  it('given GER40 trades 09:00-23:00 broker time, then 08:30 is closed and 09:30 is open', () => {
    const early = setup({}, Date.parse('2026-01-05T06:30:00Z'));
    expect(codeOf(early.engine, early.account, { actionType: 'ORDER_TYPE_BUY', symbol: 'GER40', volume: 1 })).toBe(10018);
    const open = setup({}, Date.parse('2026-01-05T07:30:00Z'));
    expect(codeOf(open.engine, open.account, { actionType: 'ORDER_TYPE_BUY', symbol: 'GER40', volume: 1 })).toBe(10009);
  });

  it('given the US30 daily break 23:55-01:05 broker time, then 23:56 is closed', () => {
    const { engine, account } = setup({}, Date.parse('2026-01-05T21:56:00Z'));
    expect(codeOf(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'US30', volume: 1 })).toBe(10018);
    expect(codeOf(engine, account, buy())).toBe(10009);
  });

  it('given a position, when the market closes, then closing it is refused too', () => {
    const { engine, account } = setup({}, Date.parse('2026-01-09T21:00:00Z')); // Friday 23:00 broker
    const positionId = trade(engine, account, buy()).positionId!;
    engine.advanceTo(Date.parse('2026-01-09T22:30:00Z')); // Saturday 00:30 broker
    expect(codeOf(engine, account, { actionType: 'POSITION_CLOSE_ID', positionId })).toBe(10018);
  });
});

describe('trade modes and account permissions', () => {
  const withMode = (tradeMode: string, platform: 'mt5' | 'mt4' = 'mt5') => setup({ platform, symbols: { EURUSD: { tradeMode: tradeMode as never } } });

  it('LONGONLY refuses a sell with 10042 / MT4 140 and accepts a buy', () => {
    const { engine, account } = withMode('SYMBOL_TRADE_MODE_LONGONLY');
    expect(codeOf(engine, account, { actionType: 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 0.1 })).toBe(10042);
    expect(codeOf(engine, account, buy())).toBe(10009);
    const mt4 = withMode('SYMBOL_TRADE_MODE_LONGONLY', 'mt4');
    expect(codeOf(mt4.engine, mt4.account, { actionType: 'ORDER_TYPE_SELL_LIMIT', symbol: 'EURUSD', volume: 0.1, openPrice: 1.2 })).toBe(140);
  });

  it('SHORTONLY refuses a buy with 10043', () => {
    const { engine, account } = withMode('SYMBOL_TRADE_MODE_SHORTONLY');
    expect(codeOf(engine, account, buy())).toBe(10043);
  });

  it('CLOSEONLY refuses opening with 10044 but lets an open position close', () => {
    const { engine, account } = setup();
    const positionId = trade(engine, account, buy()).positionId!;
    engine.patchSymbol('EURUSD', { tradeMode: 'SYMBOL_TRADE_MODE_CLOSEONLY' });
    expect(codeOf(engine, account, buy())).toBe(10044);
    expect(codeOf(engine, account, { actionType: 'POSITION_CLOSE_ID', positionId })).toBe(10009);
  });

  it('CLOSEONLY on netting lets an opposite deal reduce the position but not reverse it', () => {
    const { engine, account } = setup({ marginMode: 'netting' });
    trade(engine, account, buy({ volume: 1 }));
    engine.patchSymbol('EURUSD', { tradeMode: 'SYMBOL_TRADE_MODE_CLOSEONLY' });
    expect(codeOf(engine, account, { actionType: 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 0.4 })).toBe(10009);
    expect(codeOf(engine, account, { actionType: 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 1 })).toBe(10044);
  });

  it('DISABLED refuses everything with 10017 / MT4 133', () => {
    expect(codeOf(withMode('SYMBOL_TRADE_MODE_DISABLED').engine, withMode('SYMBOL_TRADE_MODE_DISABLED').account, buy())).toBe(10017);
    const mt4 = withMode('SYMBOL_TRADE_MODE_DISABLED', 'mt4');
    expect(codeOf(mt4.engine, mt4.account, buy())).toBe(133);
  });

  it.each([
    [{ investorMode: true }, -8, 'ERR_INVESTOR', -8],
    [{ tradeAllowed: false }, 10017, 'TRADE_RETCODE_TRADE_DISABLED', 133],
    [{ autoTradingEnabled: false }, 10027, 'TRADE_RETCODE_CLIENT_DISABLES_AT', 4109],
  ])('account %p answers %p (%s) on MT5 and %p on MT4', (flags, mt5Code, mt5String, mt4Code) => {
    const mt5 = setup(flags);
    expect(trade(mt5.engine, mt5.account, buy()).response).toMatchObject({ numericCode: mt5Code, stringCode: mt5String });
    const mt4 = setup({ ...flags, platform: 'mt4' });
    expect(codeOf(mt4.engine, mt4.account, buy())).toBe(mt4Code);
  });

  it('an unknown symbol answers 10013 / MT4 4106', () => {
    expect(codeOf(setup().engine, setup().account, buy({ symbol: 'BTCXYZ' }))).toBe(10013);
    const mt4 = setup({ platform: 'mt4' });
    expect(codeOf(mt4.engine, mt4.account, buy({ symbol: 'BTCXYZ' }))).toBe(4106);
  });

  it('a filling mode the symbol lacks answers 10030 (US30 is IOC only)', () => {
    const { engine, account } = setup();
    expect(codeOf(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'US30', volume: 1, fillingModes: ['ORDER_FILLING_FOK'] })).toBe(10030);
    expect(codeOf(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'US30', volume: 1, fillingModes: ['ORDER_FILLING_FOK', 'ORDER_FILLING_IOC'] })).toBe(10009);
  });
});

describe('pending order prices', () => {
  const pending = (actionType: string, openPrice: number, extra: Record<string, unknown> = {}) => ({ actionType, symbol: 'EURUSD', volume: 0.1, openPrice, ...extra });

  it.each([
    ['ORDER_TYPE_BUY_LIMIT', 1.1002],
    ['ORDER_TYPE_SELL_LIMIT', 1.0999],
    ['ORDER_TYPE_BUY_STOP', 1.1],
    ['ORDER_TYPE_SELL_STOP', 1.1001],
  ])('%s at %p is on the wrong side: 10015 / MT4 129', (actionType, price) => {
    const mt5 = setup();
    expect(codeOf(mt5.engine, mt5.account, pending(actionType, price))).toBe(10015);
    const mt4 = setup({ platform: 'mt4' });
    expect(trade(mt4.engine, mt4.account, pending(actionType, price)).response).toMatchObject({ numericCode: 129, stringCode: 'ERR_INVALID_PRICE' });
  });

  it.each([
    ['ORDER_TYPE_BUY_LIMIT', 1.10005],
    ['ORDER_TYPE_SELL_LIMIT', 1.10005],
    ['ORDER_TYPE_BUY_STOP', 1.10015],
    ['ORDER_TYPE_SELL_STOP', 1.09995],
  ])('%s at %p is closer than stopsLevel: 10016', (actionType, price) => {
    const { engine, account } = setup();
    expect(codeOf(engine, account, pending(actionType, price))).toBe(10016);
  });

  it('places a valid buy limit with 10008 on MT5 and 0 ERR_NO_ERROR on MT4', () => {
    const mt5 = setup();
    const r = trade(mt5.engine, mt5.account, pending('ORDER_TYPE_BUY_LIMIT', 1.099, { stopLoss: 1.098, takeProfit: 1.101 }));
    expect(r.response).toEqual({ numericCode: 10008, stringCode: 'TRADE_RETCODE_PLACED', message: 'Order placed', orderId: r.orderId });
    const mt4 = setup({ platform: 'mt4' });
    expect(trade(mt4.engine, mt4.account, pending('ORDER_TYPE_BUY_LIMIT', 1.099)).response).toMatchObject({ numericCode: 0, stringCode: 'ERR_NO_ERROR' });
  });

  it('checks pending SL/TP from the open price', () => {
    const { engine, account } = setup();
    expect(codeOf(engine, account, pending('ORDER_TYPE_BUY_LIMIT', 1.099, { stopLoss: 1.0995 }))).toBe(10016);
    expect(codeOf(engine, account, pending('ORDER_TYPE_SELL_STOP', 1.099, { stopLoss: 1.09905 }))).toBe(10016);
  });

  it('stop-limit: the limit price must be below a buy stop price; MT4 does not support stop-limit (-4)', () => {
    const { engine, account } = setup();
    expect(codeOf(engine, account, pending('ORDER_TYPE_BUY_STOP_LIMIT', 1.101, { stopLimitPrice: 1.1005 }))).toBe(10008);
    expect(codeOf(engine, account, pending('ORDER_TYPE_BUY_STOP_LIMIT', 1.101, { stopLimitPrice: 1.1015 }))).toBe(10015);
    const mt4 = setup({ platform: 'mt4' });
    expect(trade(mt4.engine, mt4.account, pending('ORDER_TYPE_BUY_STOP_LIMIT', 1.101, { stopLimitPrice: 1.1005 })).response).toMatchObject({
      numericCode: -4,
      stringCode: 'TRADE_RETCODE_ORDER_TYPE_NOT_SUPPORTED',
    });
  });

  it('expiration: past SPECIFIED is 10022, DAY on MT4 is 147, a mode the symbol lacks is 10022', () => {
    const { engine, account } = setup();
    const past = new Date(MONDAY_NOON_BROKER - 60_000).toISOString();
    expect(codeOf(engine, account, pending('ORDER_TYPE_BUY_LIMIT', 1.099, { expiration: { type: 'ORDER_TIME_SPECIFIED', time: past } }))).toBe(10022);
    const mt4 = setup({ platform: 'mt4' });
    expect(codeOf(mt4.engine, mt4.account, pending('ORDER_TYPE_BUY_LIMIT', 1.099, { expiration: { type: 'ORDER_TIME_DAY' } }))).toBe(147);
    const gtcOnly = setup({ symbols: { EURUSD: { allowedExpirationModes: ['SYMBOL_EXPIRATION_GTC'] } } });
    expect(codeOf(gtcOnly.engine, gtcOnly.account, pending('ORDER_TYPE_BUY_LIMIT', 1.099, { expiration: { type: 'ORDER_TIME_DAY' } }))).toBe(10022);
  });
});

describe('ids that do not exist and other refusals', () => {
  it('answers 4753 / 4754 on MT5 and 4108 on MT4', () => {
    const mt5 = setup();
    expect(codeOf(mt5.engine, mt5.account, { actionType: 'POSITION_MODIFY', positionId: '123', stopLoss: 1 })).toBe(4753);
    expect(codeOf(mt5.engine, mt5.account, { actionType: 'POSITION_CLOSE_ID', positionId: '123' })).toBe(4753);
    expect(codeOf(mt5.engine, mt5.account, { actionType: 'ORDER_CANCEL', orderId: '123' })).toBe(4754);
    const mt4 = setup({ platform: 'mt4' });
    expect(trade(mt4.engine, mt4.account, { actionType: 'ORDER_CANCEL', orderId: '123' }).response).toMatchObject({ numericCode: 4108, stringCode: 'ERR_INVALID_TICKET' });
  });

  it('a partial close larger than the position answers 10038', () => {
    const { engine, account } = setup();
    const positionId = trade(engine, account, buy({ volume: 0.5 })).positionId!;
    expect(codeOf(engine, account, { actionType: 'POSITION_PARTIAL', positionId, volume: 0.6 })).toBe(10038);
    expect(codeOf(engine, account, { actionType: 'POSITION_PARTIAL', positionId, volume: 0.055 })).toBe(10014);
  });

  it('opposite positions on a hedgeProhibited account answer 10046 / MT4 149', () => {
    const mt5 = setup({ hedgeProhibited: true });
    trade(mt5.engine, mt5.account, buy());
    expect(codeOf(mt5.engine, mt5.account, { actionType: 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 0.1 })).toBe(10046);
    const mt4 = setup({ platform: 'mt4', hedgeProhibited: true });
    trade(mt4.engine, mt4.account, buy());
    expect(codeOf(mt4.engine, mt4.account, { actionType: 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 0.1 })).toBe(149);
  });

  it('close-by on a netting account answers 10035', () => {
    const { engine, account } = setup({ marginMode: 'netting' });
    const positionId = trade(engine, account, buy()).positionId!;
    expect(codeOf(engine, account, { actionType: 'POSITION_CLOSE_BY', positionId, closeByPositionId: positionId })).toBe(10035);
  });

  it('a modification that changes nothing answers 10025 on MT5 and 1 ERR_NO_RESULT on MT4', () => {
    const mt5 = setup();
    const positionId = trade(mt5.engine, mt5.account, buy({ stopLoss: 1.09 })).positionId!;
    const r = trade(mt5.engine, mt5.account, { actionType: 'POSITION_MODIFY', positionId, stopLoss: 1.09 });
    expect(r.response).toMatchObject({ numericCode: 10025, stringCode: 'TRADE_RETCODE_NO_CHANGES' });
    expect(r.executed).toBe(false);
    const mt4 = setup({ platform: 'mt4' });
    const id4 = trade(mt4.engine, mt4.account, buy({ stopLoss: 1.09 })).positionId!;
    expect(trade(mt4.engine, mt4.account, { actionType: 'POSITION_MODIFY', positionId: id4, stopLoss: 1.09 }).response).toMatchObject({ numericCode: 1, stringCode: 'ERR_NO_RESULT' });
  });

  it('an instant-execution symbol requotes (10004) when the fill slips beyond the allowed slippage, and never fills beyond it', () => {
    const { engine, account } = setup({ slippagePoints: 20 });
    quote(engine, 'XAUUSD', 2000, 2000.25);
    const codes = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const r = trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'XAUUSD', volume: 0.01, slippage: 5 });
      codes.add(r.response.numericCode);
      if (r.executed) expect(account.positions.get(r.positionId!)!.openPrice).toBeLessThanOrEqual(2000.3);
    }
    expect([...codes].sort()).toEqual([10004, 10009]);
  });
});
