import { parseTradingViewText, renameFields, translateTradingViewJson } from './tradingview';
import { ValidationPolicy, validateSignal } from './validate-signal';

const NOW = Date.parse('2026-03-02T10:00:00.000Z');
const policy: ValidationPolicy = {
  nowMs: NOW,
  maxSignalAgeMs: 30_000,
  maxClockSkewMs: 5_000,
  allowedSymbols: ['*'],
  knownSymbols: null,
  requireExternalId: false,
};
const ref = '7d0c3f2e-2b6e-4c1a-9a0b-3c5e7f9a1b2c';

function textBody(text: string) {
  const t = parseTradingViewText(text);
  if (!t.ok) throw new Error(JSON.stringify(t.errors));
  return t.alert.body;
}

function textSignal(text: string) {
  const out = validateSignal(textBody(text), policy);
  if (!out.ok) throw new Error(JSON.stringify(out.errors));
  return out.signal;
}

function textErrors(text: string): string[] {
  const t = parseTradingViewText(text);
  if (!t.ok) return t.errors.map((e) => `${e.field}:${e.code}`);
  const out = validateSignal(t.alert.body, policy);
  return out.ok ? [] : renameFields(out.errors, t.alert.aliases).map((e) => `${e.field}:${e.code}`);
}

describe('parseTradingViewText', () => {
  it('given a market buy one-liner, when parsed, then it is an open buy at market with SL and TP', () => {
    expect(textSignal('buy EURUSD sl=1.0820 tp=1.0900')).toMatchObject({
      action: 'open',
      symbol: 'EURUSD',
      direction: 'buy',
      orderType: 'market',
      stopLoss: 1.082,
      takeProfits: [1.09],
    });
  });

  it('given a sell limit with @price and two TPs, when parsed, then it is a pending sell limit', () => {
    expect(textSignal('sell limit XAUUSD @2350.5 sl=2360 tp=2330,2320')).toMatchObject({
      action: 'open',
      direction: 'sell',
      orderType: 'limit',
      symbol: 'XAUUSD',
      entryPrice: 2350.5,
      stopLoss: 2360,
      takeProfits: [2330, 2320],
    });
  });

  it('given a stop-limit with every key, when parsed, then each key lands on its field', () => {
    expect(
      textSignal(
        'BUY STOP-LIMIT gbpusd @1.2700 stoplimit=1.2695 last=1.2650 sl=1.2600 tp1=1.28 tp2=1.29 vol=0.1 risk=1% slippage=20 ttl=5m id=abc-1 comment="london open" time=2026-03-02T09:59:58Z',
      ),
    ).toMatchObject({
      direction: 'buy',
      orderType: 'stop_limit',
      symbol: 'GBPUSD',
      entryPrice: 1.27,
      stopLimitPrice: 1.2695,
      referencePrice: 1.265,
      stopLoss: 1.26,
      takeProfits: [1.28, 1.29],
      volumeHint: 0.1,
      riskPercentHint: 1,
      maxSlippagePoints: 20,
      expiresAt: '2026-03-02T10:05:00.000Z',
      externalId: 'abc-1',
      comment: 'london open',
      sourceTimestamp: '2026-03-02T09:59:58.000Z',
    });
  });

  it('given long and short, when parsed, then they mean buy and sell', () => {
    expect(textSignal('long EURUSD')).toMatchObject({ direction: 'buy' });
    expect(textSignal('short EURUSD')).toMatchObject({ direction: 'sell' });
  });

  it('given a close with a platform signal id, when parsed, then it closes fully by signal id', () => {
    expect(textSignal(`close EURUSD ref=${ref}`)).toMatchObject({ action: 'close', fraction: 1, symbol: 'EURUSD', ref: { kind: 'signalId', value: ref } });
  });

  it('given a partial close by percent and an external ref, when parsed, then the fraction is exact', () => {
    expect(textSignal('close 50% ref=tv-123')).toMatchObject({ fraction: 0.5, ref: { kind: 'externalId', value: 'tv-123' } });
    expect(textSignal('close 33.3% ref=tv-123')).toMatchObject({ fraction: 0.333 });
  });

  it('given a modify, when parsed, then new SL, break-even and trailing are read', () => {
    expect(textSignal(`modify ref=${ref} sl=1.0850`)).toMatchObject({ action: 'modify', stopLoss: 1.085 });
    expect(textSignal('modify ref=tv-1 be')).toMatchObject({ breakEven: true });
    expect(textSignal('modify ref=tv-1 trail=0.0020')).toMatchObject({ trailingDistance: 0.002 });
  });

  it('given a cancel, when parsed, then it cancels the referenced signal', () => {
    expect(textSignal('cancel ref=tv-9')).toMatchObject({ action: 'cancel', ref: { kind: 'externalId', value: 'tv-9' } });
  });

  it('given an exchange-prefixed ticker, when parsed, then the prefix is dropped', () => {
    expect(textSignal('buy OANDA:EURUSD')).toMatchObject({ symbol: 'EURUSD' });
  });

  it('given an unknown verb, when parsed, then the action is unknown', () => {
    expect(textErrors('hold EURUSD')).toEqual(['action:unknown_action']);
  });

  it('given an unknown key, when parsed, then the key is named', () => {
    expect(textErrors('buy EURUSD lev=100')).toEqual(['lev:unknown_field']);
  });

  it('given a stray word, when parsed, then it is unparsable', () => {
    expect(textErrors('buy EURUSD now please')).toEqual(['body:unparsable', 'body:unparsable']);
  });

  it('given several lines or nothing, when parsed, then the body is refused', () => {
    expect(textErrors('buy EURUSD\nsell EURUSD')).toEqual(['body:unparsable']);
    expect(textErrors('   ')).toEqual(['body:required']);
  });

  it('given a repeated key, when parsed, then it conflicts', () => {
    expect(textErrors('buy EURUSD sl=1 sl=2')).toEqual(['sl:conflicting_fields']);
  });

  it('given bad values, when validated, then errors name the sender keys', () => {
    expect(textErrors('buy EURUSD sl=abc')).toEqual(['sl:invalid_type']);
    expect(textErrors('buy EURUSD sl=NaN')).toEqual(['sl:not_finite']);
    expect(textErrors('buy EURUSD sl=1.09 tp=1.08')).toEqual(['tp[0]:wrong_side']);
    expect(textErrors('sell limit EURUSD sl=1.1')).toEqual(['entryPrice:required']);
    expect(textErrors('close 150% ref=x')).toEqual(['150%:out_of_range']);
    expect(textErrors('buy EURUSD vol=0')).toEqual(['vol:must_be_positive']);
  });
});

describe('translateTradingViewJson', () => {
  it('given a typical alert with a passphrase and numbers as strings, when translated, then it validates as an open', () => {
    const t = translateTradingViewJson({
      passphrase: 's3cret',
      action: 'buy',
      ticker: 'FX:EURUSD',
      close: '1.0850',
      sl: '1.0820',
      tp: '1.0900,1.0950',
      qty: 0.2,
      id: 42,
      timenow: '2026-03-02T09:59:59Z',
    });
    if (!t.ok) throw new Error(JSON.stringify(t.errors));
    expect(t.alert.passphrase).toBe('s3cret');
    expect(t.alert.body).not.toHaveProperty('passphrase');
    const out = validateSignal(t.alert.body, policy);
    expect(out).toMatchObject({
      ok: true,
      signal: { action: 'open', direction: 'buy', symbol: 'EURUSD', referencePrice: 1.085, stopLoss: 1.082, takeProfits: [1.09, 1.095], volumeHint: 0.2, externalId: '42' },
    });
  });

  it('given an action with an order type, when translated, then both are set', () => {
    const t = translateTradingViewJson({ action: 'sell stop', symbol: 'EURUSD', price: 1.08 });
    expect(t).toMatchObject({ ok: true, alert: { body: { action: 'open', direction: 'sell', orderType: 'stop', entryPrice: 1.08 } } });
  });

  it('given tp1..tp3 and percent, when translated, then TPs are collected and percent becomes a fraction', () => {
    expect(translateTradingViewJson({ action: 'buy', symbol: 'EURUSD', tp1: 1.1, tp2: 1.2, tp3: '1.3' })).toMatchObject({
      ok: true,
      alert: { body: { takeProfits: [1.1, 1.2, 1.3] } },
    });
    expect(translateTradingViewJson({ action: 'close', ref: 'x', percent: 25 })).toMatchObject({ ok: true, alert: { body: { fraction: 0.25 } } });
  });

  it('given epoch seconds as time, when translated, then it becomes an ISO instant', () => {
    expect(translateTradingViewJson({ action: 'buy', symbol: 'EURUSD', time: 1772445599 })).toMatchObject({
      ok: true,
      alert: { body: { sourceTimestamp: '2026-03-02T09:59:59.000Z' } },
    });
  });

  it('given an unknown key, when translated, then it is named', () => {
    expect(translateTradingViewJson({ action: 'buy', symbol: 'EURUSD', leverage: 10 })).toEqual({
      ok: false,
      errors: [expect.objectContaining({ field: 'leverage', code: 'unknown_field' })],
    });
  });

  it('given two aliases of one field, when translated, then they conflict', () => {
    expect(translateTradingViewJson({ action: 'buy', symbol: 'EURUSD', sl: 1, stop_loss: 2 })).toMatchObject({
      ok: false,
      errors: [{ field: 'stop_loss', code: 'conflicting_fields' }],
    });
  });

  it('given a non-object, when translated, then the body is refused', () => {
    expect(translateTradingViewJson([1, 2])).toMatchObject({ ok: false, errors: [{ field: 'body', code: 'invalid_type' }] });
  });

  it('given an unknown action word, when validated, then the action is unknown', () => {
    const t = translateTradingViewJson({ action: 'buy twice', symbol: 'EURUSD' });
    if (!t.ok) throw new Error('expected translation');
    expect(validateSignal(t.alert.body, policy)).toMatchObject({ ok: false, errors: [{ field: 'action', code: 'unknown_action' }] });
  });
});
