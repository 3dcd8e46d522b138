/**
 * The closed set of reasons the risk service refuses an order. Codes are stable strings (they travel in
 * `risk.rejected` and sit in the ledger); a new reason is added at the end, never renamed.
 */
export const RejectionReason = {
  AUTO_TRADING_DISABLED: 'RISK_AUTO_TRADING_DISABLED',
  ACCOUNT_DISABLED: 'RISK_ACCOUNT_DISABLED',
  ACCOUNT_NOT_OWNED: 'RISK_ACCOUNT_NOT_OWNED',
  ACCOUNT_DISCONNECTED: 'RISK_ACCOUNT_DISCONNECTED',
  ACCOUNT_SYNC_STALE: 'RISK_ACCOUNT_SYNC_STALE',
  SIGNAL_EXPIRED: 'RISK_SIGNAL_EXPIRED',
  SYMBOL_NOT_ALLOWED: 'RISK_SYMBOL_NOT_ALLOWED',
  DIRECTION_NOT_ALLOWED: 'RISK_DIRECTION_NOT_ALLOWED',
  SYMBOL_NOT_TRADABLE: 'RISK_SYMBOL_NOT_TRADABLE',
  MARKET_DATA_UNAVAILABLE: 'RISK_MARKET_DATA_UNAVAILABLE',
  SIZING_INPUT_INVALID: 'RISK_SIZING_INPUT_INVALID',
  VOLUME_BELOW_MINIMUM: 'RISK_VOLUME_BELOW_MINIMUM',
  MAX_OPEN_POSITIONS: 'RISK_MAX_OPEN_POSITIONS',
  MAX_VOLUME_PER_ORDER: 'RISK_MAX_VOLUME_PER_ORDER',
  MAX_VOLUME_PER_SYMBOL: 'RISK_MAX_VOLUME_PER_SYMBOL',
  INSUFFICIENT_MARGIN: 'RISK_INSUFFICIENT_MARGIN',
  DAILY_LOSS_LIMIT: 'RISK_DAILY_LOSS_LIMIT_BREACHED',
  MAX_DRAWDOWN: 'RISK_MAX_DRAWDOWN_BREACHED',
  MAX_ORDERS_PER_MINUTE: 'RISK_MAX_ORDERS_PER_MINUTE',
  FLEET_EXPOSURE_CAP: 'RISK_FLEET_EXPOSURE_CAP',
  TRADING_HALTED: 'RISK_TRADING_HALTED',
  TRADING_REDUCING: 'RISK_TRADING_REDUCING_ONLY',
  NOTHING_TO_MANAGE: 'RISK_NOTHING_TO_MANAGE',
  ORDER_NOT_SUPPORTED: 'RISK_ORDER_NOT_SUPPORTED',
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
