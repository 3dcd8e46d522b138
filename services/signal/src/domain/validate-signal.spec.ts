import { FieldError } from './field-error';
import { ValidationPolicy, validateSignal } from './validate-signal';
import { decimalPlaces } from './numbers';

const NOW = Date.parse('2026-03-02T10:00:00.000Z');

const policy = (overrides: Partial<ValidationPolicy> = {}): ValidationPolicy => ({
  nowMs: NOW,
  maxSignalAgeMs: 30_000,
  maxClockSkewMs: 5_000,
  allowedSymbols: ['*'],
  knownSymbols: null,
  requireExternalId: true,
  ...overrides,
});

const open = (extra: Record<string, unknown> = {}) => ({
  action: 'open',
  externalId: 'sig-1',
  symbol: 'EURUSD',
  direction: 'buy',
  stopLoss: 1.082,
  takeProfits: [1.09],
  ...extra,
});

const ref = '7d0c3f2e-2b6e-4c1a-9a0b-3c5e7f9a1b2c';

function errorsOf(body: unknown, p: ValidationPolicy = policy()): FieldError[] {
  const out = validateSignal(body, p);
  return out.ok ? [] : [...out.errors];
}

function codes(body: unknown, p?: ValidationPolicy): string[] {
  return errorsOf(body, p).map((e) => `${e.field}:${e.code}`);
}

function valid(body: unknown, p?: ValidationPolicy) {
  const out = validateSignal(body, p ?? policy());
  if (!out.ok) throw new Error(`expected valid, got ${JSON.stringify(out.errors)}`);
  return out.signal;
}

describe('validateSignal', () => {
  describe('given a well-formed open', () => {
    it('when it is a market buy, then it is accepted with defaults filled in', () => {
      expect(valid(open())).toEqual({
        action: 'open',
        externalId: 'sig-1',
        sourceTimestamp: null,
        expiresAt: null,
        comment: null,
        symbol: 'EURUSD',
        direction: 'buy',
        orderType: 'market',
        entryPrice: null,
        stopLimitPrice: null,
        referencePrice: null,
        stopLoss: 1.082,
        takeProfits: [1.09],
        maxSlippagePoints: null,
        volumeHint: null,
        riskPercentHint: null,
      });
    });

    it.each([
      ['limit', 'buy', { entryPrice: 1.08, stopLoss: 1.075, takeProfits: [1.09], referencePrice: 1.085 }],
      ['limit', 'sell', { entryPrice: 1.09, stopLoss: 1.095, takeProfits: [1.08], referencePrice: 1.085 }],
      ['stop', 'buy', { entryPrice: 1.09, stopLoss: 1.085, takeProfits: [1.1], referencePrice: 1.085 }],
      ['stop', 'sell', { entryPrice: 1.08, stopLoss: 1.085, takeProfits: [1.07], referencePrice: 1.085 }],
      ['stop_limit', 'buy', { entryPrice: 1.09, stopLimitPrice: 1.089, stopLoss: 1.085, takeProfits: [1.1], referencePrice: 1.085 }],
      ['stop_limit', 'sell', { entryPrice: 1.08, stopLimitPrice: 1.081, stopLoss: 1.085, takeProfits: [1.07], referencePrice: 1.085 }],
    ])('when it is a %s %s with consistent prices, then it is accepted', (orderType, direction, prices) => {
      const s = valid(open({ orderType, direction, ...prices }));
      expect(s).toMatchObject({ action: 'open', orderType, direction });
    });

    it('when it carries every optional field, then all are kept and the symbol is upper-cased', () => {
      const s = valid(
        open({
          symbol: 'xauusd',
          stopLoss: 2300,
          takeProfits: [2400, 2450],
          referencePrice: 2350.5,
          maxSlippagePoints: 30,
          volumeHint: 0.25,
          riskPercentHint: 1.5,
          comment: 'breakout',
          sourceTimestamp: '2026-03-02T09:59:59Z',
          ttlSeconds: 60,
        }),
      );
      expect(s).toMatchObject({
        symbol: 'XAUUSD',
        takeProfits: [2400, 2450],
        maxSlippagePoints: 30,
        volumeHint: 0.25,
        riskPercentHint: 1.5,
        comment: 'breakout',
        sourceTimestamp: '2026-03-02T09:59:59.000Z',
        expiresAt: '2026-03-02T10:01:00.000Z',
      });
    });

    it('when it has no stop loss and no take profit, then it is accepted (risk decides whether that is allowed)', () => {
      expect(valid(open({ stopLoss: undefined, takeProfits: undefined }))).toMatchObject({ stopLoss: null, takeProfits: [] });
    });
  });

  describe('given the body is not an object', () => {
    it.each([null, 42, 'buy', [], [open()], true])('when the body is %p, then the body is refused', (body) => {
      expect(codes(body)).toEqual(['body:invalid_type']);
    });
  });

  describe('given the action', () => {
    it('when it is missing, then action is required', () => {
      expect(codes({ externalId: 'x' })).toEqual(['action:required']);
    });
    it('when it is unknown, then it is named as an unknown action', () => {
      const errors = errorsOf(open({ action: 'hedge' }));
      expect(errors).toEqual([expect.objectContaining({ field: 'action', code: 'unknown_action' })]);
      expect(errors[0]?.message).toContain('hedge');
    });
    it('when it is not a string, then its type is refused', () => {
      expect(codes(open({ action: 1 }))).toEqual(['action:invalid_type']);
    });
    it('when it is upper case, then it is accepted', () => {
      expect(valid(open({ action: 'OPEN' })).action).toBe('open');
    });
  });

  describe('given unknown or misplaced fields', () => {
    it('when a field is unknown, then it is refused by name', () => {
      expect(codes(open({ takeProfit: 1.09 }))).toEqual(['takeProfit:unknown_field']);
    });
    it('when several fields are unknown, then each is named', () => {
      expect(codes(open({ foo: 1, bar: 2 }))).toEqual(['foo:unknown_field', 'bar:unknown_field']);
    });
    it('when a field belongs to another action, then it is not applicable', () => {
      expect(codes(open({ fraction: 0.5 }))).toEqual(['fraction:not_applicable']);
      expect(codes({ action: 'cancel', externalId: 'c', refSignalId: ref, stopLoss: 1 })).toEqual(['stopLoss:not_applicable']);
    });
    it('when __proto__ is sent as a key, then it is refused like any unknown field', () => {
      expect(codes(JSON.parse('{"action":"open","externalId":"a","symbol":"EURUSD","direction":"buy","__proto__":{"x":1}}'))).toEqual([
        '__proto__:unknown_field',
      ]);
    });
  });

  describe('given the symbol', () => {
    it('when it is missing on an open, then it is required', () => {
      expect(codes(open({ symbol: undefined }))).toEqual(['symbol:required']);
    });
    it('when it is malformed, then its format is refused', () => {
      expect(codes(open({ symbol: 'EUR USD' }))).toEqual(['symbol:invalid_format']);
      expect(codes(open({ symbol: '' }))).toEqual(['symbol:invalid_format']);
    });
    it('when it is not on the source allow-list, then it is not allowed', () => {
      expect(codes(open(), policy({ allowedSymbols: ['GBPUSD'] }))).toEqual(['symbol:symbol_not_allowed']);
    });
    it('when it is on the allow-list, then it is accepted', () => {
      expect(valid(open(), policy({ allowedSymbols: ['EURUSD'] })).action).toBe('open');
    });
    it('when the platform does not know it, then it is an unknown symbol', () => {
      expect(codes(open({ symbol: 'FOOBAR' }), policy({ knownSymbols: new Set(['EURUSD']) }))).toEqual(['symbol:unknown_symbol']);
    });
  });

  describe('given the direction and order type', () => {
    it('when direction is missing, then it is required', () => {
      expect(codes(open({ direction: undefined }))).toEqual(['direction:required']);
    });
    it('when direction is not buy or sell, then it is an invalid value', () => {
      expect(codes(open({ direction: 'up' }))).toEqual(['direction:invalid_value']);
    });
    it('when orderType is unknown, then it is an invalid value', () => {
      expect(codes(open({ orderType: 'iceberg' }))).toEqual(['orderType:invalid_value']);
    });
  });

  describe('given a pending order', () => {
    it.each(['limit', 'stop', 'stop_limit'])('when a %s has no entry price, then entryPrice is required', (orderType) => {
      expect(codes(open({ orderType, stopLimitPrice: orderType === 'stop_limit' ? 1.08 : undefined, stopLoss: undefined, takeProfits: undefined }))).toEqual([
        'entryPrice:required',
      ]);
    });
    it('when a stop_limit has no limit price, then stopLimitPrice is required', () => {
      expect(codes(open({ orderType: 'stop_limit', entryPrice: 1.09, stopLoss: undefined, takeProfits: undefined }))).toEqual([
        'stopLimitPrice:required',
      ]);
    });
    it('when a limit order carries a stop-limit price, then it is not applicable', () => {
      expect(codes(open({ orderType: 'limit', entryPrice: 1.08, stopLimitPrice: 1.07, stopLoss: undefined, takeProfits: undefined }))).toEqual([
        'stopLimitPrice:not_applicable',
      ]);
    });
    it.each([
      ['limit', 'buy', 1.09],
      ['limit', 'sell', 1.08],
      ['stop', 'buy', 1.08],
      ['stop', 'sell', 1.09],
      ['limit', 'buy', 1.085],
    ])('when a %s %s entry %p contradicts the reference price 1.085, then the entry is inconsistent', (orderType, direction, entryPrice) => {
      expect(codes(open({ orderType, direction, entryPrice, referencePrice: 1.085, stopLoss: undefined, takeProfits: undefined }))).toEqual([
        'entryPrice:entry_inconsistent',
      ]);
    });
    it('when no reference price is given, then the entry side is not judged', () => {
      expect(valid(open({ orderType: 'limit', entryPrice: 5, stopLoss: undefined, takeProfits: undefined })).action).toBe('open');
    });
    it.each([
      ['buy', 1.091],
      ['sell', 1.089],
    ])('when a %s stop_limit limit price %p is on the wrong side of the stop price 1.09, then it is inconsistent', (direction, stopLimitPrice) => {
      expect(codes(open({ orderType: 'stop_limit', direction, entryPrice: 1.09, stopLimitPrice, stopLoss: undefined, takeProfits: undefined }))).toEqual([
        'stopLimitPrice:entry_inconsistent',
      ]);
    });
  });

  describe('given stop loss and take profits', () => {
    it('when a market buy has SL above the reference price, then the SL is on the wrong side', () => {
      expect(codes(open({ referencePrice: 1.085, stopLoss: 1.086 }))).toEqual(['stopLoss:wrong_side']);
    });
    it('when a market sell has a TP above the reference price, then that TP is on the wrong side', () => {
      expect(codes(open({ direction: 'sell', referencePrice: 1.085, stopLoss: 1.09, takeProfits: [1.08, 1.086] }))).toEqual([
        'takeProfits[1]:wrong_side',
      ]);
    });
    it('when a market order has no reference price, then the entry hint is the anchor', () => {
      expect(codes(open({ entryPrice: 1.08, stopLoss: 1.081, takeProfits: [1.09] }))).toEqual(['stopLoss:wrong_side']);
    });
    it('when a market order has neither reference nor entry, then only SL against TP is judged', () => {
      expect(codes(open({ stopLoss: 1.09, takeProfits: [1.085] }))).toEqual(['takeProfits[0]:wrong_side']);
    });
    it('when a sell limit has its SL below the entry, then the SL is on the wrong side', () => {
      expect(codes(open({ direction: 'sell', orderType: 'limit', entryPrice: 1.09, stopLoss: 1.08, takeProfits: [1.07] }))).toEqual([
        'stopLoss:wrong_side',
      ]);
    });
    it('when a buy stop_limit has its TP below the limit price, then the TP is on the wrong side', () => {
      expect(codes(open({ orderType: 'stop_limit', entryPrice: 1.09, stopLimitPrice: 1.089, stopLoss: 1.08, takeProfits: [1.0895, 1.088] }))).toEqual([
        'takeProfits[1]:wrong_side',
      ]);
    });
    it('when the SL equals the entry, then it is on the wrong side', () => {
      expect(codes(open({ orderType: 'limit', entryPrice: 1.08, stopLoss: 1.08, takeProfits: undefined }))).toEqual(['stopLoss:wrong_side']);
    });
    it('when takeProfits is not an array, then its type is refused', () => {
      expect(codes(open({ takeProfits: 1.09 }))).toEqual(['takeProfits:invalid_type']);
    });
    it('when takeProfits is empty, then it is an invalid value', () => {
      expect(codes(open({ takeProfits: [] }))).toEqual(['takeProfits:invalid_value']);
    });
    it('when there are too many take profits, then the list is refused', () => {
      expect(codes(open({ takeProfits: [1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9] }))).toEqual(['takeProfits:too_many_items']);
    });
    it('when one take profit is not a number, then that item is named', () => {
      expect(codes(open({ takeProfits: [1.09, '1.1'] }))).toEqual(['takeProfits[1]:invalid_type']);
    });
  });

  describe('given absurd numbers', () => {
    it.each([
      ['stopLoss', Number.NaN, 'not_finite'],
      ['stopLoss', Number.POSITIVE_INFINITY, 'not_finite'],
      ['stopLoss', -1, 'must_be_positive'],
      ['stopLoss', 0, 'must_be_positive'],
      ['stopLoss', 2e9, 'out_of_range'],
      ['stopLoss', 1.123456789, 'too_many_decimals'],
      ['stopLoss', '1.08', 'invalid_type'],
      ['referencePrice', -0.5, 'must_be_positive'],
      ['volumeHint', 0, 'must_be_positive'],
      ['volumeHint', -0.1, 'must_be_positive'],
      ['volumeHint', 0.0001, 'too_many_decimals'],
      ['volumeHint', 1e6, 'out_of_range'],
      ['riskPercentHint', 0, 'must_be_positive'],
      ['riskPercentHint', 150, 'out_of_range'],
      ['riskPercentHint', 1.555, 'too_many_decimals'],
      ['maxSlippagePoints', -1, 'out_of_range'],
      ['maxSlippagePoints', 2.5, 'invalid_type'],
      ['ttlSeconds', 0, 'must_be_positive'],
      ['ttlSeconds', 1.5, 'invalid_type'],
      ['ttlSeconds', 10_000_000, 'out_of_range'],
    ])('when %s is %p, then it is refused as %s', (field, value, code) => {
      const body = field === 'stopLoss' ? open({ stopLoss: value, takeProfits: undefined }) : open({ [field]: value });
      expect(codes(body)).toEqual([`${field}:${code}`]);
    });
  });

  describe('given times', () => {
    it('when expiresAt is in the past, then it is refused', () => {
      expect(codes(open({ expiresAt: '2026-03-02T09:59:59Z' }))).toEqual(['expiresAt:in_past']);
    });
    it('when expiresAt is a future instant, then it is kept in UTC', () => {
      expect(valid(open({ expiresAt: '2026-03-02T12:00:00+01:00' })).expiresAt).toBe('2026-03-02T11:00:00.000Z');
    });
    it('when expiresAt has no zone, then its format is refused', () => {
      expect(codes(open({ expiresAt: '2026-03-02T12:00:00' }))).toEqual(['expiresAt:invalid_format']);
    });
    it('when both ttlSeconds and expiresAt are given, then they conflict', () => {
      expect(codes(open({ ttlSeconds: 10, expiresAt: '2026-03-02T12:00:00Z' }))).toEqual(['expiresAt:conflicting_fields']);
    });
    it('when the source timestamp is older than the maximum age, then the signal is stale', () => {
      expect(codes(open({ sourceTimestamp: '2026-03-02T09:59:29Z' }))).toEqual(['sourceTimestamp:stale']);
    });
    it('when the source timestamp is just within the maximum age, then it is accepted', () => {
      expect(valid(open({ sourceTimestamp: '2026-03-02T09:59:30Z' })).sourceTimestamp).toBe('2026-03-02T09:59:30.000Z');
    });
    it('when the source timestamp is beyond the allowed clock skew, then it is in the future', () => {
      expect(codes(open({ sourceTimestamp: '2026-03-02T10:00:06Z' }))).toEqual(['sourceTimestamp:in_future']);
    });
    it('when the source timestamp is not ISO 8601, then its format is refused', () => {
      expect(codes(open({ sourceTimestamp: 'yesterday' }))).toEqual(['sourceTimestamp:invalid_format']);
    });
  });

  describe('given identifiers and text', () => {
    it('when externalId is missing and required, then it is required', () => {
      expect(codes(open({ externalId: undefined }))).toEqual(['externalId:required']);
    });
    it('when externalId is missing on a channel that does not require it, then it is null', () => {
      expect(valid(open({ externalId: undefined }), policy({ requireExternalId: false })).externalId).toBeNull();
    });
    it('when externalId has spaces or is too long, then it is refused', () => {
      expect(codes(open({ externalId: 'a b' }))).toEqual(['externalId:invalid_format']);
      expect(codes(open({ externalId: 'x'.repeat(129) }))).toEqual(['externalId:too_long']);
    });
    it('when the comment has control characters or is too long, then it is refused', () => {
      expect(codes(open({ comment: 'a\u0000b' }))).toEqual(['comment:invalid_format']);
      expect(codes(open({ comment: 'c'.repeat(257) }))).toEqual(['comment:too_long']);
    });
  });

  describe('given a modify', () => {
    const modify = (extra: Record<string, unknown>) => ({ action: 'modify', externalId: 'm-1', refSignalId: ref, ...extra });
    it('when it sets a new SL and TPs, then it is accepted', () => {
      expect(valid(modify({ stopLoss: 1.083, takeProfits: [1.095] }))).toMatchObject({
        action: 'modify',
        ref: { kind: 'signalId', value: ref },
        stopLoss: 1.083,
        takeProfits: [1.095],
        breakEven: false,
        trailingDistance: null,
      });
    });
    it('when it moves to break-even, then it is accepted', () => {
      expect(valid(modify({ breakEven: true }))).toMatchObject({ breakEven: true });
    });
    it('when it sets a trailing distance, then it is accepted', () => {
      expect(valid(modify({ trailingDistance: 0.002 }))).toMatchObject({ trailingDistance: 0.002 });
    });
    it('when it refers by external id, then the reference says so', () => {
      expect(valid({ action: 'modify', externalId: 'm', refExternalId: 'sig-1', breakEven: true })).toMatchObject({
        ref: { kind: 'externalId', value: 'sig-1' },
      });
    });
    it('when it changes nothing, then it is an empty modification', () => {
      expect(codes(modify({}))).toEqual(['body:empty_modification']);
      expect(codes(modify({ breakEven: false }))).toEqual(['body:empty_modification']);
    });
    it('when it sets both a stop loss and break-even, then they conflict', () => {
      expect(codes(modify({ stopLoss: 1.08, breakEven: true }))).toEqual(['breakEven:conflicting_fields']);
    });
    it('when breakEven is not a boolean, then its type is refused', () => {
      expect(codes(modify({ breakEven: 'yes' }))).toEqual(['breakEven:invalid_type', 'body:empty_modification']);
    });
    it('when the trailing distance is negative, then it is refused', () => {
      expect(codes(modify({ trailingDistance: -0.002 }))).toEqual(['trailingDistance:must_be_positive']);
    });
  });

  describe('given a close', () => {
    const close = (extra: Record<string, unknown> = {}) => ({ action: 'close', externalId: 'c-1', refSignalId: ref, ...extra });
    it('when no fraction is given, then it closes fully', () => {
      expect(valid(close())).toMatchObject({ action: 'close', fraction: 1 });
    });
    it('when a fraction is given, then it is kept', () => {
      expect(valid(close({ fraction: 0.5, maxSlippagePoints: 10 }))).toMatchObject({ fraction: 0.5, maxSlippagePoints: 10 });
    });
    it.each([
      [0, 'must_be_positive'],
      [-0.5, 'must_be_positive'],
      [1.5, 'out_of_range'],
      [0.1234567, 'too_many_decimals'],
    ])('when the fraction is %p, then it is refused as %s', (fraction, code) => {
      expect(codes(close({ fraction }))).toEqual([`fraction:${code}`]);
    });
    it('when it names no referenced signal, then refSignalId is required', () => {
      expect(codes({ action: 'close', externalId: 'c' })).toEqual(['refSignalId:required']);
    });
    it('when refSignalId is not a UUID, then its format is refused', () => {
      expect(codes(close({ refSignalId: 'abc' }))).toEqual(['refSignalId:invalid_format']);
    });
    it('when both reference kinds are given, then they conflict', () => {
      expect(codes(close({ refExternalId: 'x' }))).toEqual(['refExternalId:conflicting_fields']);
    });
    it('when the symbol is given, then it is upper-cased and kept', () => {
      expect(valid(close({ symbol: 'eurusd' }))).toMatchObject({ symbol: 'EURUSD' });
    });
  });

  describe('given a cancel', () => {
    it('when it refers to a signal, then it is accepted', () => {
      expect(valid({ action: 'cancel', externalId: 'x-1', refExternalId: 'sig-7' })).toMatchObject({
        action: 'cancel',
        ref: { kind: 'externalId', value: 'sig-7' },
      });
    });
  });

  describe('given many problems at once', () => {
    it('when several fields are wrong, then every one is reported', () => {
      expect(codes({ action: 'open', symbol: 'EUR USD', direction: 'up', stopLoss: -1, extra: 1 })).toEqual([
        'extra:unknown_field',
        'externalId:required',
        'symbol:invalid_format',
        'direction:invalid_value',
        'stopLoss:must_be_positive',
      ]);
    });
  });
});

describe('decimalPlaces', () => {
  it.each([
    [1, 0],
    [1.5, 1],
    [1.08201, 5],
    [1e-7, 7],
    [1.5e-10, 11],
    [1e21, 0],
    [Number.NaN, Number.POSITIVE_INFINITY],
  ])('given %p, then it has %p decimals', (n, d) => {
    expect(decimalPlaces(n)).toBe(d);
  });
});
