import { MT4_CODES, MT5_CODES } from './code-tables';
import { codeFor, codeRow, isSuccess, Reason, responseForCode } from './codes';

const REASONS: Reason[] = [
  'DONE', 'PLACED', 'DONE_PARTIAL', 'NO_CHANGES', 'INVESTOR', 'ACCOUNT_TRADE_DISABLED', 'AUTOTRADING_DISABLED', 'ORDER_TYPE_NOT_SUPPORTED',
  'UNKNOWN_SYMBOL', 'POSITION_NOT_FOUND', 'ORDER_NOT_FOUND', 'TRADE_DISABLED', 'MARKET_CLOSED', 'INVALID_ORDER', 'INVALID', 'LONG_ONLY',
  'SHORT_ONLY', 'CLOSE_ONLY', 'INVALID_VOLUME', 'INVALID_CLOSE_VOLUME', 'INVALID_FILL', 'INVALID_PRICE', 'INVALID_STOPS', 'FROZEN',
  'INVALID_EXPIRATION', 'HEDGE_PROHIBITED', 'NO_MONEY', 'REQUOTE', 'PRICE_CHANGED', 'PRICE_OFF', 'SERVER_BUSY', 'TOO_MANY_REQUESTS',
  'NO_CONNECTION', 'TRADE_TIMEOUT', 'DISCONNECTED_BEFORE_TRADE', 'DISCONNECTED_DURING_TRADE',
];

describe('platform codes', () => {
  it('transcribes both reference tables completely (52 MT5/MetaApi rows, 40 MT4 rows)', () => {
    expect(MT5_CODES).toHaveLength(52);
    expect(MT4_CODES).toHaveLength(40);
  });

  it.each(REASONS)('maps %s to a code that exists in each platform table', (reason) => {
    expect(codeRow('mt5', codeFor('mt5', reason))).toBeDefined();
    expect(codeRow('mt4', codeFor('mt4', reason))).toBeDefined();
  });

  it('answers every row of both tables with its identifier and description', () => {
    for (const row of MT5_CODES) expect(responseForCode('mt5', row.code)).toEqual({ numericCode: row.code, stringCode: row.id, message: row.message });
    for (const row of MT4_CODES) expect(responseForCode('mt4', row.code)).toEqual({ numericCode: row.code, stringCode: row.id, message: row.message });
  });

  it('gives MT4 accounts MetaApi negative codes, and marks success as the SDK does', () => {
    expect(responseForCode('mt4', -11).stringCode).toBe('TRADE_RETCODE_DISCONNECTED_DURING_TRADE');
    expect([0, 10008, 10009, 10010, 10025].map((c) => isSuccess(responseForCode(c === 0 ? 'mt4' : 'mt5', c)))).toEqual([true, true, true, true, true]);
    expect(isSuccess(responseForCode('mt4', 1))).toBe(false);
    expect(isSuccess(responseForCode('mt5', 10004))).toBe(false);
  });
});
