import type { AccountPlatform, CodePlatform, HandlingClass, ModifyHint } from '../domain/trade-codes';

/** Direction of a market order or position. */
export type Side = 'buy' | 'sell';

/** The six pending order kinds MetaTrader supports. */
export type PendingOrderType = 'buy_limit' | 'sell_limit' | 'buy_stop' | 'sell_stop' | 'buy_stop_limit' | 'sell_stop_limit';

/** Every order type, as it appears on orders read back from the terminal. */
export type OrderType = Side | PendingOrderType | 'close_by';

/** Filling policy of an order (ORDER_FILLING_*). */
export type FillingMode = 'fok' | 'ioc' | 'return';

/**
 * How long a pending order lives. MT4 supports only `gtc` and `specified`; the terminal rejects the others there.
 */
export type Expiration =
  | { readonly type: 'gtc' }
  | { readonly type: 'day' }
  | { readonly type: 'specified'; readonly time: Date }
  | { readonly type: 'specified_day'; readonly time: Date };

/** Fields every trade request carries. */
export interface TradeCommon {
  /**
   * Our order-intent id (or the id of the modify/close command). The bridge derives the `clientId` tag from it with
   * `clientIdFor`, so the outcome of an uncertain request can be found on the terminal later.
   */
  readonly intentId: string;
  /** Free text for the terminal; together with the clientId at most 26 characters (see `MAX_COMMENT_LENGTH`). */
  readonly comment?: string;
  /** Expert magic number; the account's default when absent. */
  readonly magic?: number;
}

/** Options of orders that open or add exposure. */
export interface OrderOptions extends TradeCommon {
  readonly stopLoss?: number;
  readonly takeProfit?: number;
  /** Maximum slippage in points (ignored by symbols with market execution). */
  readonly slippagePoints?: number;
  /** Filling modes in priority order; the terminal picks the first the symbol allows. */
  readonly fillingModes?: readonly FillingMode[];
}

/** Opens a position at the market price. */
export interface MarketOrderRequest extends OrderOptions {
  readonly symbol: string;
  readonly side: Side;
  readonly volume: number;
}

/** Places a pending order; `stopLimitPrice` is required for the stop-limit kinds. */
export interface PendingOrderRequest extends OrderOptions {
  readonly symbol: string;
  readonly type: PendingOrderType;
  readonly volume: number;
  readonly openPrice: number;
  readonly stopLimitPrice?: number;
  readonly expiration?: Expiration;
}

/**
 * A server-side trailing stop (MetaApi `trailingStopLoss.distance`): the stop follows the price at this distance.
 * MetaApi moves it at most once per 15 s; platforms without support reject the request.
 */
export interface TrailingStop {
  readonly distance: number;
  readonly units: 'RELATIVE_PRICE' | 'RELATIVE_POINTS' | 'RELATIVE_PIPS' | 'RELATIVE_CURRENCY' | 'RELATIVE_BALANCE_PERCENTAGE';
}

/** Changes the SL/TP (and optionally the trailing stop) of an open position; an omitted value is not sent, 0 removes a stop. */
export interface ModifyPositionRequest extends TradeCommon {
  readonly positionId: string;
  readonly stopLoss?: number;
  readonly takeProfit?: number;
  readonly trailingStop?: TrailingStop;
}

/** Changes a pending order's price, stops and expiration. */
export interface ModifyOrderRequest extends TradeCommon {
  readonly orderId: string;
  readonly openPrice: number;
  readonly stopLoss?: number;
  readonly takeProfit?: number;
  readonly stopLimitPrice?: number;
  readonly expiration?: Expiration;
}

/** Closes a position, fully or (with `volume`) partially. */
export interface ClosePositionRequest extends TradeCommon {
  readonly positionId: string;
  /** Volume to close; the whole position when absent. */
  readonly volume?: number;
  readonly slippagePoints?: number;
}

/** Closes a position by an opposite one on the same symbol (hedging accounts). */
export interface CloseByRequest extends TradeCommon {
  readonly positionId: string;
  readonly oppositePositionId: string;
}

/** Closes every position on a symbol. */
export interface CloseBySymbolRequest extends TradeCommon {
  readonly symbol: string;
}

/** Deletes a pending order. */
export interface CancelOrderRequest extends TradeCommon {
  readonly orderId: string;
}

/** Outcome of a trade request: success, rejected (nothing executed) or outcome unknown (ask the terminal). */
export type TradeStatus = 'success' | 'rejected' | 'outcome_unknown';

/**
 * The one normalized result of every trade request. Broker rejections and lost responses are values of this type,
 * not exceptions; exceptions are reserved for invalid input (`BridgeValidationError`).
 */
export interface TradeResult {
  readonly status: TradeStatus;
  /** What the caller should do next; see `HandlingClass`. */
  readonly handling: HandlingClass;
  /** How to change a `modify_and_retry` request. */
  readonly hint?: ModifyHint;
  /** Code space of `code`: MT5 retcode, MT4 error, or a MetaApi/bridge code (negative). */
  readonly platform: CodePlatform;
  readonly code: number;
  /** Identifier of the code, e.g. `TRADE_RETCODE_REQUOTE`, `ERR_TRADE_TIMEOUT`, `BRIDGE_TRADE_TIMEOUT`. */
  readonly codeId: string;
  readonly message: string;
  readonly orderId?: string;
  readonly positionId?: string;
  readonly fillPrice?: number;
  readonly filledVolume?: number;
  /** Time from sending the request to having its answer (or giving up on it), in milliseconds. */
  readonly brokerRoundTripMs: number;
  /** The tag the request carried on the terminal. */
  readonly clientId: string;
  /** For throttled requests: how long the server asked us to wait before sending again. */
  readonly retryAfterMs?: number;
}

/** Balance, equity and margin of an account. */
export interface AccountInfo {
  readonly platform: AccountPlatform;
  readonly broker: string;
  readonly server: string;
  readonly currency: string;
  readonly login?: string;
  readonly name?: string;
  readonly balance: number;
  readonly equity: number;
  readonly margin: number;
  readonly freeMargin: number;
  /** Equity / margin in percent; undefined while no margin is used. */
  readonly marginLevel?: number;
  readonly leverage: number;
  readonly credit: number;
  readonly tradeAllowed: boolean;
  readonly investorMode: boolean;
  readonly marginMode?: 'exchange' | 'netting' | 'hedging';
  readonly accountType?: 'demo' | 'contest' | 'real';
}

/** An open position. */
export interface Position {
  readonly id: string;
  readonly symbol: string;
  readonly side: Side;
  readonly volume: number;
  readonly openPrice: number;
  readonly currentPrice?: number;
  readonly stopLoss?: number;
  readonly takeProfit?: number;
  readonly profit: number;
  readonly swap: number;
  readonly commission: number;
  readonly magic?: number;
  readonly comment?: string;
  readonly clientId?: string;
  readonly openedAt: Date;
  readonly updatedAt?: Date;
}

/** State of an order (ORDER_STATE_*), lower-cased. */
export type OrderState =
  | 'started'
  | 'placed'
  | 'canceled'
  | 'partial'
  | 'filled'
  | 'rejected'
  | 'expired'
  | 'request_add'
  | 'request_modify'
  | 'request_cancel'
  | 'unknown';

/** A pending order, or an order from history. */
export interface Order {
  readonly id: string;
  readonly type: OrderType;
  readonly state: OrderState;
  readonly symbol: string;
  readonly volume: number;
  readonly currentVolume?: number;
  readonly openPrice?: number;
  readonly stopLimitPrice?: number;
  readonly stopLoss?: number;
  readonly takeProfit?: number;
  readonly positionId?: string;
  readonly magic?: number;
  readonly comment?: string;
  readonly clientId?: string;
  readonly expiration?: Expiration;
  readonly placedAt: Date;
  readonly doneAt?: Date;
}

/** Deal type, lower-cased without the DEAL_TYPE_ prefix (`buy`, `sell`, `balance`, ...). */
export type DealType = string;

/** Whether a deal opened, closed, reversed or closed-by a position. */
export type DealEntry = 'in' | 'out' | 'inout' | 'out_by';

/** An executed deal from history. */
export interface Deal {
  readonly id: string;
  readonly type: DealType;
  readonly entry?: DealEntry;
  readonly symbol?: string;
  readonly volume?: number;
  readonly price?: number;
  readonly profit: number;
  readonly commission?: number;
  readonly swap?: number;
  readonly positionId?: string;
  readonly orderId?: string;
  readonly magic?: number;
  readonly comment?: string;
  readonly clientId?: string;
  /** Why the deal happened, as the platform names it (`DEAL_REASON_SL`, `DEAL_REASON_TP`, `DEAL_REASON_SO`, ...). */
  readonly reason?: string;
  readonly time: Date;
}

/** A time range for history queries; `limit`/`offset` page through long ranges (MetaApi allows at most 1000). */
export interface TimeRange {
  readonly from: Date;
  readonly to: Date;
  readonly offset?: number;
  readonly limit?: number;
}

/** Trading session interval within a weekday, as `hh.mm.ss.SSS` strings. */
export interface SessionInterval {
  readonly from: string;
  readonly to: string;
}

/** The trading rules of a symbol. */
export interface SymbolSpec {
  readonly symbol: string;
  readonly digits: number;
  readonly point: number;
  readonly tickSize: number;
  readonly contractSize: number;
  readonly minVolume: number;
  readonly maxVolume: number;
  readonly volumeStep: number;
  /** Minimum distance of stops from the price, in points. */
  readonly stopsLevel: number;
  /** Distance from the price within which orders and positions cannot be changed, in points. */
  readonly freezeLevel: number;
  readonly pipSize?: number;
  readonly fillingModes: readonly string[];
  readonly executionMode?: string;
  readonly tradeMode?: string;
  readonly allowedExpirationModes?: readonly string[];
  readonly allowedOrderTypes?: readonly string[];
  readonly marginCurrency?: string;
  readonly profitCurrency?: string;
  readonly baseCurrency?: string;
  readonly calcMode?: string;
  readonly tradeSessions?: Readonly<Record<string, readonly SessionInterval[]>>;
  readonly description?: string;
}

/** Current bid/ask of a symbol with the tick values used to convert price moves to account currency. */
export interface Price {
  readonly symbol: string;
  readonly bid: number;
  readonly ask: number;
  readonly profitTickValue?: number;
  readonly lossTickValue?: number;
  readonly time: Date;
}

/** Everything the terminal knows about a clientId: what `findByClientId` returns. */
export interface ClientIdLookup {
  readonly clientId: string;
  /** True when anything at all carries the clientId, i.e. the request reached the broker and was acted on. */
  readonly found: boolean;
  readonly positions: readonly Position[];
  readonly orders: readonly Order[];
  readonly historyOrders: readonly Order[];
  readonly deals: readonly Deal[];
  /**
   * False when the terminal said its history was still synchronizing: "not found" is then not proof that nothing
   * executed, and the caller must ask again later instead of resending.
   */
  readonly complete: boolean;
}

/** Options of `findByClientId`. */
export interface FindByClientIdOptions {
  /** Start of the history window searched; default: the terminal's configured lookback before now. */
  readonly since?: Date;
}
