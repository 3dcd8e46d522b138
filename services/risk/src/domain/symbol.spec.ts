import { EURUSD, GER40, RATES, USDJPY, XAUUSD } from '../../test/domain-fixtures';
import { estimateMargin, tickValueInAccountCurrency, type SymbolSpec } from './symbol';

describe('tick value in the account currency', () => {
  it('EURUSD on a USD account: 100,000 * 0.00001 = 1 USD per tick per lot', () => {
    expect(tickValueInAccountCurrency(EURUSD, 'USD', RATES)).toBeCloseTo(1, 12);
  });

  it('EURUSD on a EUR account: 1 USD / 1.10 = 0.909091 EUR', () => {
    expect(tickValueInAccountCurrency(EURUSD, 'EUR', RATES)).toBeCloseTo(0.909091, 6);
  });

  it('USDJPY on a USD account: 100,000 * 0.001 = 100 JPY = 100 / 150 = 0.666667 USD', () => {
    expect(tickValueInAccountCurrency(USDJPY, 'USD', RATES)).toBeCloseTo(0.666667, 6);
  });

  it('USDJPY on a EUR account: 100 JPY -> 0.666667 USD -> / 1.10 = 0.606061 EUR (crossed through USD)', () => {
    expect(tickValueInAccountCurrency(USDJPY, 'EUR', RATES)).toBeCloseTo(0.606061, 6);
  });

  it('XAUUSD: 100 oz * 0.01 = 1 USD per tick per lot', () => {
    expect(tickValueInAccountCurrency(XAUUSD, 'USD', RATES)).toBeCloseTo(1, 12);
  });

  it('GER40 (EUR) on a USD account: broker tick value 0.1 EUR * 1.10 = 0.11 USD', () => {
    expect(tickValueInAccountCurrency(GER40, 'USD', RATES)).toBeCloseTo(0.11, 12);
  });

  it('given no rate to the account currency, then undefined', () => {
    expect(tickValueInAccountCurrency(USDJPY, 'CHF', RATES)).toBeUndefined();
  });
});

describe('margin estimate by calculation mode', () => {
  it('FOREX: EURUSD 0.5 lots at 1:100 = 0.5 * 100,000 / 100 = 500 EUR = 550 USD at 1.10', () => {
    const m = estimateMargin({ spec: EURUSD, volume: 0.5, price: 1.085, leverage: 100, accountCurrency: 'USD', rates: RATES });
    expect(m.marginInMarginCurrency).toBeCloseTo(500, 9);
    expect(m.marginCurrency).toBe('EUR');
    expect(m.marginInAccountCurrency).toBeCloseTo(550, 9);
  });

  it('FOREX: USDJPY 0.3 lots at 1:100 = 300 USD, already the account currency', () => {
    const m = estimateMargin({ spec: USDJPY, volume: 0.3, price: 150, leverage: 100, accountCurrency: 'USD', rates: RATES });
    expect(m.marginInAccountCurrency).toBeCloseTo(300, 9);
  });

  it('FOREX on a EUR account: EURUSD 0.55 lots at 1:30 = 0.55 * 100,000 / 30 = 1,833.33 EUR', () => {
    const m = estimateMargin({ spec: EURUSD, volume: 0.55, price: 1.1, leverage: 30, accountCurrency: 'EUR', rates: RATES });
    expect(m.marginInAccountCurrency).toBeCloseTo(1833.3333, 3);
  });

  it('FOREX_NO_LEVERAGE: 0.1 lots * 100,000 * 0.02 = 200 EUR = 220 USD', () => {
    const spec: SymbolSpec = { ...EURUSD, calcMode: 'FOREX_NO_LEVERAGE', marginRate: 0.02 };
    const m = estimateMargin({ spec, volume: 0.1, price: 1.1, leverage: 100, accountCurrency: 'USD', rates: RATES });
    expect(m.marginInAccountCurrency).toBeCloseTo(220, 9);
  });

  it('CFD: a share CFD, 10 lots * 1 share * 200 USD * 0.2 = 400 USD (leverage ignored)', () => {
    const spec: SymbolSpec = { ...XAUUSD, symbol: 'AAPL', contractSize: 1, calcMode: 'CFD', marginRate: 0.2 };
    const m = estimateMargin({ spec, volume: 10, price: 200, leverage: 100, accountCurrency: 'USD', rates: RATES });
    expect(m.marginInAccountCurrency).toBeCloseTo(400, 9);
  });

  it('CFD_LEVERAGE: XAUUSD 0.5 lots * 100 oz * 2,350 / 100 = 1,175 USD', () => {
    const m = estimateMargin({ spec: XAUUSD, volume: 0.5, price: 2350, leverage: 100, accountCurrency: 'USD', rates: RATES });
    expect(m.marginInAccountCurrency).toBeCloseTo(1175, 9);
  });

  it('CFD_INDEX: GER40 4.5 lots * 1 * 18,500 * 0.1 / 0.1 * 0.05 = 4,162.5 EUR = 4,578.75 USD', () => {
    const m = estimateMargin({ spec: GER40, volume: 4.5, price: 18_500, leverage: 100, accountCurrency: 'USD', rates: RATES });
    expect(m.marginInMarginCurrency).toBeCloseTo(4162.5, 9);
    expect(m.marginInAccountCurrency).toBeCloseTo(4578.75, 9);
  });

  it('FUTURES: 2 lots * 1,500 initial margin = 3,000 USD', () => {
    const spec: SymbolSpec = { ...XAUUSD, symbol: 'GC', calcMode: 'FUTURES', initialMargin: 1500 };
    const m = estimateMargin({ spec, volume: 2, price: 2350, leverage: 100, accountCurrency: 'USD', rates: RATES });
    expect(m.marginInAccountCurrency).toBeCloseTo(3000, 9);
  });

  it('given no rate from the margin currency, then the account-currency margin is undefined', () => {
    const m = estimateMargin({ spec: EURUSD, volume: 1, price: 1.1, leverage: 100, accountCurrency: 'CHF', rates: RATES });
    expect(m.marginInAccountCurrency).toBeUndefined();
  });
});
