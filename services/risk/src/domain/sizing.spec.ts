import { EURUSD, GER40, RATES, USDJPY, XAUUSD, riskPercent } from '../../test/domain-fixtures';
import { RejectionReason } from './rejection';
import { sizeOrder, type SizingInput, type SizingResult } from './sizing';

function input(overrides: Partial<SizingInput>): SizingInput {
  return {
    sizing: riskPercent(1),
    spec: EURUSD,
    accountCurrency: 'USD',
    balance: 10_000,
    equity: 10_000,
    direction: 'BUY',
    entryPrice: 1.085,
    stopLoss: 1.083,
    rates: RATES,
    ...overrides,
  };
}

function ok(result: SizingResult) {
  if (!result.ok) throw new Error(`expected a size, got ${result.failure.reason}: ${result.failure.detail}`);
  return result.explanation;
}

function failed(result: SizingResult) {
  if (result.ok) throw new Error(`expected a failure, got ${result.explanation.volume} lots`);
  return result;
}

describe('risk-percent sizing', () => {
  it('EURUSD on a USD account: 1% of 10,000 = 100 USD; SL 20 pips = 200 ticks * 1 USD = 200 USD/lot -> 0.50 lots', () => {
    const e = ok(sizeOrder(input({})));
    expect(e.stopDistanceTicks).toBe(200);
    expect(e.tickValueInAccountCurrency).toBeCloseTo(1, 12);
    expect(e.lossPerLot).toBe(200);
    expect(e.rawVolume).toBeCloseTo(0.5, 12);
    expect(e.volume).toBe(0.5);
    expect(e.intendedRiskMoney).toBe(100);
    expect(e.realRiskMoney).toBe(100);
    expect(e.realRiskPercent).toBe(1);
  });

  it('EURUSD, SL 27 pips: 100 / (270 * 1) = 0.37037 -> rounded down to 0.37; real risk 0.37 * 270 = 99.90 USD = 0.999%', () => {
    const e = ok(sizeOrder(input({ stopLoss: 1.0823 })));
    expect(e.stopDistanceTicks).toBe(270);
    expect(e.rawVolume).toBeCloseTo(0.370370, 6);
    expect(e.volume).toBe(0.37);
    expect(e.realRiskMoney).toBe(99.9);
    expect(e.realRiskPercent).toBe(0.999);
    expect(e.intendedRiskPercent).toBe(1);
  });

  it('a SELL: entry 1.08500, SL 1.08700 (200 ticks above) sizes like the buy: 0.50 lots', () => {
    expect(ok(sizeOrder(input({ direction: 'SELL', stopLoss: 1.087 }))).volume).toBe(0.5);
  });

  it('USDJPY on a USD account: tick 100 JPY = 0.666667 USD at 150; SL 50 pips = 500 ticks -> 333.33 USD/lot; 100 / 333.33 = 0.30 lots', () => {
    const e = ok(sizeOrder(input({ spec: USDJPY, entryPrice: 150.0, stopLoss: 149.5 })));
    expect(e.stopDistanceTicks).toBe(500);
    expect(e.tickValueInAccountCurrency).toBeCloseTo(0.666667, 6);
    expect(e.lossPerLot).toBe(333.33);
    expect(e.volume).toBe(0.3);
    expect(e.realRiskMoney).toBe(100);
  });

  it('XAUUSD: 2% of 25,000 = 500 USD; SL 10.00 USD = 1,000 ticks * 1 USD = 1,000 USD/lot -> 0.50 lots', () => {
    const e = ok(sizeOrder(input({ spec: XAUUSD, balance: 25_000, equity: 25_000, sizing: riskPercent(2), entryPrice: 2350, stopLoss: 2340 })));
    expect(e.stopDistanceTicks).toBe(1000);
    expect(e.volume).toBe(0.5);
    expect(e.realRiskMoney).toBe(500);
    expect(e.realRiskPercent).toBe(2);
  });

  it('XAUUSD SELL: SL 12.50 above entry = 1,250 ticks -> 500 / 1,250 = 0.40 lots', () => {
    const e = ok(
      sizeOrder(input({ spec: XAUUSD, direction: 'SELL', balance: 25_000, sizing: riskPercent(2), entryPrice: 2350, stopLoss: 2362.5 })),
    );
    expect(e.volume).toBe(0.4);
  });

  it('GER40 (EUR CFD) on a USD account: 0.5% of 50,000 = 250 USD; 50 points = 500 ticks * 0.11 USD = 55 USD/lot; 4.545 -> 4.5 (step 0.1); real 247.50 = 0.495%', () => {
    const e = ok(
      sizeOrder(input({ spec: GER40, balance: 50_000, equity: 50_000, sizing: riskPercent(0.5), entryPrice: 18_500, stopLoss: 18_450 })),
    );
    expect(e.stopDistanceTicks).toBe(500);
    expect(e.tickValueInAccountCurrency).toBeCloseTo(0.11, 12);
    expect(e.lossPerLot).toBe(55);
    expect(e.rawVolume).toBeCloseTo(4.545454, 5);
    expect(e.volume).toBe(4.5);
    expect(e.realRiskMoney).toBe(247.5);
    expect(e.realRiskPercent).toBe(0.495);
    expect(e.intendedRiskPercent).toBe(0.5);
  });

  it('EURUSD on a EUR account: 1% of 10,000 EUR = 100 EUR; tick 1 USD = 0.909091 EUR; 200 ticks = 181.82 EUR/lot -> 0.55 lots', () => {
    // 100 / (200 / 1.10) = 110 / 200 = 0.55 exactly.
    const e = ok(sizeOrder(input({ accountCurrency: 'EUR' })));
    expect(e.tickValueInAccountCurrency).toBeCloseTo(0.909091, 6);
    expect(e.volume).toBe(0.55);
    expect(e.realRiskMoney).toBe(100);
  });

  it('USDJPY on a EUR account: tick 100 JPY = 0.606061 EUR (via USD); 500 ticks = 303.03 EUR/lot -> 100 / 303.03 = 0.33 lots', () => {
    // 100 / (500 * 100 / 150 / 1.10) = 100 * 150 * 1.10 / 50,000 = 0.33 exactly.
    const e = ok(sizeOrder(input({ spec: USDJPY, accountCurrency: 'EUR', entryPrice: 150, stopLoss: 149.5 })));
    expect(e.lossPerLot).toBe(303.03);
    expect(e.volume).toBe(0.33);
    expect(e.realRiskMoney).toBe(100);
  });

  it('on equity: 1% of equity 8,000 (balance 10,000) = 80 USD / 200 USD per lot = 0.40 lots', () => {
    const e = ok(sizeOrder(input({ equity: 8_000, sizing: { ...riskPercent(1), basis: 'EQUITY' } as never })));
    expect(e.riskBasis).toBe('EQUITY');
    expect(e.riskBasisAmount).toBe(8_000);
    expect(e.volume).toBe(0.4);
  });

  it('given no stop loss, then risk sizing refuses with STOP_LOSS_REQUIRED', () => {
    const r = failed(sizeOrder(input({ stopLoss: undefined })));
    expect(r.failure.reason).toBe(RejectionReason.STOP_LOSS_REQUIRED);
    expect(r.failure.detail).toMatch(/stop loss/);
  });

  it('given a stop loss on the profit side, then STOP_LOSS_REQUIRED', () => {
    expect(failed(sizeOrder(input({ stopLoss: 1.09 }))).failure.reason).toBe(RejectionReason.STOP_LOSS_REQUIRED);
  });

  it('given no rate from the profit currency to the account currency, then MARKET_DATA_UNAVAILABLE', () => {
    expect(failed(sizeOrder(input({ spec: USDJPY, accountCurrency: 'CHF', entryPrice: 150, stopLoss: 149.5 }))).failure.reason).toBe(
      RejectionReason.SYMBOL_SPEC_UNAVAILABLE,
    );
  });
});

describe('below the broker minimum', () => {
  // 0.5% of 500 USD = 2.50 USD; SL 50 pips = 500 ticks * 1 USD = 500 USD/lot -> 0.005 lots < 0.01 minimum.
  const small = { balance: 500, equity: 500, stopLoss: 1.08 };

  it('given SKIP, then VOLUME_BELOW_MINIMUM with the explanation kept', () => {
    const r = failed(sizeOrder(input({ ...small, sizing: riskPercent(0.5) })));
    expect(r.failure.reason).toBe(RejectionReason.VOLUME_BELOW_MINIMUM);
    expect(r.explanation?.rawVolume).toBeCloseTo(0.005, 12);
    expect(r.explanation?.roundedVolume).toBe(0);
  });

  it('given FORCE_MINIMUM, then 0.01 lots with the real risk reported: 5.00 USD = 1% against 0.5% intended', () => {
    const e = ok(sizeOrder(input({ ...small, sizing: riskPercent(0.5, { belowMinimum: 'FORCE_MINIMUM' }) })));
    expect(e.forcedMinimum).toBe(true);
    expect(e.volume).toBe(0.01);
    expect(e.intendedRiskMoney).toBe(2.5);
    expect(e.intendedRiskPercent).toBe(0.5);
    expect(e.realRiskMoney).toBe(5);
    expect(e.realRiskPercent).toBe(1);
  });

  it('given FORCE_MINIMUM with a cap of 0.8% real risk, then the forced 1% is refused', () => {
    const r = failed(sizeOrder(input({ ...small, sizing: riskPercent(0.5, { belowMinimum: 'FORCE_MINIMUM', maxForcedRiskPercent: 0.8 }) })));
    expect(r.failure.reason).toBe(RejectionReason.VOLUME_BELOW_MINIMUM);
    expect(r.failure.detail).toMatch(/1%/);
  });

  it('given a minimum of 0.1 and step 0.1 (GER40), when 0.25 lots are sized, then 0.2 (rounded down from the minimum)', () => {
    const e = ok(sizeOrder(input({ spec: GER40, sizing: { mode: 'FIXED_LOTS', lots: 0.25, belowMinimum: 'SKIP' } })));
    expect(e.volume).toBe(0.2);
  });
});

describe('clamping', () => {
  it('given a user maximum of 0.3, when risk sizing asks 0.5, then 0.3 (USER_MAX) and the real risk is 60 USD = 0.6%', () => {
    const e = ok(sizeOrder(input({ sizing: riskPercent(1, { maxLots: 0.3 }) })));
    expect(e.volume).toBe(0.3);
    expect(e.clampedTo).toBe('USER_MAX');
    expect(e.realRiskMoney).toBe(60);
    expect(e.realRiskPercent).toBe(0.6);
  });

  it('given the broker maximum of 50 lots (XAUUSD), when 80 lots are asked, then 50 (BROKER_MAX)', () => {
    const e = ok(sizeOrder(input({ spec: XAUUSD, entryPrice: 2350, stopLoss: 2340, sizing: { mode: 'FIXED_LOTS', lots: 80, belowMinimum: 'SKIP' } })));
    expect(e.volume).toBe(50);
    expect(e.clampedTo).toBe('BROKER_MAX');
  });

  it('given a user maximum off the step grid (0.755), then it is rounded down too (0.75)', () => {
    expect(ok(sizeOrder(input({ sizing: { mode: 'FIXED_LOTS', lots: 2, maxLots: 0.755, belowMinimum: 'SKIP' } }))).volume).toBe(0.75);
  });
});

describe('fixed lots', () => {
  it('given 0.07 lots, then exactly 0.07, with the real risk of the stop: 0.07 * 200 = 14 USD = 0.14%', () => {
    const e = ok(sizeOrder(input({ sizing: { mode: 'FIXED_LOTS', lots: 0.07, belowMinimum: 'SKIP' } })));
    expect(e.volume).toBe(0.07);
    expect(e.realRiskMoney).toBe(14);
    expect(e.realRiskPercent).toBe(0.14);
    expect(e.intendedRiskMoney).toBeUndefined();
  });

  it('given 0.075 lots on a 0.01 step, then 0.07', () => {
    expect(ok(sizeOrder(input({ sizing: { mode: 'FIXED_LOTS', lots: 0.075, belowMinimum: 'SKIP' } }))).volume).toBe(0.07);
  });

  it('given no stop loss, then the size stands and no real risk is reported', () => {
    const e = ok(sizeOrder(input({ stopLoss: undefined, sizing: { mode: 'FIXED_LOTS', lots: 0.1, belowMinimum: 'SKIP' } })));
    expect(e.volume).toBe(0.1);
    expect(e.realRiskMoney).toBeUndefined();
  });
});

describe('ratio to the provider balance', () => {
  it('provider trades 1.00 lot on 50,000 USD; the account has 10,000 USD -> 1 * 10,000 / 50,000 = 0.20 lots', () => {
    const e = ok(
      sizeOrder(input({ sizing: { mode: 'BALANCE_RATIO', multiplier: 1, basis: 'BALANCE', belowMinimum: 'SKIP' }, volumeHint: 1, providerBalance: 50_000 })),
    );
    expect(e.volume).toBe(0.2);
  });

  it('provider balance 50,000 EUR (= 55,000 USD at 1.10), account 11,000 USD, multiplier 1.5 -> 1 * 11,000 / 55,000 * 1.5 = 0.30 lots', () => {
    const e = ok(
      sizeOrder(
        input({
          balance: 11_000,
          equity: 11_000,
          sizing: { mode: 'BALANCE_RATIO', multiplier: 1.5, basis: 'BALANCE', belowMinimum: 'SKIP' },
          volumeHint: 1,
          providerBalance: 50_000,
          providerCurrency: 'EUR',
        }),
      ),
    );
    expect(e.volume).toBe(0.3);
  });

  it('given no provider balance, then SIZING_INPUT_MISSING', () => {
    const r = failed(sizeOrder(input({ sizing: { mode: 'BALANCE_RATIO', multiplier: 1, basis: 'BALANCE', belowMinimum: 'SKIP' }, volumeHint: 1 })));
    expect(r.failure.reason).toBe(RejectionReason.SIZING_INPUT_MISSING);
  });
});

describe('multiplier of the volume hint', () => {
  it('0.35 lots * 0.5 = 0.175 -> 0.17 lots', () => {
    const e = ok(sizeOrder(input({ sizing: { mode: 'VOLUME_MULTIPLIER', multiplier: 0.5, belowMinimum: 'SKIP' }, volumeHint: 0.35 })));
    expect(e.rawVolume).toBeCloseTo(0.175, 12);
    expect(e.volume).toBe(0.17);
  });

  it('0.1 lots * 0.7 = 0.07 exactly, despite 0.1 * 0.7 being 0.06999999999999999 in floating point', () => {
    expect(ok(sizeOrder(input({ sizing: { mode: 'VOLUME_MULTIPLIER', multiplier: 0.7, belowMinimum: 'SKIP' }, volumeHint: 0.1 }))).volume).toBe(0.07);
  });

  it('given no volume hint, then SIZING_INPUT_MISSING', () => {
    expect(failed(sizeOrder(input({ sizing: { mode: 'VOLUME_MULTIPLIER', multiplier: 2, belowMinimum: 'SKIP' } }))).failure.reason).toBe(
      RejectionReason.SIZING_INPUT_MISSING,
    );
  });
});
