import type {
  AccountInfo,
  CancelOrderRequest,
  ClientIdLookup,
  CloseByRequest,
  CloseBySymbolRequest,
  ClosePositionRequest,
  Deal,
  FindByClientIdOptions,
  MarketOrderRequest,
  ModifyOrderRequest,
  ModifyPositionRequest,
  Order,
  PendingOrderRequest,
  Position,
  Price,
  SymbolSpec,
  TimeRange,
  TradeResult,
} from './types';

/**
 * One MetaTrader 4/5 account's trading terminal, as the execution and sync services see it.
 *
 * Trade methods never throw for broker or transport outcomes: they resolve to a `TradeResult` whose `handling`
 * tells the caller what to do. They are never resent automatically; when the outcome is unknown the caller must
 * call `findByClientId` before sending anything again. They throw only `BridgeValidationError` for bad input.
 *
 * Read methods resolve to normalized data and reject with typed errors (`MetaApiError` subclasses,
 * `BridgeTimeoutError`, `BridgeConnectionError`, `CircuitOpenError`).
 */
export interface TradingTerminal {
  /** The account this terminal trades. */
  readonly accountId: string;

  /** Opens a position at the market price. */
  placeMarketOrder(request: MarketOrderRequest): Promise<TradeResult>;
  /** Places a buy/sell limit, stop or stop-limit order, optionally with an expiration. */
  placePendingOrder(request: PendingOrderRequest): Promise<TradeResult>;
  /** Sets a position's stop-loss and take-profit (and a server-side trailing stop where supported). */
  modifyPosition(request: ModifyPositionRequest): Promise<TradeResult>;
  /** Changes a pending order's open price, stops or expiration. */
  modifyOrder(request: ModifyOrderRequest): Promise<TradeResult>;
  /** Closes a position fully, or partially when `volume` is given. */
  closePosition(request: ClosePositionRequest): Promise<TradeResult>;
  /** Closes a position by an opposite position on the same symbol. */
  closeBy(request: CloseByRequest): Promise<TradeResult>;
  /** Closes every position on a symbol. */
  closePositionsBySymbol(request: CloseBySymbolRequest): Promise<TradeResult>;
  /** Deletes a pending order. */
  cancelOrder(request: CancelOrderRequest): Promise<TradeResult>;

  /** Balance, equity, margin and permissions of the account. */
  getAccountInfo(): Promise<AccountInfo>;
  /** Open positions. */
  getPositions(): Promise<readonly Position[]>;
  /** Pending orders. */
  getOrders(): Promise<readonly Order[]>;
  /** Orders that left the book (filled, canceled, expired, ...) within a time range. */
  getHistoryOrdersByTimeRange(range: TimeRange): Promise<readonly Order[]>;
  /** Historical orders of one position. */
  getHistoryOrdersByPosition(positionId: string): Promise<readonly Order[]>;
  /** A historical order by its ticket. */
  getHistoryOrdersByTicket(ticket: string): Promise<readonly Order[]>;
  /** Deals executed within a time range. */
  getDealsByTimeRange(range: TimeRange): Promise<readonly Deal[]>;
  /** Deals of one position. */
  getDealsByPosition(positionId: string): Promise<readonly Deal[]>;
  /** Deals of one ticket. */
  getDealsByTicket(ticket: string): Promise<readonly Deal[]>;
  /** Trading rules of a symbol. */
  getSymbolSpecification(symbol: string): Promise<SymbolSpec>;
  /** Current bid/ask of a symbol. */
  getPrice(symbol: string): Promise<Price>;
  /** Round-trips a cheap read to prove the terminal answers; resolves to the round-trip time in ms. */
  ping(): Promise<number>;

  /**
   * Everything the terminal holds that carries the clientId (positions, pending orders, history orders and deals in a
   * recent window). The execution service calls it after an uncertain outcome, before any resend.
   */
  findByClientId(clientId: string, options?: FindByClientIdOptions): Promise<ClientIdLookup>;
}
