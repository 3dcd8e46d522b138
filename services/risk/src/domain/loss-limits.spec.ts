import type { AccountLimits, LossAnchors } from './account';
import { checkLossLimits, dailyLossFloor, drawdownFloor, endOfTradingDay, rollAnchors, tradingDayOf } from './loss-limits';
import { RejectionReason } from './rejection';

const anchors: LossAnchors = {
  initialBalance: 100_000,
  peakBalance: 108_000,
  peakEquity: 110_000,
  tradingDay: '2026-11-23',
  dayStartBalance: 104_000,
  dayStartEquity: 105_000,
};

const daily = (extra: Partial<NonNullable<AccountLimits['dailyLoss']>> = {}): AccountLimits => ({
  dailyLoss: { percent: 5, reference: 'DAY_START_BALANCE', percentOf: 'DAY_REFERENCE', ...extra },
});

describe('daily loss floor', () => {
  it('5% of the day-start balance 104,000 = 5,200 -> floor 98,800', () => {
    expect(dailyLossFloor(daily(), anchors)).toBe(98_800);
  });

  it('5% of the higher of day-start balance/equity (105,000) -> floor 99,750', () => {
    expect(dailyLossFloor(daily({ reference: 'DAY_START_HIGHER_OF_BALANCE_EQUITY' }), anchors)).toBe(99_750);
  });

  it('FTMO-style: 5% of the initial balance (5,000) below the day-start balance 104,000 -> floor 99,000', () => {
    expect(dailyLossFloor(daily({ percentOf: 'INITIAL_BALANCE' }), anchors)).toBe(99_000);
  });
});

describe('maximum drawdown floor', () => {
  it('static 10% of the initial 100,000 -> 90,000', () => {
    expect(drawdownFloor({ maxDrawdown: { percent: 10, mode: 'STATIC_INITIAL_BALANCE' } }, anchors)).toBe(90_000);
  });

  it('trailing 10% of the peak balance 108,000 -> 97,200; of the peak equity 110,000 -> 99,000', () => {
    expect(drawdownFloor({ maxDrawdown: { percent: 10, mode: 'TRAILING_PEAK_BALANCE' } }, anchors)).toBeCloseTo(97_200, 9);
    expect(drawdownFloor({ maxDrawdown: { percent: 10, mode: 'TRAILING_PEAK_EQUITY' } }, anchors)).toBeCloseTo(99_000, 9);
  });
});

describe('checking the limits', () => {
  it('given equity 98,800.01 (one cent above the daily floor), then nothing fails', () => {
    expect(checkLossLimits(daily(), anchors, 98_800.01, 0)).toEqual({ failures: [] });
  });

  it('given equity exactly at the daily floor 98,800, then DAILY_LOSS_LIMIT and the account is breached', () => {
    const r = checkLossLimits(daily(), anchors, 98_800, 0);
    expect(r.breached).toBe('DAILY_LOSS');
    expect(r.failures.map((f) => f.reason)).toEqual([RejectionReason.DAILY_LOSS_LIMIT]);
  });

  it('given equity 99,000 and an order risking 250, then the stop-out would reach 98,750 <= 98,800: refused, but not breached', () => {
    const r = checkLossLimits(daily(), anchors, 99_000, 250);
    expect(r.failures.map((f) => f.reason)).toEqual([RejectionReason.DAILY_LOSS_LIMIT]);
    expect(r.breached).toBeUndefined();
  });

  it('given equity 89,999 under a static 10% drawdown, then MAX_DRAWDOWN breached', () => {
    const r = checkLossLimits({ maxDrawdown: { percent: 10, mode: 'STATIC_INITIAL_BALANCE' } }, anchors, 89_999, 0);
    expect(r.breached).toBe('MAX_DRAWDOWN');
    expect(r.failures[0]!.reason).toBe(RejectionReason.MAX_DRAWDOWN);
  });

  it('given no limits, then nothing is checked', () => {
    expect(checkLossLimits({}, anchors, 1, 1_000_000)).toEqual({ failures: [] });
  });
});

describe('anchors across trading days', () => {
  const t0 = new Date('2026-11-23T21:00:00Z');

  it('given the first sync, then initial, peaks and day start all come from it', () => {
    expect(rollAnchors(undefined, { balance: 100_000, equity: 99_500 }, t0, 0)).toEqual({
      initialBalance: 100_000,
      peakBalance: 100_000,
      peakEquity: 99_500,
      tradingDay: '2026-11-23',
      dayStartBalance: 100_000,
      dayStartEquity: 99_500,
    });
  });

  it('given later syncs the same day, then peaks rise and the day start stays', () => {
    const a = rollAnchors(undefined, { balance: 100_000, equity: 100_000 }, t0, 0);
    const b = rollAnchors(a, { balance: 101_000, equity: 102_000 }, new Date('2026-11-23T22:00:00Z'), 0);
    expect(b).toMatchObject({ peakBalance: 101_000, peakEquity: 102_000, dayStartBalance: 100_000, tradingDay: '2026-11-23' });
  });

  it('given a reset at CET (UTC+60 min), then 23:30 UTC is already the next trading day and the day start moves', () => {
    expect(tradingDayOf(new Date('2026-11-23T23:30:00Z'), 60)).toBe('2026-11-24');
    const a = rollAnchors(undefined, { balance: 100_000, equity: 100_000 }, t0, 60);
    const b = rollAnchors(a, { balance: 97_000, equity: 96_500 }, new Date('2026-11-23T23:30:00Z'), 60);
    expect(b).toMatchObject({ tradingDay: '2026-11-24', dayStartBalance: 97_000, dayStartEquity: 96_500, initialBalance: 100_000 });
  });

  it('the trading day at UTC+60 ends at 23:00 UTC', () => {
    expect(endOfTradingDay(t0, 60).toISOString()).toBe('2026-11-23T23:00:00.000Z');
    expect(endOfTradingDay(t0, 0).toISOString()).toBe('2026-11-24T00:00:00.000Z');
  });
});
