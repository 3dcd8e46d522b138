import { newAccount, newEngine, quote, trade } from '../test-support/engine';

// Margin and profit arithmetic, hand-computed from the formulas in notes §7.

describe('margin by calculation mode', () => {
  it('given EURUSD at 1.1 and 1:100, when a EUR account buys 1 lot, then margin is 100000/100 = 1000 EUR', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1);
    const account = newAccount(engine, { currency: 'EUR', leverage: 100, balance: 10_000 });
    expect(trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1 }).response.numericCode).toBe(10009);
    expect(account.metrics().margin).toBe(1000);
  });

  it('given EURUSD at 1.1, when a USD account buys 1 lot at 1:100, then 1000 EUR of margin is 1100 USD', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1);
    const account = newAccount(engine, { currency: 'USD', leverage: 100 });
    trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1 });
    expect(account.metrics().margin).toBe(1100);
  });

  it('given USDJPY, when a USD account buys 1 lot at 1:100, then margin is 1000 USD whatever the price', () => {
    const engine = newEngine();
    quote(engine, 'USDJPY', 150);
    const account = newAccount(engine, { leverage: 100 });
    trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'USDJPY', volume: 1 });
    expect(account.metrics().margin).toBe(1000);
  });

  it('given 1:500, when buying 0.5 lot GBPUSD at 1.25, then margin is 50000/500 GBP = 100 GBP = 125 USD', () => {
    const engine = newEngine();
    quote(engine, 'GBPUSD', 1.25);
    const account = newAccount(engine, { leverage: 500 });
    trade(engine, account, { actionType: 'ORDER_TYPE_SELL', symbol: 'GBPUSD', volume: 0.5 });
    expect(account.metrics().margin).toBe(125);
  });

  it('given XAUUSD at 2000 (FOREX mode on XAU), when buying 1 lot at 1:100, then margin is 1 XAU = 2000 USD', () => {
    const engine = newEngine();
    quote(engine, 'XAUUSD', 2000);
    const account = newAccount(engine, { leverage: 100, balance: 50_000 });
    trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'XAUUSD', volume: 1 });
    expect(account.metrics().margin).toBe(2000);
  });

  it('given US500 at 5000 (CFD, rate 0.05), when buying 1 lot, then margin is 5000 * 0.05 = 250 USD regardless of leverage', () => {
    const engine = newEngine();
    quote(engine, 'US500', 5000);
    const account = newAccount(engine, { leverage: 500 });
    trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'US500', volume: 1 });
    expect(account.metrics().margin).toBe(250);
  });

  it('given US30 at 40000 (CFDLEVERAGE), when buying 2 lots at 1:100, then margin is 2 * 40000 / 100 = 800 USD', () => {
    const engine = newEngine();
    quote(engine, 'US30', 40_000);
    const account = newAccount(engine, { leverage: 100 });
    trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'US30', volume: 2 });
    expect(account.metrics().margin).toBe(800);
  });

  it('given GER40 at 18000 (CFDINDEX, EUR) and EURUSD 1.1, when a USD account buys 1 lot, then margin is 900 EUR = 990 USD', () => {
    const engine = newEngine();
    quote(engine, 'GER40', 18_000);
    quote(engine, 'EURUSD', 1.1);
    const account = newAccount(engine, { leverage: 100 });
    trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'GER40', volume: 1 });
    expect(account.metrics().margin).toBe(990);
  });

  it('given a hedged pair of 1 buy and 0.4 sell EURUSD, then only the larger leg is charged', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1);
    const account = newAccount(engine, { leverage: 100 });
    trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1 });
    trade(engine, account, { actionType: 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 0.4 });
    expect(account.metrics().margin).toBe(1100);
  });
});

describe('equity, free margin and margin level', () => {
  it('given a 1 lot EURUSD buy at 1.1 moved to 1.101, then equity = 10000 + 100, free margin = equity - 1101, level = equity/margin', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1);
    const account = newAccount(engine, { balance: 10_000, leverage: 100 });
    trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1 });
    quote(engine, 'EURUSD', 1.101);
    const m = account.metrics();
    expect(m.equity).toBe(10_100);
    expect(m.margin).toBe(1101); // margin follows the current EURUSD rate
    expect(m.freeMargin).toBe(8999);
    expect(m.marginLevel).toBe(Math.round((10_100 / 1101) * 100 * 100) / 100);
  });

  it('given a JPY-quoted profit, when USDJPY moves 150 -> 151 on a 1 lot buy, then profit is 100000 JPY / 151 = 662.25 USD', () => {
    const engine = newEngine();
    quote(engine, 'USDJPY', 150);
    const account = newAccount(engine, { balance: 10_000 });
    trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'USDJPY', volume: 1 });
    quote(engine, 'USDJPY', 151);
    expect(account.metrics().equity).toBe(10_662.25);
  });

  it('given an EUR account, when a EURUSD buy of 1 lot gains 0.011 at 1.111, then the 1100 USD profit is 990.10 EUR', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1);
    const account = newAccount(engine, { currency: 'EUR', balance: 10_000 });
    trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1 });
    quote(engine, 'EURUSD', 1.111);
    expect(account.metrics().equity).toBe(Math.round((10_000 + 1100 / 1.111) * 100) / 100);
  });
});

describe('not enough money', () => {
  it('given 1000 USD at 1:100, when buying 1 lot EURUSD (1100 USD margin), then MT5 answers 10019 and nothing changes', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1);
    const account = newAccount(engine, { balance: 1000 });
    const r = trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1 });
    expect(r.response).toEqual({ numericCode: 10019, stringCode: 'TRADE_RETCODE_NO_MONEY', message: 'There is not enough money to complete the request' });
    expect(r.executed).toBe(false);
    expect(account.positions.size).toBe(0);
  });

  it('given the same on MT4, then the answer is 134 ERR_NOT_ENOUGH_MONEY', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1);
    const account = newAccount(engine, { platform: 'mt4', balance: 1000 });
    expect(trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 1 }).response).toMatchObject({ numericCode: 134, stringCode: 'ERR_NOT_ENOUGH_MONEY' });
  });

  it('given 0.9 lot fits (990 USD), then it executes, and a hedge that does not raise margin still passes with no free margin left', () => {
    const engine = newEngine();
    quote(engine, 'EURUSD', 1.1);
    const account = newAccount(engine, { balance: 1000 });
    expect(trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.9 }).response.numericCode).toBe(10009);
    expect(trade(engine, account, { actionType: 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 0.9 }).response.numericCode).toBe(10009);
    expect(trade(engine, account, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.1 }).response.numericCode).toBe(10019);
  });
});
