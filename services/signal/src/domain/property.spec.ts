import fc from 'fast-check';
import { parseTradingViewText, translateTradingViewJson } from './tradingview';
import { ValidationPolicy, validateSignal } from './validate-signal';

const policy: ValidationPolicy = {
  nowMs: Date.parse('2026-03-02T10:00:00Z'),
  maxSignalAgeMs: 30_000,
  maxClockSkewMs: 5_000,
  allowedSymbols: ['EURUSD', 'XAUUSD'],
  knownSymbols: null,
  requireExternalId: true,
};

const fieldNames = fc.constantFrom(
  'action', 'externalId', 'symbol', 'direction', 'orderType', 'entryPrice', 'stopLimitPrice', 'referencePrice', 'stopLoss',
  'takeProfits', 'maxSlippagePoints', 'volumeHint', 'riskPercentHint', 'ttlSeconds', 'expiresAt', 'sourceTimestamp', 'comment',
  'refSignalId', 'refExternalId', 'fraction', 'breakEven', 'trailingDistance', '__proto__', 'constructor', 'toString', 'x',
);
const values = fc.oneof(
  fc.anything(),
  fc.double(),
  fc.constantFrom('open', 'modify', 'close', 'cancel', 'buy', 'sell', 'limit', 'stop_limit', 'EURUSD', NaN, Infinity, -0, 1e308),
  fc.array(fc.double(), { maxLength: 12 }),
);
const signalLike = fc.dictionary(fieldNames, values, { maxKeys: 12 });

/** Validation is a total function: it answers every input with ok or a non-empty error list and never throws. */
function assertTotal(outcome: ReturnType<typeof validateSignal>): void {
  if (!outcome.ok) {
    expect(outcome.errors.length).toBeGreaterThan(0);
    for (const e of outcome.errors) {
      expect(typeof e.field).toBe('string');
      expect(typeof e.message).toBe('string');
    }
  }
}

describe('validation never throws', () => {
  it('given any JSON-ish value, when validated, then a result comes back', () => {
    fc.assert(fc.property(fc.oneof(fc.anything(), signalLike), (body) => assertTotal(validateSignal(body, policy))), { numRuns: 3000 });
  });

  it('given any value as a TradingView JSON alert, when translated and validated, then a result comes back', () => {
    const tvKeys = fc.constantFrom('action', 'ticker', 'symbol', 'sl', 'tp', 'tp1', 'close', 'price', 'qty', 'percent', 'time', 'ref', 'be', 'passphrase', 'ttl');
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.dictionary(tvKeys, values)), (body) => {
        const t = translateTradingViewJson(body);
        if (t.ok) assertTotal(validateSignal(t.alert.body, policy));
      }),
      { numRuns: 3000 },
    );
  });

  it('given any text, when parsed and validated, then a result comes back', () => {
    const words = fc.constantFrom('buy', 'sell', 'limit', 'stoplimit', 'close', 'modify', 'cancel', 'EURUSD', '@1.08', '50%', 'be', 'sl=1.07', 'tp=1.1,1.2',
      'ttl=5x', 'ref=abc', 'time=2026', 'comment="a b"', '=', '"', 'risk=%', 'tp9=1');
    const sentence = fc.array(fc.oneof(words, fc.string()), { maxLength: 10 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), sentence), (text) => {
        const t = parseTradingViewText(text);
        if (t.ok) assertTotal(validateSignal(t.alert.body, policy));
        else expect(t.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });
});
