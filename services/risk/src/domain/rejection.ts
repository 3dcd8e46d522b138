/**
 * The closed set of reasons the risk service refuses an order. The codes are exactly those of the `risk.rejected`
 * contract (RiskRejectionReason, a test keeps them equal), repeated here so the domain imports nothing; a new reason
 * is added at the end of both, never renamed.
 */
export const RejectionReason = {
  AUTO_TRADING_DISABLED: 'RISK_AUTO_TRADING_DISABLED',
  ACCOUNT_NOT_OWNED: 'RISK_ACCOUNT_NOT_OWNED',
  ACCOUNT_DISCONNECTED: 'RISK_ACCOUNT_DISCONNECTED',
  SYNC_STALE: 'RISK_SYNC_STALE',
  SIGNAL_EXPIRED: 'RISK_SIGNAL_EXPIRED',
  SYMBOL_NOT_ALLOWED: 'RISK_SYMBOL_NOT_ALLOWED',
  SYMBOL_NOT_TRADABLE: 'RISK_SYMBOL_NOT_TRADABLE',
  MAX_OPEN_POSITIONS: 'RISK_MAX_OPEN_POSITIONS',
  MAX_VOLUME_PER_ORDER: 'RISK_MAX_VOLUME_PER_ORDER',
  MAX_VOLUME_PER_SYMBOL: 'RISK_MAX_VOLUME_PER_SYMBOL',
  INSUFFICIENT_MARGIN: 'RISK_INSUFFICIENT_MARGIN',
  DAILY_LOSS_LIMIT: 'RISK_DAILY_LOSS_LIMIT',
  MAX_DRAWDOWN: 'RISK_MAX_DRAWDOWN_BREACHED',
  MAX_ORDERS_PER_MINUTE: 'RISK_MAX_ORDERS_PER_MINUTE',
  TRADING_HALTED: 'RISK_TRADING_HALTED',
  REDUCING_ONLY: 'RISK_REDUCING_ONLY',
  VOLUME_BELOW_MINIMUM: 'RISK_VOLUME_BELOW_MINIMUM',
  FLEET_EXPOSURE_CAP: 'RISK_FLEET_EXPOSURE_CAP',
  NO_POSITIONS_TO_ACT_ON: 'RISK_NO_POSITIONS_TO_ACT_ON',
  /** A direction or order-type filter (including orders that cannot be reverse-copied). */
  FILTERED: 'RISK_FILTERED',
  ACCOUNT_DISABLED: 'RISK_ACCOUNT_DISABLED',
  /** Risk sizing without a usable stop loss (missing, or on the profit side of the entry). */
  STOP_LOSS_REQUIRED: 'RISK_STOP_LOSS_REQUIRED',
  SIZING_INPUT_MISSING: 'RISK_SIZING_INPUT_MISSING',
  /** Specification, price or conversion rate needed to size or check the order is unknown. */
  SYMBOL_SPEC_UNAVAILABLE: 'RISK_SYMBOL_SPEC_UNAVAILABLE',
  REFERENCED_SIGNAL_UNKNOWN: 'RISK_REFERENCED_SIGNAL_UNKNOWN',
} as const;

/** One of the risk service's rejection codes. */
export type RejectionReason = (typeof RejectionReason)[keyof typeof RejectionReason];

/** Every rejection code, in declaration order (for schemas, docs and exhaustiveness tests). */
export const ALL_REJECTION_REASONS: readonly RejectionReason[] = Object.values(RejectionReason);

/** A failed check: its code and a sentence a support engineer can read to the customer. */
export interface CheckFailure {
  readonly reason: RejectionReason;
  readonly detail: string;
}
