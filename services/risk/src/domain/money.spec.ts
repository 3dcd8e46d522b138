import { conversionRate, convert } from './money';

describe('currency conversion', () => {
  const rates = { EURUSD: 1.1, USDJPY: 150, XAUUSD: 2350 };

  it('given the same currency, then the rate is 1', () => {
    expect(conversionRate('USD', 'USD', {})).toBe(1);
  });

  it('given a quoted pair, when converting base to quote, then it multiplies (100 EUR = 110 USD)', () => {
    expect(convert(100, 'EUR', 'USD', rates)).toBeCloseTo(110, 10);
  });

  it('given a quoted pair, when converting quote to base, then it divides (100 JPY = 0.6667 USD at 150)', () => {
    expect(convert(100, 'JPY', 'USD', rates)).toBeCloseTo(0.666667, 6);
  });

  it('given no direct pair, when converting, then it crosses through USD (150 JPY -> 1 USD -> 0.9091 EUR)', () => {
    expect(convert(150, 'JPY', 'EUR', rates)).toBeCloseTo(1 / 1.1, 10);
  });

  it('given no path, then the result is undefined', () => {
    expect(convert(1, 'CHF', 'EUR', rates)).toBeUndefined();
  });
});
