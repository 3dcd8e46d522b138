/**
 * The signal as the risk service sees it: a decoded `signal.generated` event, with times as Dates.
 */

export type Direction = 'BUY' | 'SELL';

/** How an opening order enters the market. */
export type EntryKind = 'MARKET' | 'LIMIT' | 'STOP' | 'STOP_LIMIT';

interface SignalBase {
  readonly signalId: string;
  readonly sourceId: string;
  readonly tenantId: string;
  /** Set when the source belongs to one user (a personal TradingView alert): only that user's accounts may follow. */
  readonly userId?: string;
  /** Canonical symbol, e.g. `EURUSD`, `XAUUSD`, `GER40`. */
  readonly symbol: string;
  /** When the signal service accepted the signal: the zero of every latency. */
  readonly acceptedAt: Date;
  /** Deadline after which no order may be sent for it. */
  readonly expiresAt?: Date;
}

/** Opens a position (market) or places a pending order. */
export interface OpenSignal extends SignalBase {
  readonly action: 'OPEN';
  readonly direction: Direction;
  readonly entry: EntryKind;
  /** Pending price, or the provider's reference price for a market order. */
  readonly entryPrice?: number;
  readonly stopLimitPrice?: number;
  readonly stopLoss?: number;
  /** One or more take profits; the order carries the first (nearest) one. */
  readonly takeProfits: readonly number[];
  readonly maxSlippagePoints?: number;
  /** Pending orders: when the broker deletes the order if it has not triggered (good-till-date); absent = GTC. */
  readonly orderExpiresAt?: Date;
  /** Provider's own volume (lots) for multiplier and ratio sizing. */
  readonly volumeHint?: number;
  /** Provider's balance and its currency, for ratio sizing. */
  readonly providerBalance?: number;
  readonly providerCurrency?: string;
  readonly comment?: string;
}

/** Changes SL/TP of what a previous signal opened. */
export interface ModifySignal extends SignalBase {
  readonly action: 'MODIFY';
  readonly referencedSignalId: string;
  readonly stopLoss?: number;
  readonly takeProfit?: number;
  /** Moves the stop loss to each position's open price. */
  readonly moveToBreakEven?: boolean;
  /** Trailing stop distance in price units. */
  readonly trailingDistance?: number;
}

/** Closes all or a fraction of what a previous signal opened. */
export interface CloseSignal extends SignalBase {
  readonly action: 'CLOSE';
  readonly referencedSignalId: string;
  /** Fraction of each position to close, 0 < f <= 1 (1 = full close). */
  readonly fraction: number;
}

/** Cancels the pending orders a previous signal placed. */
export interface CancelSignal extends SignalBase {
  readonly action: 'CANCEL';
  readonly referencedSignalId: string;
}

/** Any signal the risk service decides on. */
export type Signal = OpenSignal | ModifySignal | CloseSignal | CancelSignal;

/** Management signals act on what an earlier signal opened. */
export type ManagementSignal = ModifySignal | CloseSignal | CancelSignal;

/** The opposite direction. */
export function opposite(direction: Direction): Direction {
  return direction === 'BUY' ? 'SELL' : 'BUY';
}
