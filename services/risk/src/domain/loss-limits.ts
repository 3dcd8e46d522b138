/**
 * Prop-firm loss limits, measured from synced equity (open losses count).
 *
 * Daily loss: the day's reference R is the balance at the start of the trading day (or, if configured, the higher
 * of that balance and that equity). The allowance A is `percent`% of R (or of the initial balance, FTMO-style).
 * The floor is R - A; the limit is breached when equity <= floor. Example: day starts at 100,000 balance, 5% ->
 * floor 95,000; equity 94,999 breaches.
 *
 * Maximum drawdown: the floor is (1 - percent%) of the initial balance (STATIC), of the highest balance seen
 * (TRAILING_PEAK_BALANCE), or of the highest equity seen (TRAILING_PEAK_EQUITY); breached when equity <= floor.
 * Example: initial 100,000, 10% static -> floor 90,000.
 *
 * A new order is also refused when its loss at the stop (plus the stop losses of orders approved but not yet synced)
 * would take equity to or below a floor; that refusal does not change the trading state, a breach does.
 *
 * The trading day starts at 00:00 at `resetUtcOffsetMinutes` from UTC (e.g. 60 for CET); the day's values are those
 * of the first sync seen in that day.
 */
import type { AccountLimits, LossAnchors } from './account';
import { RejectionReason, type CheckFailure } from './rejection';
import { roundMoney } from './volume';

/** The trading day (YYYY-MM-DD) that `now` falls in, for a day that starts at midnight at the given UTC offset. */
export function tradingDayOf(now: Date, resetUtcOffsetMinutes: number): string {
  return new Date(now.getTime() + resetUtcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** When the trading day containing `now` ends. */
export function endOfTradingDay(now: Date, resetUtcOffsetMinutes: number): Date {
  const shifted = new Date(now.getTime() + resetUtcOffsetMinutes * 60_000);
  const nextMidnight = Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth(), shifted.getUTCDate() + 1);
  return new Date(nextMidnight - resetUtcOffsetMinutes * 60_000);
}

/** Updates the loss-limit anchors with a sync: peaks rise, and the first sync of a new trading day sets the day's start. */
export function rollAnchors(
  previous: LossAnchors | undefined,
  synced: { readonly balance: number; readonly equity: number },
  now: Date,
  resetUtcOffsetMinutes: number,
): LossAnchors {
  const tradingDay = tradingDayOf(now, resetUtcOffsetMinutes);
  if (!previous) {
    return {
      initialBalance: synced.balance,
      peakBalance: synced.balance,
      peakEquity: synced.equity,
      tradingDay,
      dayStartBalance: synced.balance,
      dayStartEquity: synced.equity,
    };
  }
  const newDay = tradingDay !== previous.tradingDay;
  return {
    initialBalance: previous.initialBalance,
    peakBalance: Math.max(previous.peakBalance, synced.balance),
    peakEquity: Math.max(previous.peakEquity, synced.equity),
    tradingDay: newDay ? tradingDay : previous.tradingDay,
    dayStartBalance: newDay ? synced.balance : previous.dayStartBalance,
    dayStartEquity: newDay ? synced.equity : previous.dayStartEquity,
  };
}

/** The equity floor of the daily loss limit, or undefined when the account has none. */
export function dailyLossFloor(limits: AccountLimits, anchors: LossAnchors): number | undefined {
  const daily = limits.dailyLoss;
  if (!daily) return undefined;
  const reference =
    daily.reference === 'DAY_START_BALANCE' ? anchors.dayStartBalance : Math.max(anchors.dayStartBalance, anchors.dayStartEquity);
  const base = daily.percentOf === 'INITIAL_BALANCE' ? anchors.initialBalance : reference;
  return reference - (base * daily.percent) / 100;
}

/** The equity floor of the maximum drawdown, or undefined when the account has none. */
export function drawdownFloor(limits: AccountLimits, anchors: LossAnchors): number | undefined {
  const dd = limits.maxDrawdown;
  if (!dd) return undefined;
  const reference =
    dd.mode === 'STATIC_INITIAL_BALANCE' ? anchors.initialBalance : dd.mode === 'TRAILING_PEAK_BALANCE' ? anchors.peakBalance : anchors.peakEquity;
  return reference * (1 - dd.percent / 100);
}

/** Outcome of the loss-limit checks. */
export interface LossLimitResult {
  readonly failures: readonly CheckFailure[];
  /** Set when equity is already at or below a floor: the account must stop opening trades. */
  readonly breached?: 'DAILY_LOSS' | 'MAX_DRAWDOWN';
}

/**
 * Checks equity, and equity minus the new order's and the in-flight orders' stop-loss risk, against both floors.
 * `addedRisk` is 0 for orders that add no exposure (close, cancel, modify).
 */
export function checkLossLimits(limits: AccountLimits, anchors: LossAnchors, equity: number, addedRisk: number): LossLimitResult {
  const failures: CheckFailure[] = [];
  let breached: LossLimitResult['breached'];
  const daily = dailyLossFloor(limits, anchors);
  if (daily !== undefined) {
    if (equity <= daily) {
      breached = 'DAILY_LOSS';
      failures.push({
        reason: RejectionReason.DAILY_LOSS_LIMIT,
        detail: `equity ${roundMoney(equity)} is at or below the daily loss floor ${roundMoney(daily)} (day start ${roundMoney(anchors.dayStartBalance)}, ${limits.dailyLoss!.percent}%)`,
      });
    } else if (addedRisk > 0 && equity - addedRisk <= daily) {
      failures.push({
        reason: RejectionReason.DAILY_LOSS_LIMIT,
        detail: `a stop-out of this and in-flight orders (${roundMoney(addedRisk)}) would take equity ${roundMoney(equity)} to the daily loss floor ${roundMoney(daily)}`,
      });
    }
  }
  const dd = drawdownFloor(limits, anchors);
  if (dd !== undefined) {
    if (equity <= dd) {
      breached ??= 'MAX_DRAWDOWN';
      failures.push({
        reason: RejectionReason.MAX_DRAWDOWN,
        detail: `equity ${roundMoney(equity)} is at or below the maximum drawdown floor ${roundMoney(dd)} (${limits.maxDrawdown!.mode}, ${limits.maxDrawdown!.percent}%)`,
      });
    } else if (addedRisk > 0 && equity - addedRisk <= dd) {
      failures.push({
        reason: RejectionReason.MAX_DRAWDOWN,
        detail: `a stop-out of this and in-flight orders (${roundMoney(addedRisk)}) would take equity ${roundMoney(equity)} to the maximum drawdown floor ${roundMoney(dd)}`,
      });
    }
  }
  return breached ? { failures, breached } : { failures };
}
