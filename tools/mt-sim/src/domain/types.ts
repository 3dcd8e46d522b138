/** Trading platform of a simulated account; decides which code table answers. */
export type Platform = 'mt5' | 'mt4';

/** Position accounting: one position per symbol (netting, MT5 only) or one per deal (hedging). */
export type MarginMode = 'hedging' | 'netting';

/** MetaApi MetatraderTradeResponse. */
export interface TradeResponse {
  numericCode: number;
  stringCode: string;
  message: string;
  orderId?: string;
  positionId?: string;
}

export const MARKET_ACTIONS = ['ORDER_TYPE_BUY', 'ORDER_TYPE_SELL'] as const;
export const PENDING_ACTIONS = [
  'ORDER_TYPE_BUY_LIMIT',
  'ORDER_TYPE_SELL_LIMIT',
  'ORDER_TYPE_BUY_STOP',
  'ORDER_TYPE_SELL_STOP',
  'ORDER_TYPE_BUY_STOP_LIMIT',
  'ORDER_TYPE_SELL_STOP_LIMIT',
] as const;
export const OTHER_ACTIONS = [
  'POSITION_MODIFY',
  'POSITION_PARTIAL',
  'POSITION_CLOSE_ID',
  'POSITION_CLOSE_BY',
  'POSITIONS_CLOSE_SYMBOL',
  'ORDER_MODIFY',
  'ORDER_CANCEL',
] as const;
export const ACTION_TYPES = [...MARKET_ACTIONS, ...PENDING_ACTIONS, ...OTHER_ACTIONS] as const;

export type MarketAction = (typeof MARKET_ACTIONS)[number];
export type PendingAction = (typeof PENDING_ACTIONS)[number];
export type ActionType = (typeof ACTION_TYPES)[number];
/** MT5 order types as MetaApi spells them (market and pending). */
export type OrderType = MarketAction | PendingAction | 'ORDER_TYPE_CLOSE_BY';

export const PRICE_UNITS = ['ABSOLUTE_PRICE', 'RELATIVE_PRICE', 'RELATIVE_POINTS', 'RELATIVE_PIPS', 'RELATIVE_CURRENCY', 'RELATIVE_BALANCE_PERCENTAGE'] as const;
export type PriceUnits = (typeof PRICE_UNITS)[number];
export const STOP_PRICE_BASES = ['CURRENT_PRICE', 'OPEN_PRICE', 'STOP_PRICE'] as const;
export type StopPriceBase = (typeof STOP_PRICE_BASES)[number];
export const EXPIRATION_TYPES = ['ORDER_TIME_GTC', 'ORDER_TIME_DAY', 'ORDER_TIME_SPECIFIED', 'ORDER_TIME_SPECIFIED_DAY'] as const;
export type ExpirationType = (typeof EXPIRATION_TYPES)[number];
export const FILLING_MODES = ['ORDER_FILLING_FOK', 'ORDER_FILLING_IOC', 'ORDER_FILLING_RETURN'] as const;
export type FillingMode = (typeof FILLING_MODES)[number];

/** A price given either as a number (absolute unless *Units say otherwise) or as MetaApi StopOptions. */
export interface PriceValue {
  value: number;
  units: PriceUnits;
}

/** A validated MetatraderTrade request (field presence per action checked by the HTTP validator). */
export interface TradeRequest {
  actionType: ActionType;
  symbol?: string;
  volume?: number;
  openPrice?: PriceValue;
  stopLimitPrice?: number;
  stopLoss?: PriceValue;
  takeProfit?: PriceValue;
  stopPriceBase?: StopPriceBase;
  orderId?: string;
  positionId?: string;
  closeByPositionId?: string;
  comment?: string;
  clientId?: string;
  magic?: number;
  slippage?: number;
  fillingModes?: FillingMode[];
  expiration?: { type: ExpirationType; time?: number };
  /** MetaApi trailingStopLoss.distance; the threshold variant is not simulated. */
  trailingStopLoss?: { distance: number; units: 'RELATIVE_PRICE' | 'RELATIVE_POINTS' | 'RELATIVE_PIPS' };
}

export type TradeMode =
  | 'SYMBOL_TRADE_MODE_DISABLED'
  | 'SYMBOL_TRADE_MODE_LONGONLY'
  | 'SYMBOL_TRADE_MODE_SHORTONLY'
  | 'SYMBOL_TRADE_MODE_CLOSEONLY'
  | 'SYMBOL_TRADE_MODE_FULL';

export type CalcMode =
  | 'SYMBOL_CALC_MODE_FOREX'
  | 'SYMBOL_CALC_MODE_FOREX_NO_LEVERAGE'
  | 'SYMBOL_CALC_MODE_CFD'
  | 'SYMBOL_CALC_MODE_CFDINDEX'
  | 'SYMBOL_CALC_MODE_CFDLEVERAGE';

export type ExecutionMode = 'SYMBOL_TRADE_EXECUTION_INSTANT' | 'SYMBOL_TRADE_EXECUTION_MARKET';

/** A trading or quoting window inside one broker-time day, in minutes from 00:00 (to = 1440 for end of day). */
export interface Session {
  from: number;
  to: number;
}

/** Weekday index as in Date#getUTCDay: 0 = Sunday. */
export type WeeklySessions = readonly (readonly Session[])[];

/** Everything the engine knows about a symbol (a superset of MetatraderSymbolSpecification). */
export interface SymbolSpec {
  symbol: string;
  description: string;
  path: string;
  digits: number;
  point: number;
  tickSize: number;
  /** Tick value in profit currency; used by CFDINDEX margin. Defaults to contractSize * tickSize. */
  tickValue: number;
  pipSize: number;
  contractSize: number;
  minVolume: number;
  maxVolume: number;
  volumeStep: number;
  stopsLevel: number;
  freezeLevel: number;
  tradeMode: TradeMode;
  calcMode: CalcMode;
  execution: ExecutionMode;
  fillingModes: ('SYMBOL_FILLING_FOK' | 'SYMBOL_FILLING_IOC')[];
  allowedOrderTypes: ('SYMBOL_ORDER_MARKET' | 'SYMBOL_ORDER_LIMIT' | 'SYMBOL_ORDER_STOP' | 'SYMBOL_ORDER_STOP_LIMIT' | 'SYMBOL_ORDER_SL' | 'SYMBOL_ORDER_TP' | 'SYMBOL_ORDER_CLOSEBY')[];
  allowedExpirationModes: ('SYMBOL_EXPIRATION_GTC' | 'SYMBOL_EXPIRATION_DAY' | 'SYMBOL_EXPIRATION_SPECIFIED' | 'SYMBOL_EXPIRATION_SPECIFIED_DAY')[];
  baseCurrency: string;
  profitCurrency: string;
  marginCurrency: string;
  /** Margin_Rate of the formulas in notes §7 (1 for forex). */
  marginRate: number;
  /** Swap in points per lot per day. */
  swapLong: number;
  swapShort: number;
  /** Default spread in points, used when a price is set with a bid only. */
  spreadPoints: number;
  /** First bid of the feed. */
  startBid: number;
  /** Standard deviation of one tick of the random walk, in points. */
  volatilityPoints: number;
  tradeSessions: WeeklySessions;
}

/** Settings of a simulated account (what the admin API creates). */
export interface AccountConfig {
  id: string;
  platform: Platform;
  marginMode: MarginMode;
  currency: string;
  leverage: number;
  token: string;
  tradeAllowed: boolean;
  investorMode: boolean;
  autoTradingEnabled: boolean;
  hedgeProhibited: boolean;
  stopOutLevel: number;
  marginCallLevel: number;
  commissionPerLot: number;
  /** Largest adverse fill slippage of market executions, in points (uniform 0..n). */
  slippagePoints: number;
  /** Requests per second the account's API allows (token bucket, burst = one second's worth); 0 = unlimited. */
  rateLimitPerSecond: number;
  tradeErrorStyle: 'response' | 'http-error';
  name: string;
  login: string;
  symbols: Record<string, Partial<SymbolSpec>>;
}

export type Side = 'buy' | 'sell';

export type PositionReason = 'POSITION_REASON_EXPERT' | 'POSITION_REASON_CLIENT';
export type OrderReason = 'ORDER_REASON_EXPERT' | 'ORDER_REASON_SL' | 'ORDER_REASON_TP' | 'ORDER_REASON_SO' | 'ORDER_REASON_CLIENT';
export type DealReason = 'DEAL_REASON_EXPERT' | 'DEAL_REASON_SL' | 'DEAL_REASON_TP' | 'DEAL_REASON_SO' | 'DEAL_REASON_CLIENT';

/** An open position (times in epoch ms). */
export interface Position {
  id: string;
  symbol: string;
  side: Side;
  volume: number;
  openPrice: number;
  time: number;
  updateTime: number;
  stopLoss?: number;
  takeProfit?: number;
  magic: number;
  comment?: string;
  clientId?: string;
  /** Swap accumulated and not yet realized, account currency. */
  swap: number;
  /** Commission charged on the deals that opened this position, account currency. */
  commission: number;
  realizedProfit: number;
  realizedSwap: number;
  realizedCommission: number;
  reason: PositionReason;
  /** Server-side trailing stop: the SL follows the price at this distance (price units), moved at most every 15 s. */
  trailing?: { distance: number; lastMove: number };
}

export type OrderState =
  | 'ORDER_STATE_PLACED'
  | 'ORDER_STATE_FILLED'
  | 'ORDER_STATE_CANCELED'
  | 'ORDER_STATE_EXPIRED'
  | 'ORDER_STATE_REJECTED'
  | 'ORDER_STATE_PARTIAL';

/** A pending order or a history order (times in epoch ms). */
export interface Order {
  id: string;
  symbol: string;
  type: OrderType;
  state: OrderState;
  volume: number;
  currentVolume: number;
  openPrice: number;
  stopLimitPrice?: number;
  stopLoss?: number;
  takeProfit?: number;
  time: number;
  doneTime?: number;
  expirationType: ExpirationType;
  expirationTime?: number;
  positionId?: string;
  closeByPositionId?: string;
  magic: number;
  comment?: string;
  clientId?: string;
  fillingMode: FillingMode;
  reason: OrderReason;
  /** Trailing distance (price units) the position gets when the order fills. */
  trailingDistance?: number;
}

export type DealType = 'DEAL_TYPE_BUY' | 'DEAL_TYPE_SELL' | 'DEAL_TYPE_BALANCE';
export type DealEntry = 'DEAL_ENTRY_IN' | 'DEAL_ENTRY_OUT' | 'DEAL_ENTRY_INOUT' | 'DEAL_ENTRY_OUT_BY';

/** An executed deal (times in epoch ms). */
export interface Deal {
  id: string;
  type: DealType;
  entryType?: DealEntry;
  symbol?: string;
  volume?: number;
  price?: number;
  time: number;
  profit: number;
  commission: number;
  swap: number;
  positionId?: string;
  orderId?: string;
  magic?: number;
  comment?: string;
  clientId?: string;
  reason?: DealReason;
  stopLoss?: number;
  takeProfit?: number;
}

/** Current quote of a symbol. */
export interface Quote {
  bid: number;
  ask: number;
  time: number;
}
