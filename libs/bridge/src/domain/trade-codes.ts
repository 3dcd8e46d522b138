import { MT4_ERRORS } from '../codes/mt4-errors';
import { MT5_RETCODES } from '../codes/mt5-retcodes';

/**
 * What a caller should do with the outcome of a trade request. Callers decide on this class, never on strings:
 * - `success`: the request was executed (filled, partially filled, placed, or nothing needed changing).
 * - `retry_fresh_price`: nothing was executed because the price moved; send again at once with a fresh price.
 * - `retry_backoff`: nothing was executed (busy, throttled, not delivered); send again after a delay.
 * - `modify_and_retry`: nothing was executed; the request can succeed once changed as `hint` says.
 * - `retry_later`: nothing was executed because of a market condition (session closed, order frozen); retry when it
 *   changes, not in a tight loop.
 * - `outcome_unknown`: the request may or may not have been executed; ask the terminal (`findByClientId`) before
 *   anything is sent again.
 * - `fatal`: the account cannot trade (credentials, investor password, trading disabled, account disabled); stop
 *   sending to it and flag it.
 * - `rejected_final`: this request will never succeed as it is; do not retry.
 */
export type HandlingClass =
  | 'success'
  | 'retry_fresh_price'
  | 'retry_backoff'
  | 'modify_and_retry'
  | 'retry_later'
  | 'outcome_unknown'
  | 'fatal'
  | 'rejected_final';

/** Every handling class, for exhaustive tests and metrics labels. */
export const HANDLING_CLASSES: readonly HandlingClass[] = [
  'success',
  'retry_fresh_price',
  'retry_backoff',
  'modify_and_retry',
  'retry_later',
  'outcome_unknown',
  'fatal',
  'rejected_final',
];

/** How a `modify_and_retry` request should be changed before it is sent again. */
export type ModifyHint = 'reduce_volume' | 'adjust_stops' | 'change_filling';

/** Which code space a code belongs to: MT5 retcodes, MT4 errors, or MetaApi's (and this bridge's) own codes. */
export type CodePlatform = 'mt5' | 'mt4' | 'metaapi';

/** The trading platform of an account. */
export type AccountPlatform = 'mt4' | 'mt5';

/** The handling decided for one code. */
export interface CodeRule {
  readonly handling: HandlingClass;
  readonly hint?: ModifyHint;
}

/** A code resolved against the tables: its code space, identifier, official wording and handling. */
export interface CodeClassification {
  readonly platform: CodePlatform;
  readonly code: number;
  readonly codeId: string;
  readonly description: string;
  readonly handling: HandlingClass;
  readonly hint?: ModifyHint;
  /** False when the code is in no table; such codes are always `outcome_unknown`. */
  readonly known: boolean;
}

const ok: CodeRule = { handling: 'success' };
const freshPrice: CodeRule = { handling: 'retry_fresh_price' };
const backoff: CodeRule = { handling: 'retry_backoff' };
const later: CodeRule = { handling: 'retry_later' };
const unknown: CodeRule = { handling: 'outcome_unknown' };
const fatal: CodeRule = { handling: 'fatal' };
const final: CodeRule = { handling: 'rejected_final' };
const reduceVolume: CodeRule = { handling: 'modify_and_retry', hint: 'reduce_volume' };
const adjustStops: CodeRule = { handling: 'modify_and_retry', hint: 'adjust_stops' };
const changeFilling: CodeRule = { handling: 'modify_and_retry', hint: 'change_filling' };

/**
 * Handling of every row of mt5-trade-retcodes.csv (MT5 retcodes, MetaApi negative codes, 4753/4754). A unit test
 * asserts that this map and the transcribed table have exactly the same codes.
 */
export const MT5_RULES: ReadonlyMap<number, CodeRule> = new Map<number, CodeRule>([
  // Delivered, then the terminal lost the trade server: the broker may have executed it.
  [-11, unknown],
  // Never reached the trade server (MetaApi says so explicitly), so sending again cannot duplicate.
  [-10, backoff],
  // The request used pip units on a symbol without a pip size: the request must be rewritten, not retried.
  [-9, final],
  // Investor (read-only) password: no request on this account can ever trade.
  [-8, fatal],
  [-7, unknown],
  // MetaApi had no quotes and did not send the request.
  [-6, backoff],
  // MetaApi refuses to trade before its terminal state is synchronized; nothing was sent.
  [-5, backoff],
  [-4, final],
  // MetaApi could not interpret the broker's answer; whatever happened, happened at the broker.
  [-1, unknown],
  [4753, final],
  [4754, final],
  [10004, freshPrice],
  // A dealer's plain "rejected" carries no reason to expect a different answer next time.
  [10006, final],
  [10007, final],
  [10008, ok],
  [10009, ok],
  [10010, ok],
  // "Request processing error" can be raised after the order reached the book.
  [10011, unknown],
  // Canceled by timeout on the server side; the cancel may have raced an execution.
  [10012, unknown],
  [10013, final],
  // Volume is sized (and rounded to the step) by the risk service; a different volume is a new risk decision.
  [10014, final],
  // For market orders the price in the request is stale; attempts are bounded by the caller. (The MetaApi adapter
  // makes it final for pending orders, whose own price is then on the wrong side of the market.)
  [10015, freshPrice],
  [10016, adjustStops],
  // Trading is disabled for the account (or its symbol group); retrying cannot help until an operator acts.
  [10017, fatal],
  [10018, later],
  [10019, reduceVolume],
  [10020, freshPrice],
  // No quotes to execute against: nothing executed, quotes usually return shortly.
  [10021, backoff],
  // The expiration mode is a property of the symbol; a different expiration is a different order.
  [10022, final],
  // The order changed while the request was processed: what it changed into must be read back first.
  [10023, unknown],
  [10024, backoff],
  // No changes: the position or order already has the requested values.
  [10025, ok],
  [10026, fatal],
  [10027, fatal],
  [10028, backoff],
  [10029, later],
  [10030, changeFilling],
  // The terminal lost the trade server; the request may have been delivered before that.
  [10031, unknown],
  [10032, final],
  [10033, final],
  [10034, final],
  [10035, final],
  // The position is already closed: for a close request the caller treats this as done after reading history.
  [10036, final],
  [10038, final],
  [10039, final],
  [10040, final],
  [10041, final],
  [10042, final],
  [10043, final],
  [10044, final],
  [10045, final],
  [10046, final],
]);

/** Handling of every row of mt4-trade-errors.csv. A unit test asserts the codes match the transcribed table. */
export const MT4_RULES: ReadonlyMap<number, CodeRule> = new Map<number, CodeRule>([
  [0, ok],
  // ERR_NO_RESULT: MetaApi does not list it as a success, and for OrderSend it literally means "result unknown".
  // Reading the terminal costs one call; guessing wrong costs a duplicate or a lost order. (The MetaApi adapter reads
  // it as success for modifications only, where MT4 uses it for "values unchanged".)
  [1, unknown],
  [2, final],
  [3, final],
  [4, backoff],
  // An outdated terminal build will reject every request until it is updated.
  [5, fatal],
  // "No connection" can be raised mid-send, after the request left the terminal (the reference notes say so).
  [6, unknown],
  [7, fatal],
  [8, backoff],
  [9, final],
  [64, fatal],
  [65, fatal],
  [128, unknown],
  [129, freshPrice],
  [130, adjustStops],
  [131, final],
  [132, later],
  [133, fatal],
  [134, reduceVolume],
  [135, freshPrice],
  [136, backoff],
  [137, backoff],
  [138, freshPrice],
  // The order is locked while the dealer processes it; the lock is released shortly (like MT5 10028 LOCKED).
  [139, backoff],
  [140, final],
  [141, backoff],
  // MT4's freeze-level rejection ("too close to market"): the same condition as MT5 10029 FROZEN.
  [145, later],
  [146, backoff],
  [147, final],
  [148, final],
  [149, final],
  [150, final],
  [4051, final],
  [4105, final],
  [4106, final],
  [4107, final],
  [4108, final],
  // "Trade is not allowed in the expert properties": the terminal refuses every trade until reconfigured.
  [4109, fatal],
  [4110, final],
  [4111, final],
]);

/**
 * Codes this bridge produces itself when the HTTP exchange, not the broker, decides the outcome. They use the
 * `metaapi` code space and the range -1001..-1099 so they cannot collide with MetaApi's own negative codes.
 */
export const BRIDGE_CODES = {
  /** No response within the trade timeout after the request was sent: it may have executed. */
  TRADE_TIMEOUT: -1001,
  /** The connection closed or reset after the request may have been written: it may have executed. */
  CONNECTION_LOST: -1002,
  /** No connection could be opened, so the request never left this process. */
  NOT_SENT: -1003,
  /** The account's circuit breaker is open; the request was not sent. */
  CIRCUIT_OPEN: -1004,
  /** HTTP 429: MetaApi throttled the request before executing it. */
  RATE_LIMITED: -1005,
  /** HTTP 401: the auth token was refused. */
  UNAUTHORIZED: -1006,
  /** HTTP 403: the token may not trade this account. */
  FORBIDDEN: -1007,
  /** HTTP 404: the account is not found or not deployed. */
  ACCOUNT_NOT_FOUND: -1008,
  /** HTTP 400: MetaApi refused the request body as invalid. */
  REQUEST_INVALID: -1009,
  /** HTTP 5xx or another unexpected status on a trade: MetaApi may have failed after forwarding it. */
  SERVER_ERROR: -1010,
  /** HTTP 200 with a body that is not a trade response: the broker's answer is unreadable. */
  BAD_RESPONSE: -1011,
} as const;

/** The identifier of a bridge-local code, e.g. `BRIDGE_TRADE_TIMEOUT`. */
export type BridgeCodeName = keyof typeof BRIDGE_CODES;

interface LocalRow extends CodeRule {
  readonly identifier: string;
  readonly description: string;
}

/** Handling and wording of every bridge-local code. */
export const BRIDGE_RULES: ReadonlyMap<number, LocalRow> = new Map<number, LocalRow>([
  [BRIDGE_CODES.TRADE_TIMEOUT, { ...unknown, identifier: 'BRIDGE_TRADE_TIMEOUT', description: 'No response to the trade request within the timeout; the outcome is unknown' }],
  [BRIDGE_CODES.CONNECTION_LOST, { ...unknown, identifier: 'BRIDGE_CONNECTION_LOST', description: 'The connection was lost after the trade request may have been sent; the outcome is unknown' }],
  [BRIDGE_CODES.NOT_SENT, { ...backoff, identifier: 'BRIDGE_NOT_SENT', description: 'Could not connect to the trading API; the request was never sent' }],
  [BRIDGE_CODES.CIRCUIT_OPEN, { ...backoff, identifier: 'BRIDGE_CIRCUIT_OPEN', description: 'The account connection is open-circuited after repeated failures; the request was not sent' }],
  [BRIDGE_CODES.RATE_LIMITED, { ...backoff, identifier: 'BRIDGE_RATE_LIMITED', description: 'The trading API throttled the request (HTTP 429); nothing was executed' }],
  [BRIDGE_CODES.UNAUTHORIZED, { ...fatal, identifier: 'BRIDGE_UNAUTHORIZED', description: 'The trading API refused the auth token (HTTP 401)' }],
  [BRIDGE_CODES.FORBIDDEN, { ...fatal, identifier: 'BRIDGE_FORBIDDEN', description: 'The auth token may not trade this account (HTTP 403)' }],
  [BRIDGE_CODES.ACCOUNT_NOT_FOUND, { ...fatal, identifier: 'BRIDGE_ACCOUNT_NOT_FOUND', description: 'The account is not found or not deployed (HTTP 404)' }],
  [BRIDGE_CODES.REQUEST_INVALID, { ...final, identifier: 'BRIDGE_REQUEST_INVALID', description: 'The trading API refused the request as invalid (HTTP 400)' }],
  [BRIDGE_CODES.SERVER_ERROR, { ...unknown, identifier: 'BRIDGE_SERVER_ERROR', description: 'The trading API failed while handling the trade request; the outcome is unknown' }],
  [BRIDGE_CODES.BAD_RESPONSE, { ...unknown, identifier: 'BRIDGE_BAD_RESPONSE', description: 'The trading API answered with an unreadable trade response; the outcome is unknown' }],
]);

const mt5Rows = new Map(MT5_RETCODES.map((r) => [r.code, r]));
const mt4Rows = new Map(MT4_ERRORS.map((r) => [r.code, r]));

/**
 * Resolves a numeric code returned for a trade on an account of the given platform. Negative codes are MetaApi's
 * (or this bridge's) on both platforms; other codes are MT5 retcodes or MT4 errors. A code found in no table is
 * `outcome_unknown`, never a retry: a code we cannot read may stand for an executed trade.
 */
export function classifyTradeCode(accountPlatform: AccountPlatform, code: number, stringCode?: string): CodeClassification {
  const local = BRIDGE_RULES.get(code);
  if (local) return { platform: 'metaapi', code, codeId: local.identifier, description: local.description, handling: local.handling, known: true };

  if (code === 0) {
    // MetaApi reports success as numeric 0 / ERR_NO_ERROR on both platforms.
    return { platform: accountPlatform === 'mt4' ? 'mt4' : 'metaapi', code, codeId: 'ERR_NO_ERROR', description: 'No error returned', handling: 'success', known: true };
  }

  const mt5 = lookupMt5(code);
  const mt4 = lookupMt4(code);
  if (code < 0 || accountPlatform === 'mt5') {
    if (mt5) return mt5;
    // An MT4 code on an MT5 account is only trusted when MetaApi's string code names that very row.
    if (mt4 && stringCode === mt4.codeId) return mt4;
    return unknownCode(code < 0 ? 'metaapi' : 'mt5', code, stringCode);
  }
  if (mt4) return mt4;
  if (mt5 && stringCode === mt5.codeId) return mt5;
  return unknownCode('mt4', code, stringCode);
}

function lookupMt5(code: number): CodeClassification | undefined {
  const row = mt5Rows.get(code);
  const rule = MT5_RULES.get(code);
  return row && rule ? withRule(code < 0 ? 'metaapi' : 'mt5', code, row.identifier, row.description, rule) : undefined;
}

function lookupMt4(code: number): CodeClassification | undefined {
  const row = mt4Rows.get(code);
  const rule = MT4_RULES.get(code);
  return row && rule ? withRule('mt4', code, row.identifier, row.description, rule) : undefined;
}

/** True when the class means the request was certainly not executed, so sending it again cannot duplicate it. */
export function certainlyNotExecuted(handling: HandlingClass): boolean {
  switch (handling) {
    case 'retry_fresh_price':
    case 'retry_backoff':
    case 'modify_and_retry':
    case 'retry_later':
    case 'rejected_final':
    case 'fatal':
      return true;
    case 'success':
    case 'outcome_unknown':
      return false;
    default: {
      const _exhaustive: never = handling;
      return _exhaustive;
    }
  }
}

function withRule(platform: CodePlatform, code: number, codeId: string, description: string, rule: CodeRule): CodeClassification {
  return rule.hint
    ? { platform, code, codeId, description, handling: rule.handling, hint: rule.hint, known: true }
    : { platform, code, codeId, description, handling: rule.handling, known: true };
}

function unknownCode(platform: CodePlatform, code: number, stringCode: string | undefined): CodeClassification {
  return {
    platform,
    code,
    codeId: stringCode && stringCode.length > 0 ? stringCode : 'UNKNOWN_CODE',
    description: 'Code not in the MT4/MT5/MetaApi tables; the outcome is treated as unknown',
    handling: 'outcome_unknown',
    known: false,
  };
}
