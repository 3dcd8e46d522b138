import type { IncomingMessage, ServerResponse } from 'node:http';
import { isSuccess, responseFor, responseForCode, Reason } from '../domain/codes';
import type { SimAccount } from '../domain/engine';
import { ActiveFault, executesByDefault, FaultPath } from '../domain/faults';
import type { LedgerEntry } from '../domain/ledger';
import { brokerTime, iso } from '../domain/time';
import type { TradeResponse } from '../domain/types';
import { parseTime, validateTrade } from '../domain/validate';
import { accountInformationView, dealView, orderView, positionView, priceView, specificationView } from '../domain/views';
import { sendError, sendJson, sendValidation } from './respond';
import type { SimContext } from './server';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const TRADE_FAULT_REASON: Partial<Record<ActiveFault['kind'], Reason>> = {
  requote: 'REQUOTE',
  'price-changed': 'PRICE_CHANGED',
  'off-quotes': 'PRICE_OFF',
  'server-busy': 'SERVER_BUSY',
  'too-many-requests': 'TOO_MANY_REQUESTS',
  'no-connection': 'NO_CONNECTION',
  'trade-timeout': 'TRADE_TIMEOUT',
  'disconnected-before-trade': 'DISCONNECTED_BEFORE_TRADE',
  'disconnected-during-trade': 'DISCONNECTED_DURING_TRADE',
};

function faultPathOf(rest: string[]): FaultPath | undefined {
  const head = rest[0];
  switch (head) {
    case 'trade':
    case 'account-information':
    case 'positions':
    case 'orders':
    case 'history-orders':
    case 'history-deals':
    case 'symbols':
    case 'server-time':
      return head;
    default:
      return undefined;
  }
}

/** Answers 429 TooManyRequestsError with Retry-After and metadata.recommendedRetryTime (wall clock). */
export function sendRateLimited(res: ServerResponse, seconds: number, perSecond: number): void {
  // Wall-clock time: clients schedule their retry with it, whatever the simulated market time is.
  const retryAt = new Date(Date.now() + seconds * 1000).toISOString();
  sendError(res, 'TooManyRequestsError', `The API allows ${perSecond} requests per 1 seconds per account. Try again later`, {
    headers: { 'retry-after': String(Math.max(1, Math.ceil(seconds))) },
    metadata: { periodInMinutes: 1, requestsPerPeriodAllowed: Math.round(perSecond * 60), recommendedRetryTime: retryAt, type: 'LIMIT_REQUEST_RATE_PER_ACCOUNT' },
  });
}

/**
 * Applies the network-level part of a fault (429, 401, 500, dropped connection). Returns true when the request
 * has been answered (or killed) and must not be processed.
 */
function networkFault(fault: ActiveFault | undefined, req: IncomingMessage, res: ServerResponse): boolean {
  if (!fault) return false;
  switch (fault.kind) {
    case 'rate-limit':
      sendRateLimited(res, fault.retryAfterSeconds ?? 1, 1);
      return true;
    case 'invalid-token':
      sendError(res, 'UnauthorizedError', 'Authorization failed', { details: 'E_AUTH' });
      return true;
    case 'internal-error':
      sendError(res, 'InternalError', 'Internal server error');
      return true;
    case 'disconnect':
      req.socket.destroy();
      return true;
    default:
      return false;
  }
}

/** Serves `/users/current/accounts/:accountId/...` (rest = the segments after the account id). */
export async function handleAccountRoute(
  ctx: SimContext,
  sim: SimAccount,
  method: string,
  rest: string[],
  query: URLSearchParams | undefined,
  readBody: () => Promise<unknown>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = faultPathOf(rest);
  if (!path) return sendError(res, 'NotFoundError', `Path not found: ${req.url}`);
  const perSecond = sim.account.config.rateLimitPerSecond;
  const waitMs = ctx.rateLimiter.take(sim.account.config.id, perSecond);
  if (waitMs > 0) {
    if (path === 'trade') {
      // A refused trade was still received: the ledger records it, not executed.
      const entry = receivedEntry(ctx, sim, await readBody().catch(() => null), new Date().toISOString());
      entry.fault = 'rate-limit';
      ctx.engine.ledger.add(entry);
    }
    return sendRateLimited(res, waitMs / 1000, perSecond);
  }
  if (path === 'trade') {
    if (method !== 'POST' || rest.length !== 1) return sendError(res, 'NotFoundError', `Path not found: ${method} ${req.url}`);
    let body: unknown;
    try {
      body = await readBody();
    } catch (err) {
      // Malformed bodies are trade requests received too: the ledger records every one of them.
      ctx.engine.ledger.add({ ...receivedEntry(ctx, sim, null, new Date().toISOString()), outcome: 'invalid' });
      throw err;
    }
    return handleTrade(ctx, sim, body, req, res);
  }
  if (method !== 'GET') return sendError(res, 'NotFoundError', `Path not found: ${method} ${req.url}`);
  const decision = sim.faults.select(path, undefined, ctx.engine.faultRng);
  if (decision.latencyMs > 0) await sleep(decision.latencyMs);
  if (networkFault(decision.fault, req, res)) return;
  ctx.clock.sync();
  const answer = (status: number, body: unknown, message?: string): void => {
    if (status === 404) return sendError(res, 'NotFoundError', message ?? 'Not found');
    if (decision.fault?.kind === 'response-lost') return void req.socket.destroy();
    if (decision.fault?.kind === 'response-delayed') {
      setTimeout(() => sendJson(res, status, body), decision.fault.delayMs ?? 0);
      return;
    }
    sendJson(res, status, body);
  };
  const { account } = sim;
  const market = ctx.engine.market;
  switch (path) {
    case 'account-information':
      return rest.length === 1 ? answer(200, accountInformationView(account)) : answer(404, null);
    case 'server-time': {
      const now = ctx.engine.now;
      return answer(200, { time: iso(now), brokerTime: brokerTime(now) });
    }
    case 'positions': {
      if (rest.length === 1) return answer(200, [...account.positions.values()].map((p) => positionView(account, p)));
      const p = rest.length === 2 ? account.positions.get(rest[1]!) : undefined;
      return p ? answer(200, positionView(account, p)) : answer(404, null, `Position ${rest[1]} not found`);
    }
    case 'orders': {
      if (rest.length === 1) return answer(200, [...account.orders.values()].map((o) => orderView(account, market, o)));
      const o = rest.length === 2 ? account.orders.get(rest[1]!) : undefined;
      return o ? answer(200, orderView(account, market, o)) : answer(404, null, `Order ${rest[1]} not found`);
    }
    case 'history-orders':
    case 'history-deals': {
      const deals = path === 'history-deals';
      const by = rest[1];
      let items: { id: string; positionId?: string; time: number; doneTime?: number }[];
      const source = deals ? account.deals : account.historyOrders;
      if (by === 'time' && rest.length === 4) {
        const start = parseTime(rest[2]);
        const end = parseTime(rest[3]);
        if (start === undefined || end === undefined) {
          return sendValidation(res, [{ parameter: start === undefined ? 'startTime' : 'endTime', value: start === undefined ? rest[2] : rest[3], message: 'must be an ISO-8601 date-time' }]);
        }
        const offset = Math.max(0, Number(query?.get('offset') ?? 0) || 0);
        const limit = Math.min(1000, Math.max(1, Number(query?.get('limit') ?? 1000) || 1000));
        items = source.filter((x: { time: number; doneTime?: number }) => {
          const t = deals ? x.time : (x.doneTime ?? x.time);
          return t >= start && t <= end;
        });
        items = items.slice(offset, offset + limit);
      } else if (by === 'position' && rest.length === 3) {
        items = source.filter((x) => x.positionId === rest[2]);
      } else if (by === 'ticket' && rest.length === 3) {
        const order = deals ? undefined : account.historyOrderById.get(rest[2]!);
        items = deals ? source.filter((x) => x.id === rest[2]) : order ? [order] : [];
      } else return answer(404, null, `Path not found: ${req.url}`);
      return deals
        ? answer(200, { deals: items.map((d) => dealView(account, d as (typeof account.deals)[number])), synchronizing: false })
        : answer(200, { historyOrders: items.map((o) => orderView(account, market, o as (typeof account.historyOrders)[number])), synchronizing: false });
    }
    case 'symbols': {
      if (rest.length === 1) return answer(200, market.symbols());
      const symbol = rest[1]!;
      const spec = account.spec(symbol);
      if (!spec || rest.length !== 3) return answer(404, null, `Symbol ${symbol} not found`);
      switch (rest[2]) {
        case 'specification':
          return answer(200, specificationView(spec));
        case 'current-price':
          return answer(200, priceView(account, market, symbol));
        case 'current-tick': {
          const q = market.quote(symbol)!;
          return answer(200, { symbol, time: iso(q.time), brokerTime: brokerTime(q.time), bid: q.bid, ask: q.ask });
        }
        default:
          return answer(404, null, `Path not found: ${req.url}`);
      }
    }
    default:
      return answer(404, null);
  }
}

async function handleTrade(ctx: SimContext, sim: SimAccount, body: unknown, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { engine, clock } = ctx;
  const { account } = sim;
  const wallTime = new Date().toISOString();
  const actionType = typeof (body as { actionType?: unknown } | null)?.actionType === 'string' ? (body as { actionType: string }).actionType : undefined;
  const decision = sim.faults.select('trade', actionType as never, engine.faultRng);
  if (decision.latencyMs > 0) await sleep(decision.latencyMs);
  clock.sync();
  const fault = decision.fault;
  const entry = receivedEntry(ctx, sim, body, wallTime);
  if (fault) entry.fault = fault.kind;

  if (networkFault(fault, req, res)) {
    if (fault!.kind === 'disconnect') entry.responseDelivered = false;
    engine.ledger.add(entry);
    return;
  }
  const validated = validateTrade(body);
  if (!validated.ok) {
    entry.outcome = 'invalid';
    engine.ledger.add(entry);
    return sendValidation(res, validated.errors);
  }
  const request = validated.value;

  let response: TradeResponse;
  const faultReason = fault ? TRADE_FAULT_REASON[fault.kind] : undefined;
  const platform = account.platform;
  if (fault && (faultReason !== undefined || fault.kind === 'retcode')) {
    const execute = fault.execute ?? executesByDefault(fault.kind);
    if (execute) {
      const result = engine.trade(account, request);
      record(entry, result.executed, result);
    }
    const ids = entry.executed ? { ...(entry.orderId ? { orderId: entry.orderId } : {}), ...(entry.positionId ? { positionId: entry.positionId } : {}) } : {};
    response = faultReason !== undefined ? responseFor(platform, faultReason, ids) : responseForCode(platform, fault.numericCode!, ids);
    if (!entry.executed) entry.outcome = 'rejected';
  } else {
    const result = engine.trade(account, request, fault?.kind === 'partial-fill' ? { fillFraction: fault.fraction ?? 0.5 } : {});
    record(entry, result.executed, result);
    response = result.response;
    if (!result.executed) entry.outcome = 'rejected';
  }
  entry.numericCode = response.numericCode;
  entry.stringCode = response.stringCode;
  const stored = engine.ledger.add(entry);

  if (fault?.kind === 'response-lost') {
    stored.responseDelivered = false;
    req.socket.destroy();
    return;
  }
  const send = (): void => {
    if (res.destroyed || req.socket.destroyed) {
      stored.responseDelivered = false;
      return;
    }
    if (account.config.tradeErrorStyle === 'http-error' && !isSuccess(response)) {
      sendError(res, 'TradeError', response.message, { numericCode: response.numericCode, stringCode: response.stringCode });
    } else sendJson(res, 200, response);
  };
  if (fault?.kind === 'response-delayed') {
    setTimeout(send, fault.delayMs ?? 0);
    return;
  }
  send();
}

/** A ledger entry for a trade request as received, before anything is decided (outcome not-executed). */
function receivedEntry(ctx: SimContext, sim: SimAccount, body: unknown, wallTime: string): Omit<LedgerEntry, 'seq'> {
  const entry: Omit<LedgerEntry, 'seq'> = {
    accountId: sim.account.config.id,
    source: 'api',
    time: iso(ctx.engine.now),
    wallTime,
    request: body,
    outcome: 'not-executed',
    executed: false,
    dealIds: [],
    responseDelivered: true,
  };
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.actionType === 'string') entry.actionType = b.actionType;
  if (typeof b.clientId === 'string') entry.clientId = b.clientId;
  if (typeof b.comment === 'string') entry.comment = b.comment;
  return entry;
}

function record(entry: Omit<LedgerEntry, 'seq'>, executed: boolean, result: { orderId?: string; positionId?: string; dealIds: string[] }): void {
  entry.executed = executed;
  entry.outcome = executed ? 'executed' : 'rejected';
  if (result.orderId !== undefined) entry.orderId = result.orderId;
  if (result.positionId !== undefined) entry.positionId = result.positionId;
  entry.dealIds = result.dealIds;
}
