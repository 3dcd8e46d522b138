/** What a signal asks the platform to do. */
export const SIGNAL_ACTIONS = ['open', 'modify', 'close', 'cancel'] as const;
export type SignalAction = (typeof SIGNAL_ACTIONS)[number];

export const DIRECTIONS = ['buy', 'sell'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** How an `open` enters the market: at once, or as a pending order (limit, stop, stop-limit). */
export const ORDER_TYPES = ['market', 'limit', 'stop', 'stop_limit'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/**
 * The signal a modify/close/cancel acts on: either the platform's signal id (uuid) or the id the same source gave
 * that signal (its external id).
 */
export type SignalReference =
  | { readonly kind: 'signalId'; readonly value: string }
  | { readonly kind: 'externalId'; readonly value: string };

interface SignalCommon {
  /** The source's own id for this signal; the idempotency key together with the source id. */
  readonly externalId: string | null;
  /** When the source generated the signal (ISO 8601, UTC), if it said so. */
  readonly sourceTimestamp: string | null;
  /** After this instant (ISO 8601, UTC) the signal must no longer be acted on. */
  readonly expiresAt: string | null;
  readonly comment: string | null;
}

export interface OpenSignal extends SignalCommon {
  readonly action: 'open';
  readonly symbol: string;
  readonly direction: Direction;
  readonly orderType: OrderType;
  /** Pending orders: the order price (for stop-limit, the stop price). Market orders: an optional hint. */
  readonly entryPrice: number | null;
  /** Stop-limit only: the price of the limit order placed once the stop price is reached. */
  readonly stopLimitPrice: number | null;
  /** The market price the source saw when it generated the signal, if it sent one. */
  readonly referencePrice: number | null;
  readonly stopLoss: number | null;
  readonly takeProfits: readonly number[];
  readonly maxSlippagePoints: number | null;
  readonly volumeHint: number | null;
  readonly riskPercentHint: number | null;
}

export interface ModifySignal extends SignalCommon {
  readonly action: 'modify';
  readonly ref: SignalReference;
  readonly symbol: string | null;
  readonly stopLoss: number | null;
  readonly takeProfits: readonly number[];
  /** Move the stop loss to the fill price of each position. */
  readonly breakEven: boolean;
  /** Trailing stop distance in price units (e.g. 0.0020 for 20 pips on EURUSD). */
  readonly trailingDistance: number | null;
}

export interface CloseSignal extends SignalCommon {
  readonly action: 'close';
  readonly ref: SignalReference;
  readonly symbol: string | null;
  /** Share of each position's current volume to close, 0 < fraction <= 1; 1 closes fully. */
  readonly fraction: number;
  readonly maxSlippagePoints: number | null;
}

export interface CancelSignal extends SignalCommon {
  readonly action: 'cancel';
  readonly ref: SignalReference;
  readonly symbol: string | null;
}

/** A signal that passed every check that needs no stored state. Immutable once built. */
export type ValidatedSignal = OpenSignal | ModifySignal | CloseSignal | CancelSignal;

/** What the application knows about a previously stored signal that a modify/close/cancel refers to. */
export interface ReferencedSignal {
  readonly signalId: string;
  readonly sourceId: string;
  readonly action: SignalAction;
  readonly symbol: string | null;
  readonly direction: Direction | null;
  readonly orderType: OrderType | null;
}
