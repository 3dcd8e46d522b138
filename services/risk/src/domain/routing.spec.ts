import { RejectionReason } from './rejection';
import { brokerSymbol, canonicalSymbol, checkFilters, reverseSides } from './routing';

describe('symbol mapping', () => {
  it('given a suffix, then EURUSD trades as EURUSD.m and maps back', () => {
    expect(brokerSymbol('EURUSD', { suffix: '.m' })).toBe('EURUSD.m');
    expect(canonicalSymbol('EURUSD.m', { suffix: '.m' })).toBe('EURUSD');
  });

  it('given a prefix and suffix, then both apply', () => {
    expect(brokerSymbol('XAUUSD', { prefix: 'i', suffix: '-ecn' })).toBe('iXAUUSD-ecn');
    expect(canonicalSymbol('iXAUUSD-ecn', { prefix: 'i', suffix: '-ecn' })).toBe('XAUUSD');
  });

  it('given an explicit map, then it wins over prefix/suffix, both ways', () => {
    const mapping = { suffix: '.m', explicit: { GER40: 'DE40Cash', XAUUSD: 'GOLD' } };
    expect(brokerSymbol('GER40', mapping)).toBe('DE40Cash');
    expect(brokerSymbol('EURUSD', mapping)).toBe('EURUSD.m');
    expect(canonicalSymbol('GOLD', mapping)).toBe('XAUUSD');
  });

  it('given no mapping, then the symbol is unchanged', () => {
    expect(brokerSymbol('EURUSD', {})).toBe('EURUSD');
    expect(canonicalSymbol('EURUSD', {})).toBe('EURUSD');
  });
});

describe('filters', () => {
  it('given an allow list without the symbol, then SYMBOL_NOT_ALLOWED', () => {
    expect(checkFilters({ allowedSymbols: ['EURUSD'] }, 'XAUUSD', 'BUY', 'account')?.reason).toBe(RejectionReason.SYMBOL_NOT_ALLOWED);
    expect(checkFilters({ allowedSymbols: ['EURUSD'] }, 'EURUSD', 'BUY', 'account')).toBeUndefined();
  });

  it('given a block list with the symbol, then SYMBOL_NOT_ALLOWED', () => {
    expect(checkFilters({ blockedSymbols: ['XAUUSD'] }, 'XAUUSD', 'BUY', 'account')?.reason).toBe(RejectionReason.SYMBOL_NOT_ALLOWED);
  });

  it('given long-only, then a SELL is FILTERED and a BUY passes', () => {
    expect(checkFilters({ allowedDirections: ['BUY'] }, 'EURUSD', 'SELL', 'subscription')?.reason).toBe(RejectionReason.FILTERED);
    expect(checkFilters({ allowedDirections: ['BUY'] }, 'EURUSD', 'BUY', 'subscription')).toBeUndefined();
  });

  it('given no filters, then everything passes', () => {
    expect(checkFilters(undefined, 'EURUSD', 'SELL', 'account')).toBeUndefined();
    expect(checkFilters({}, 'EURUSD', 'SELL', 'account')).toBeUndefined();
  });
});

describe('reverse copying', () => {
  it('given a market BUY with SL 1.0830 and TP 1.0900, then a market SELL with SL 1.0900 and TP 1.0830', () => {
    expect(reverseSides({ direction: 'BUY', entry: 'MARKET', stopLoss: 1.083, takeProfit: 1.09 })).toEqual({
      direction: 'SELL',
      entry: 'MARKET',
      stopLoss: 1.09,
      takeProfit: 1.083,
    });
  });

  it('given a BUY LIMIT, then a SELL STOP at the same price; a SELL STOP becomes a BUY LIMIT', () => {
    expect(reverseSides({ direction: 'BUY', entry: 'LIMIT' })).toEqual({ direction: 'SELL', entry: 'STOP' });
    expect(reverseSides({ direction: 'SELL', entry: 'STOP' })).toEqual({ direction: 'BUY', entry: 'LIMIT' });
  });

  it('given no TP, then the reversed order has no SL', () => {
    expect(reverseSides({ direction: 'SELL', entry: 'MARKET', stopLoss: 1.09 })).toEqual({ direction: 'BUY', entry: 'MARKET', takeProfit: 1.09 });
  });

  it('given a stop-limit, then it is refused as FILTERED', () => {
    expect(reverseSides({ direction: 'BUY', entry: 'STOP_LIMIT' })).toMatchObject({ reason: RejectionReason.FILTERED });
  });
});
