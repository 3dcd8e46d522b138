import { CodeRow, MT4_CODES, MT5_CODES } from './code-tables';
import type { Platform, TradeResponse } from './types';

/**
 * Why the simulated broker answered as it did, independent of the platform. Each reason maps to the code that
 * platform really returns (see the table in the README).
 */
export type Reason =
  | 'DONE'
  | 'PLACED'
  | 'DONE_PARTIAL'
  | 'NO_CHANGES'
  | 'INVESTOR'
  | 'ACCOUNT_TRADE_DISABLED'
  | 'AUTOTRADING_DISABLED'
  | 'ORDER_TYPE_NOT_SUPPORTED'
  | 'UNKNOWN_SYMBOL'
  | 'POSITION_NOT_FOUND'
  | 'ORDER_NOT_FOUND'
  | 'TRADE_DISABLED'
  | 'MARKET_CLOSED'
  | 'INVALID_ORDER'
  | 'INVALID'
  | 'LONG_ONLY'
  | 'SHORT_ONLY'
  | 'CLOSE_ONLY'
  | 'INVALID_VOLUME'
  | 'INVALID_CLOSE_VOLUME'
  | 'INVALID_FILL'
  | 'INVALID_PRICE'
  | 'INVALID_STOPS'
  | 'FROZEN'
  | 'INVALID_EXPIRATION'
  | 'HEDGE_PROHIBITED'
  | 'NO_MONEY'
  | 'REQUOTE'
  | 'PRICE_CHANGED'
  | 'PRICE_OFF'
  | 'SERVER_BUSY'
  | 'TOO_MANY_REQUESTS'
  | 'NO_CONNECTION'
  | 'TRADE_TIMEOUT'
  | 'DISCONNECTED_BEFORE_TRADE'
  | 'DISCONNECTED_DURING_TRADE';

const REASON_CODES: Readonly<Record<Reason, { readonly mt5: number; readonly mt4: number }>> = {
  DONE: { mt5: 10009, mt4: 0 },
  PLACED: { mt5: 10008, mt4: 0 },
  DONE_PARTIAL: { mt5: 10010, mt4: 0 },
  NO_CHANGES: { mt5: 10025, mt4: 1 },
  INVESTOR: { mt5: -8, mt4: -8 },
  ACCOUNT_TRADE_DISABLED: { mt5: 10017, mt4: 133 },
  AUTOTRADING_DISABLED: { mt5: 10027, mt4: 4109 },
  ORDER_TYPE_NOT_SUPPORTED: { mt5: -4, mt4: -4 },
  UNKNOWN_SYMBOL: { mt5: 10013, mt4: 4106 },
  POSITION_NOT_FOUND: { mt5: 4753, mt4: 4108 },
  ORDER_NOT_FOUND: { mt5: 4754, mt4: 4108 },
  TRADE_DISABLED: { mt5: 10017, mt4: 133 },
  MARKET_CLOSED: { mt5: 10018, mt4: 132 },
  INVALID_ORDER: { mt5: 10035, mt4: 3 },
  INVALID: { mt5: 10013, mt4: 3 },
  LONG_ONLY: { mt5: 10042, mt4: 140 },
  SHORT_ONLY: { mt5: 10043, mt4: 133 },
  CLOSE_ONLY: { mt5: 10044, mt4: 133 },
  INVALID_VOLUME: { mt5: 10014, mt4: 131 },
  INVALID_CLOSE_VOLUME: { mt5: 10038, mt4: 131 },
  INVALID_FILL: { mt5: 10030, mt4: 3 },
  INVALID_PRICE: { mt5: 10015, mt4: 129 },
  INVALID_STOPS: { mt5: 10016, mt4: 130 },
  FROZEN: { mt5: 10029, mt4: 145 },
  INVALID_EXPIRATION: { mt5: 10022, mt4: 147 },
  HEDGE_PROHIBITED: { mt5: 10046, mt4: 149 },
  NO_MONEY: { mt5: 10019, mt4: 134 },
  REQUOTE: { mt5: 10004, mt4: 138 },
  PRICE_CHANGED: { mt5: 10020, mt4: 135 },
  PRICE_OFF: { mt5: 10021, mt4: 136 },
  SERVER_BUSY: { mt5: 10024, mt4: 137 },
  TOO_MANY_REQUESTS: { mt5: 10024, mt4: 141 },
  NO_CONNECTION: { mt5: 10031, mt4: 6 },
  TRADE_TIMEOUT: { mt5: -7, mt4: 128 },
  DISCONNECTED_BEFORE_TRADE: { mt5: -10, mt4: -10 },
  DISCONNECTED_DURING_TRADE: { mt5: -11, mt4: -11 },
};

const MT5_BY_CODE = new Map<number, CodeRow>(MT5_CODES.map((r) => [r.code, r]));
const MT4_BY_CODE = new Map<number, CodeRow>(MT4_CODES.map((r) => [r.code, r]));

/** Finds a code of the platform's table; MT4 accounts share MetaApi's negative codes with MT5. */
export function codeRow(platform: Platform, code: number): CodeRow | undefined {
  if (platform === 'mt4') return MT4_BY_CODE.get(code) ?? (code < 0 ? MT5_BY_CODE.get(code) : undefined);
  return MT5_BY_CODE.get(code);
}

/** Returns the numeric code a platform answers for a reason. */
export function codeFor(platform: Platform, reason: Reason): number {
  return REASON_CODES[reason][platform];
}

/** Builds the MetatraderTradeResponse a platform returns for a numeric code. */
export function responseForCode(
  platform: Platform,
  code: number,
  ids: { orderId?: string; positionId?: string } = {},
): TradeResponse {
  const row = codeRow(platform, code);
  const response: TradeResponse = {
    numericCode: code,
    stringCode: row?.id ?? 'TRADE_RETCODE_UNKNOWN',
    message: row?.message ?? 'Unknown trade return code',
  };
  if (ids.orderId !== undefined) response.orderId = ids.orderId;
  if (ids.positionId !== undefined) response.positionId = ids.positionId;
  return response;
}

/** Builds the MetatraderTradeResponse a platform returns for a reason. */
export function responseFor(
  platform: Platform,
  reason: Reason,
  ids: { orderId?: string; positionId?: string } = {},
): TradeResponse {
  return responseForCode(platform, codeFor(platform, reason), ids);
}

const SUCCESS_CODES = new Set(['ERR_NO_ERROR', 'TRADE_RETCODE_PLACED', 'TRADE_RETCODE_DONE', 'TRADE_RETCODE_DONE_PARTIAL', 'TRADE_RETCODE_NO_CHANGES']);

/** Tells whether MetaApi's SDK treats a response as success (notes §4). */
export function isSuccess(response: TradeResponse): boolean {
  return SUCCESS_CODES.has(response.stringCode);
}
