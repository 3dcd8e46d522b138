/**
 * MT4 trade error codes (ERR_*) returned by OrderSend/OrderModify/OrderClose, transcribed row for row from
 * `shared/reference/mt4-trade-errors.csv`. A test compares this table with the CSV whenever the file is present.
 */

/** One row of the MT4 error table. */
export interface Mt4ErrorRow {
  readonly code: number;
  readonly identifier: string;
  readonly description: string;
}

/** Every row of mt4-trade-errors.csv, in file order. */
export const MT4_ERRORS: readonly Mt4ErrorRow[] = [
  { code: 0, identifier: "ERR_NO_ERROR", description: "No error returned" },
  { code: 1, identifier: "ERR_NO_RESULT", description: "No error returned, but the result is unknown" },
  { code: 2, identifier: "ERR_COMMON_ERROR", description: "Common error" },
  { code: 3, identifier: "ERR_INVALID_TRADE_PARAMETERS", description: "Invalid trade parameters" },
  { code: 4, identifier: "ERR_SERVER_BUSY", description: "Trade server is busy" },
  { code: 5, identifier: "ERR_OLD_VERSION", description: "Old version of the client terminal" },
  { code: 6, identifier: "ERR_NO_CONNECTION", description: "No connection with trade server" },
  { code: 7, identifier: "ERR_NOT_ENOUGH_RIGHTS", description: "Not enough rights" },
  { code: 8, identifier: "ERR_TOO_FREQUENT_REQUESTS", description: "Too frequent requests" },
  { code: 9, identifier: "ERR_MALFUNCTIONAL_TRADE", description: "Malfunctional trade operation" },
  { code: 64, identifier: "ERR_ACCOUNT_DISABLED", description: "Account disabled" },
  { code: 65, identifier: "ERR_INVALID_ACCOUNT", description: "Invalid account" },
  { code: 128, identifier: "ERR_TRADE_TIMEOUT", description: "Trade timeout" },
  { code: 129, identifier: "ERR_INVALID_PRICE", description: "Invalid price" },
  { code: 130, identifier: "ERR_INVALID_STOPS", description: "Invalid stops" },
  { code: 131, identifier: "ERR_INVALID_TRADE_VOLUME", description: "Invalid trade volume" },
  { code: 132, identifier: "ERR_MARKET_CLOSED", description: "Market is closed" },
  { code: 133, identifier: "ERR_TRADE_DISABLED", description: "Trade is disabled" },
  { code: 134, identifier: "ERR_NOT_ENOUGH_MONEY", description: "Not enough money" },
  { code: 135, identifier: "ERR_PRICE_CHANGED", description: "Price changed" },
  { code: 136, identifier: "ERR_OFF_QUOTES", description: "Off quotes" },
  { code: 137, identifier: "ERR_BROKER_BUSY", description: "Broker is busy" },
  { code: 138, identifier: "ERR_REQUOTE", description: "Requote" },
  { code: 139, identifier: "ERR_ORDER_LOCKED", description: "Order is locked" },
  { code: 140, identifier: "ERR_LONG_POSITIONS_ONLY_ALLOWED", description: "Buy orders only allowed" },
  { code: 141, identifier: "ERR_TOO_MANY_REQUESTS", description: "Too many requests" },
  { code: 145, identifier: "ERR_TRADE_MODIFY_DENIED", description: "Modification denied because order is too close to market" },
  { code: 146, identifier: "ERR_TRADE_CONTEXT_BUSY", description: "Trade context is busy" },
  { code: 147, identifier: "ERR_TRADE_EXPIRATION_DENIED", description: "Expirations are denied by broker" },
  { code: 148, identifier: "ERR_TRADE_TOO_MANY_ORDERS", description: "Amount of open and pending orders has reached the limit" },
  { code: 149, identifier: "ERR_TRADE_HEDGE_PROHIBITED", description: "Hedging is prohibited" },
  { code: 150, identifier: "ERR_TRADE_PROHIBITED_BY_FIFO", description: "Prohibited by FIFO rules" },
  { code: 4051, identifier: "ERR_INVALID_FUNCTION_PARAMVALUE", description: "Invalid function parameter value" },
  { code: 4105, identifier: "ERR_NO_ORDER_SELECTED", description: "No order selected" },
  { code: 4106, identifier: "ERR_UNKNOWN_SYMBOL", description: "Unknown symbol" },
  { code: 4107, identifier: "ERR_INVALID_PRICE_PARAM", description: "Invalid price parameter for trade function" },
  { code: 4108, identifier: "ERR_INVALID_TICKET", description: "Invalid ticket" },
  { code: 4109, identifier: "ERR_TRADE_NOT_ALLOWED", description: "Trade is not allowed in the expert properties" },
  { code: 4110, identifier: "ERR_LONGS_NOT_ALLOWED", description: "Longs are not allowed in the expert properties" },
  { code: 4111, identifier: "ERR_SHORTS_NOT_ALLOWED", description: "Shorts are not allowed in the expert properties" },
];
