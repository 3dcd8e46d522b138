import { BRIDGE_CODES, classifyTradeCode, type AccountPlatform, type CodeClassification } from '../../domain/trade-codes';
import {
  MetaApiConflictError,
  MetaApiError,
  MetaApiForbiddenError,
  MetaApiInternalError,
  MetaApiNotFoundError,
  MetaApiTooManyRequestsError,
  MetaApiUnauthorizedError,
  MetaApiValidationError,
} from '../../errors';
import type { TradeResult, TradeStatus } from '../../port/types';
import type { HttpAnswer, TransportFailure } from './http-transport';

type Json = Record<string, unknown>;

function asObject(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

function idString(v: unknown): string | undefined {
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function statusOf(c: CodeClassification): TradeStatus {
  if (c.handling === 'success') return 'success';
  if (c.handling === 'outcome_unknown') return 'outcome_unknown';
  return 'rejected';
}

function header(headers: HttpAnswer['headers'], name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * How long a 429 asks us to wait: the longer of `metadata.recommendedRetryTime` (the one field every MetaApi variant
 * carries) and the `Retry-After` header (seconds or an HTTP date). Undefined when neither is readable.
 */
export function retryAfterMs(answer: Pick<HttpAnswer, 'headers' | 'body'>, now: number): number | undefined {
  const advice: number[] = [];
  const metadata = asObject(asObject(answer.body)?.metadata);
  const recommended = metadata?.recommendedRetryTime;
  if (typeof recommended === 'string') {
    const at = Date.parse(recommended);
    if (!Number.isNaN(at)) advice.push(Math.max(0, at - now));
  }
  const retryAfter = header(answer.headers, 'retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    const at = Date.parse(retryAfter);
    if (retryAfter.trim() !== '' && Number.isFinite(seconds)) advice.push(Math.max(0, seconds * 1000));
    else if (!Number.isNaN(at)) advice.push(Math.max(0, at - now));
  }
  // When both are given, the longer wait wins: it also absorbs a clock that runs behind the server's.
  return advice.length === 0 ? undefined : Math.max(...advice);
}

/** Turns a non-2xx answer with MetaApi's `{id, error, message, details, metadata}` body into a typed error. */
export function toMetaApiError(answer: Pick<HttpAnswer, 'status' | 'headers' | 'body'>, now: number): MetaApiError {
  const body = asObject(answer.body);
  const errorName = typeof body?.error === 'string' ? body.error : `HTTP${answer.status}`;
  const message = typeof body?.message === 'string' ? body.message : typeof answer.body === 'string' ? answer.body.slice(0, 200) : `HTTP ${answer.status}`;
  const metadata = asObject(body?.metadata);
  const id = typeof body?.id === 'number' ? body.id : undefined;
  const args = [answer.status, errorName, message, body?.details, metadata, id] as const;
  switch (answer.status) {
    case 400:
      return new MetaApiValidationError(...args);
    case 401:
      return new MetaApiUnauthorizedError(...args);
    case 403:
      return new MetaApiForbiddenError(...args);
    case 404:
      return new MetaApiNotFoundError(...args);
    case 409:
      return new MetaApiConflictError(...args);
    case 429:
      return new MetaApiTooManyRequestsError(answer.status, errorName, message, retryAfterMs(answer, now), body?.details, metadata, id);
    default:
      return answer.status >= 500 ? new MetaApiInternalError(...args) : new MetaApiError(...args);
  }
}

/** Context shared by every trade result of one request. */
export interface TradeContext {
  readonly platform: AccountPlatform;
  readonly clientId: string;
  readonly now: number;
  /** MetaApi actionType of the request, when known. */
  readonly actionType?: string;
}

const MODIFY_ACTIONS = new Set(['POSITION_MODIFY', 'ORDER_MODIFY']);
// Requests that carry their own open price: a pending order placed or moved.
const OWN_PRICE_ACTIONS = new Set([
  'ORDER_TYPE_BUY_LIMIT',
  'ORDER_TYPE_SELL_LIMIT',
  'ORDER_TYPE_BUY_STOP',
  'ORDER_TYPE_SELL_STOP',
  'ORDER_TYPE_BUY_STOP_LIMIT',
  'ORDER_TYPE_SELL_STOP_LIMIT',
  'ORDER_MODIFY',
]);

function fromCode(ctx: TradeContext, code: number, stringCode: string | undefined, message: string | undefined, rttMs: number, extra: Partial<TradeResult> = {}): TradeResult {
  let c = classifyTradeCode(ctx.platform, code, stringCode);
  // MT4's OrderModify answers ERR_NO_RESULT (1) when the values are already set: the MT4 twin of 10025 NO_CHANGES.
  // Only for modifications; after OrderSend the same code means the result is unknown (the table's class).
  if (ctx.platform === 'mt4' && code === 1 && ctx.actionType !== undefined && MODIFY_ACTIONS.has(ctx.actionType)) {
    c = { ...c, handling: 'success' };
  }
  // "Invalid price" on a market order means a stale quote (retry with a fresh one); on a pending order it means the
  // order's own price is on the wrong side of the market, which no fresh quote fixes.
  if (((c.platform === 'mt5' && code === 10015) || (c.platform === 'mt4' && code === 129)) && ctx.actionType !== undefined && OWN_PRICE_ACTIONS.has(ctx.actionType)) {
    c = { ...c, handling: 'rejected_final' };
  }
  return {
    status: statusOf(c),
    handling: c.handling,
    ...(c.hint ? { hint: c.hint } : {}),
    platform: c.platform,
    code,
    codeId: c.known ? c.codeId : (stringCode ?? c.codeId),
    message: message && message.length > 0 ? message : c.description,
    brokerRoundTripMs: rttMs,
    clientId: ctx.clientId,
    ...extra,
  };
}

function details(body: Json | undefined): string {
  if (!body) return '';
  const d = body.details;
  if (d === undefined) return '';
  return ` (${typeof d === 'string' ? d : JSON.stringify(d)})`;
}

/**
 * Reads the answer to `POST /trade`. HTTP 200 carries a MetatraderTradeResponse whose numericCode (or the older
 * `error`/`description` fields) decides success or rejection through the code tables; an HTTP error carrying a
 * TradeError body is read the same way; other HTTP errors become bridge-local codes.
 */
export function tradeResultFromAnswer(ctx: TradeContext, answer: HttpAnswer): TradeResult {
  const body = asObject(answer.body);
  const numeric = typeof body?.numericCode === 'number' ? body.numericCode : typeof body?.error === 'number' ? body.error : undefined;
  const stringCode = typeof body?.stringCode === 'string' ? body.stringCode : typeof body?.description === 'string' ? body.description : undefined;
  const message = typeof body?.message === 'string' ? body.message : undefined;

  if (answer.status >= 200 && answer.status < 300) {
    if (numeric === undefined || !Number.isInteger(numeric)) {
      return fromCode(ctx, BRIDGE_CODES.BAD_RESPONSE, undefined, undefined, answer.rttMs);
    }
    const extra: { orderId?: string; positionId?: string; fillPrice?: number; filledVolume?: number } = {};
    const orderId = idString(body?.orderId);
    const positionId = idString(body?.positionId);
    if (orderId) extra.orderId = orderId;
    if (positionId) extra.positionId = positionId;
    // MetaApi does not document fill data on the trade response; read it when a server adds it.
    const price = typeof body?.price === 'number' ? body.price : undefined;
    const volume = typeof body?.volume === 'number' ? body.volume : undefined;
    if (price !== undefined) extra.fillPrice = price;
    if (volume !== undefined) extra.filledVolume = volume;
    return fromCode(ctx, numeric, stringCode, message, answer.rttMs, extra);
  }

  if (body?.error === 'TradeError' && numeric !== undefined) {
    return fromCode(ctx, numeric, stringCode, message, answer.rttMs);
  }

  const text = `${message ?? `HTTP ${answer.status}`}${details(body)}`;
  switch (answer.status) {
    case 400:
      return fromCode(ctx, BRIDGE_CODES.REQUEST_INVALID, undefined, text, answer.rttMs);
    case 401:
      return fromCode(ctx, BRIDGE_CODES.UNAUTHORIZED, undefined, text, answer.rttMs);
    case 403:
      return fromCode(ctx, BRIDGE_CODES.FORBIDDEN, undefined, text, answer.rttMs);
    case 404:
      return fromCode(ctx, BRIDGE_CODES.ACCOUNT_NOT_FOUND, undefined, text, answer.rttMs);
    case 429: {
      const wait = retryAfterMs(answer, ctx.now);
      return fromCode(ctx, BRIDGE_CODES.RATE_LIMITED, undefined, text, answer.rttMs, wait === undefined ? {} : { retryAfterMs: wait });
    }
    default:
      return fromCode(ctx, BRIDGE_CODES.SERVER_ERROR, undefined, text, answer.rttMs);
  }
}

/** The result of a trade request that got no answer: never sent (safe to retry) or outcome unknown. */
export function tradeResultFromFailure(ctx: TradeContext, failure: TransportFailure): TradeResult {
  switch (failure.kind) {
    case 'not_sent':
      return fromCode(ctx, BRIDGE_CODES.NOT_SENT, undefined, `could not connect (${failure.code ?? 'connection error'}); the request was not sent`, failure.rttMs);
    case 'timeout':
      return fromCode(ctx, BRIDGE_CODES.TRADE_TIMEOUT, undefined, `no answer within ${failure.timeoutMs} ms; the trade may have executed`, failure.rttMs);
    case 'lost':
      return fromCode(ctx, BRIDGE_CODES.CONNECTION_LOST, undefined, `connection lost (${failure.code ?? 'socket closed'}); the trade may have executed`, failure.rttMs);
    default: {
      const _exhaustive: never = failure.kind;
      return _exhaustive;
    }
  }
}
