/**
 * Trading accounts, their subscriptions to signal sources, and the synced view of the terminal.
 */
import type { Direction } from './signal';
import type { Quote, SymbolSpec } from './symbol';

/** How an order is sized. */
export type SizingMode =
  | { readonly mode: 'FIXED_LOTS'; readonly lots: number }
  /** Risks `percent` of balance or equity between entry and stop loss. */
  | { readonly mode: 'RISK_PERCENT'; readonly percent: number; readonly basis: 'BALANCE' | 'EQUITY' }
  /** Provider volume scaled by (account balance/equity) / (provider balance), times `multiplier`. */
  | { readonly mode: 'BALANCE_RATIO'; readonly multiplier: number; readonly basis: 'BALANCE' | 'EQUITY' }
  /** Provider volume hint times `multiplier`. */
  | { readonly mode: 'VOLUME_MULTIPLIER'; readonly multiplier: number };

/** What to do when the sized volume rounds below the broker's minimum. */
export type BelowMinimumPolicy = 'SKIP' | 'FORCE_MINIMUM';

/** Sizing settings of an account or of one subscription. */
export type SizingConfig = SizingMode & {
  readonly belowMinimum: BelowMinimumPolicy;
  /** Upper bound the user sets on one order, applied before the broker's maximum. */
  readonly maxLots?: number;
  /**
   * When the minimum is forced, refuse anyway if the real risk exceeds this percent of the sizing basis
   * (stops a 0.01-lot minimum from risking 20% of a tiny account).
   */
  readonly maxForcedRiskPercent?: number;
};

/** Daily loss limit, the prop-firm way. See `loss-limits.ts` for the exact arithmetic. */
export interface DailyLossLimit {
  readonly percent: number;
  /** The reference the day's loss is measured from. */
  readonly reference: 'DAY_START_BALANCE' | 'DAY_START_HIGHER_OF_BALANCE_EQUITY';
  /** What the percent applies to: the day's reference (default) or the account's initial balance (FTMO-style). */
  readonly percentOf: 'DAY_REFERENCE' | 'INITIAL_BALANCE';
  /** The trading day starts at midnight at this offset from UTC, in minutes (0 = UTC, 60 = CET). */
  readonly resetUtcOffsetMinutes?: number;
}

/** Maximum overall drawdown. See `loss-limits.ts`. */
export interface MaxDrawdownLimit {
  readonly percent: number;
  /** STATIC: floor fixed from the initial balance; TRAILING_*: floor trails the highest balance/equity seen. */
  readonly mode: 'STATIC_INITIAL_BALANCE' | 'TRAILING_PEAK_BALANCE' | 'TRAILING_PEAK_EQUITY';
}

/** Pre-trade limits of an account; absent limits are not checked. */
export interface AccountLimits {
  readonly maxOpenPositions?: number;
  readonly maxVolumePerOrder?: number;
  readonly maxVolumePerSymbol?: number;
  /** Part of equity (percent) that must stay free after the order's margin. */
  readonly marginReservePercent?: number;
  readonly dailyLoss?: DailyLossLimit;
  readonly maxDrawdown?: MaxDrawdownLimit;
  readonly maxOrdersPerMinute?: number;
  /** A sync older than this makes the account stale (default 10 s). */
  readonly maxSyncAgeMs?: number;
  /** State the account is put in when a loss limit is breached (default REDUCING). */
  readonly onLossLimitBreach?: 'REDUCING' | 'HALTED';
}

/** Broker symbol naming: explicit map first, then prefix + canonical + suffix (e.g. suffix `.m`). */
export interface SymbolMapping {
  readonly prefix?: string;
  readonly suffix?: string;
  readonly explicit?: Readonly<Record<string, string>>;
}

/** Which signals an account or subscription takes; absent lists allow everything. */
export interface TradeFilters {
  readonly allowedSymbols?: readonly string[];
  readonly blockedSymbols?: readonly string[];
  readonly allowedDirections?: readonly Direction[];
}

/** An account's configuration, owned by the risk service and published on `account.config`. */
export interface AccountConfig {
  readonly accountId: string;
  readonly tenantId: string;
  readonly ownerUserId: string;
  readonly platform: 'MT4' | 'MT5';
  readonly currency: string;
  readonly enabled: boolean;
  readonly autoTrading: boolean;
  readonly sizing: SizingConfig;
  readonly limits: AccountLimits;
  readonly mapping: SymbolMapping;
  readonly filters: TradeFilters;
}

/** An account following a signal source, with optional overrides. */
export interface Subscription {
  readonly subscriptionId: string;
  readonly accountId: string;
  readonly sourceId: string;
  readonly enabled: boolean;
  /** Overrides the account's sizing for this source. */
  readonly sizing?: SizingConfig;
  /** Trades the opposite direction with SL and TP swapped. */
  readonly reverse: boolean;
  /** Further filters for this source, on top of the account's. */
  readonly filters?: TradeFilters;
}

/** A position as last synced (or reported by execution). */
export interface PositionView {
  readonly positionId: string;
  /** Broker symbol. */
  readonly symbol: string;
  readonly direction: Direction;
  readonly volume: number;
  readonly openPrice: number;
  /** The order intent that opened it, when known (from the trade's clientId). */
  readonly intentId?: string;
}

/** A pending order as last synced. */
export interface PendingOrderView {
  readonly orderId: string;
  readonly symbol: string;
  readonly direction: Direction;
  readonly volume: number;
  readonly openPrice: number;
  readonly intentId?: string;
}

/** The terminal as of the last `account.synced`. */
export interface AccountSnapshot {
  readonly syncedAt: Date;
  readonly connected: boolean;
  readonly balance: number;
  readonly equity: number;
  readonly margin: number;
  readonly freeMargin: number;
  readonly leverage: number;
  readonly positions: readonly PositionView[];
  readonly orders: readonly PendingOrderView[];
}

/** Reference values of the loss limits, maintained from syncs (see `loss-limits.ts`). */
export interface LossAnchors {
  readonly initialBalance: number;
  readonly peakBalance: number;
  readonly peakEquity: number;
  /** Trading day (YYYY-MM-DD in the limits' reset time zone) the day values belong to. */
  readonly tradingDay: string;
  readonly dayStartBalance: number;
  readonly dayStartEquity: number;
}

/** Everything decide needs to know about one following account. */
export interface AccountView {
  readonly config: AccountConfig;
  readonly subscription: Subscription;
  readonly snapshot?: AccountSnapshot;
  readonly anchors?: LossAnchors;
  /** Symbol specifications keyed by broker symbol. */
  readonly specs: ReadonlyMap<string, SymbolSpec>;
  /** Latest quotes keyed by broker symbol, when known. */
  readonly quotes?: ReadonlyMap<string, Quote>;
}
