/**
 * MT5 trade server return codes (TRADE_RETCODE_*) and MetaApi's own negative codes, transcribed row for row from
 * `shared/reference/mt5-trade-retcodes.csv` (the reference README allows transcribing the CSV tables). A test
 * compares this table with the CSV whenever the file is present, so the two cannot drift apart silently.
 */

/** The reference table's judgement of how retryable a code is; the bridge's own decision is `HandlingClass`. */
export type RetryableGuess =
  | 'success'
  | 'no'
  | 'yes-refresh-price'
  | 'maybe-refresh-price'
  | 'yes-backoff'
  | 'later'
  | 'reconcile-first';

/** One row of the MT5 retcode table. */
export interface Mt5RetcodeRow {
  readonly code: number;
  readonly identifier: string;
  readonly description: string;
  readonly retryableGuess: RetryableGuess;
}

/** Every row of mt5-trade-retcodes.csv, in file order. */
export const MT5_RETCODES: readonly Mt5RetcodeRow[] = [
  { code: -11, identifier: "TRADE_RETCODE_DISCONNECTED_DURING_TRADE", description: "MetaApi-specific: The trade request was delivered to the trading server, however the server has terminated connection afterwards. This means that the result of the trade is not known", retryableGuess: "reconcile-first" },
  { code: -10, identifier: "TRADE_RETCODE_DISCONNECTED_BEFORE_TRADE", description: "MetaApi-specific: Could not submit the trade request to the broker because terminal has been disconnected from the trading server. This means that the trade was never delivered to the trading server (rest of sentence truncated in the copy read)", retryableGuess: "yes-backoff" },
  { code: -9, identifier: "ERR_PIP_SIZE_NOT_DEFINED", description: "MetaApi-specific: Pip size is not defined", retryableGuess: "no" },
  { code: -8, identifier: "ERR_INVESTOR", description: "MetaApi-specific: Trading is not allowed with investor password", retryableGuess: "no" },
  { code: -7, identifier: "ERR_TRADE_TIMED_OUT", description: "MetaApi-specific: Trade timed out", retryableGuess: "reconcile-first" },
  { code: -6, identifier: "ERR_NO_QUOTES", description: "MetaApi-specific: Failed to retrieve quotes for trading", retryableGuess: "yes-backoff" },
  { code: -5, identifier: "ERR_NOT_SYNCHRONIZED", description: "MetaApi-specific: Server-side synchronization required", retryableGuess: "yes-backoff" },
  { code: -4, identifier: "TRADE_RETCODE_ORDER_TYPE_NOT_SUPPORTED", description: "MetaApi-specific: Order type not supported", retryableGuess: "no" },
  { code: -1, identifier: "TRADE_RETCODE_UNKNOWN", description: "MetaApi-specific: Unknown trade return code", retryableGuess: "reconcile-first" },
  { code: 4753, identifier: "ERR_TRADE_POSITION_NOT_FOUND", description: "Position not found (MQL5 runtime error; listed by MetaApi in its MT5 trade code table)", retryableGuess: "no" },
  { code: 4754, identifier: "ERR_TRADE_ORDER_NOT_FOUND", description: "Order not found (MQL5 runtime error; listed by MetaApi in its MT5 trade code table)", retryableGuess: "no" },
  { code: 10004, identifier: "TRADE_RETCODE_REQUOTE", description: "Requote", retryableGuess: "yes-refresh-price" },
  { code: 10006, identifier: "TRADE_RETCODE_REJECT", description: "Request rejected", retryableGuess: "no" },
  { code: 10007, identifier: "TRADE_RETCODE_CANCEL", description: "Request canceled by trader", retryableGuess: "no" },
  { code: 10008, identifier: "TRADE_RETCODE_PLACED", description: "Order placed", retryableGuess: "success" },
  { code: 10009, identifier: "TRADE_RETCODE_DONE", description: "Request completed", retryableGuess: "success" },
  { code: 10010, identifier: "TRADE_RETCODE_DONE_PARTIAL", description: "Only part of the request was completed", retryableGuess: "success" },
  { code: 10011, identifier: "TRADE_RETCODE_ERROR", description: "Request processing error", retryableGuess: "reconcile-first" },
  { code: 10012, identifier: "TRADE_RETCODE_TIMEOUT", description: "Request canceled by timeout", retryableGuess: "reconcile-first" },
  { code: 10013, identifier: "TRADE_RETCODE_INVALID", description: "Invalid request", retryableGuess: "no" },
  { code: 10014, identifier: "TRADE_RETCODE_INVALID_VOLUME", description: "Invalid volume in the request", retryableGuess: "no" },
  { code: 10015, identifier: "TRADE_RETCODE_INVALID_PRICE", description: "Invalid price in the request", retryableGuess: "maybe-refresh-price" },
  { code: 10016, identifier: "TRADE_RETCODE_INVALID_STOPS", description: "Invalid stops in the request", retryableGuess: "no" },
  { code: 10017, identifier: "TRADE_RETCODE_TRADE_DISABLED", description: "Trade is disabled", retryableGuess: "no" },
  { code: 10018, identifier: "TRADE_RETCODE_MARKET_CLOSED", description: "Market is closed", retryableGuess: "later" },
  { code: 10019, identifier: "TRADE_RETCODE_NO_MONEY", description: "There is not enough money to complete the request", retryableGuess: "no" },
  { code: 10020, identifier: "TRADE_RETCODE_PRICE_CHANGED", description: "Prices changed", retryableGuess: "yes-refresh-price" },
  { code: 10021, identifier: "TRADE_RETCODE_PRICE_OFF", description: "There are no quotes to process the request", retryableGuess: "yes-backoff" },
  { code: 10022, identifier: "TRADE_RETCODE_INVALID_EXPIRATION", description: "Invalid order expiration date in the request", retryableGuess: "no" },
  { code: 10023, identifier: "TRADE_RETCODE_ORDER_CHANGED", description: "Order state changed", retryableGuess: "reconcile-first" },
  { code: 10024, identifier: "TRADE_RETCODE_TOO_MANY_REQUESTS", description: "Too frequent requests", retryableGuess: "yes-backoff" },
  { code: 10025, identifier: "TRADE_RETCODE_NO_CHANGES", description: "No changes in request", retryableGuess: "success" },
  { code: 10026, identifier: "TRADE_RETCODE_SERVER_DISABLES_AT", description: "Autotrading disabled by server", retryableGuess: "no" },
  { code: 10027, identifier: "TRADE_RETCODE_CLIENT_DISABLES_AT", description: "Autotrading disabled by client terminal", retryableGuess: "no" },
  { code: 10028, identifier: "TRADE_RETCODE_LOCKED", description: "Request locked for processing", retryableGuess: "yes-backoff" },
  { code: 10029, identifier: "TRADE_RETCODE_FROZEN", description: "Order or position frozen", retryableGuess: "later" },
  { code: 10030, identifier: "TRADE_RETCODE_INVALID_FILL", description: "Invalid order filling type", retryableGuess: "no" },
  { code: 10031, identifier: "TRADE_RETCODE_CONNECTION", description: "No connection with the trade server", retryableGuess: "reconcile-first" },
  { code: 10032, identifier: "TRADE_RETCODE_ONLY_REAL", description: "Operation is allowed only for live accounts", retryableGuess: "no" },
  { code: 10033, identifier: "TRADE_RETCODE_LIMIT_ORDERS", description: "The number of pending orders has reached the limit", retryableGuess: "no" },
  { code: 10034, identifier: "TRADE_RETCODE_LIMIT_VOLUME", description: "The volume of orders and positions for the symbol has reached the limit", retryableGuess: "no" },
  { code: 10035, identifier: "TRADE_RETCODE_INVALID_ORDER", description: "Incorrect or prohibited order type", retryableGuess: "no" },
  { code: 10036, identifier: "TRADE_RETCODE_POSITION_CLOSED", description: "Position with the specified POSITION_IDENTIFIER has already been closed", retryableGuess: "no" },
  { code: 10038, identifier: "TRADE_RETCODE_INVALID_CLOSE_VOLUME", description: "A close volume exceeds the current position volume", retryableGuess: "no" },
  { code: 10039, identifier: "TRADE_RETCODE_CLOSE_ORDER_EXIST", description: "A close order already exists for a specified position. This may happen when working in the hedging system: i) when attempting to close a position with an opposite one, while close orders for the position already exist; ii) when attempting to fully or partially close a position if the total volume of the already present close orders and the newly placed one exceeds the current position volume", retryableGuess: "no" },
  { code: 10040, identifier: "TRADE_RETCODE_LIMIT_POSITIONS", description: "The number of open positions simultaneously present on an account can be limited by the server settings. After a limit is reached, the server returns the TRADE_RETCODE_LIMIT_POSITIONS error when attempting to place an order. (Netting: open positions counted; Hedging: pending orders counted together with open positions)", retryableGuess: "no" },
  { code: 10041, identifier: "TRADE_RETCODE_REJECT_CANCEL", description: "The pending order activation request is rejected, the order is canceled", retryableGuess: "no" },
  { code: 10042, identifier: "TRADE_RETCODE_LONG_ONLY", description: "The request is rejected, because the \"Only long positions are allowed\" rule is set for the symbol (POSITION_TYPE_BUY)", retryableGuess: "no" },
  { code: 10043, identifier: "TRADE_RETCODE_SHORT_ONLY", description: "The request is rejected, because the \"Only short positions are allowed\" rule is set for the symbol (POSITION_TYPE_SELL)", retryableGuess: "no" },
  { code: 10044, identifier: "TRADE_RETCODE_CLOSE_ONLY", description: "The request is rejected, because the \"Only position closing is allowed\" rule is set for the symbol", retryableGuess: "no" },
  { code: 10045, identifier: "TRADE_RETCODE_FIFO_CLOSE", description: "The request is rejected, because \"Position closing is allowed only by FIFO rule\" flag is set for the trading account (ACCOUNT_FIFO_CLOSE=true)", retryableGuess: "no" },
  { code: 10046, identifier: "TRADE_RETCODE_HEDGE_PROHIBITED", description: "The request is rejected, because the \"Opposite positions on a single symbol are disabled\" rule is set for the trading account. For example, if the account has a Buy position, then a user cannot open a Sell position or place a pending sell order. The rule is only applied to accounts with hedging accounting system (ACCOUNT_MARGIN_MODE=ACCOUNT_MARGIN_MODE_RETAIL_HEDGING).", retryableGuess: "no" },
];
