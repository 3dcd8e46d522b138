import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { clientIdFor, commentProblem } from '../../domain/client-id';
import type { AccountPlatform } from '../../domain/trade-codes';
import { BridgeConnectionError, BridgeTimeoutError, BridgeValidationError, MetaApiTooManyRequestsError } from '../../errors';
import type { TradingTerminal } from '../../port/trading-terminal';
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
  TradeCommon,
  TradeResult,
} from '../../port/types';
import { TransportFailure, defaultMetaApiAgent, exchange, type HttpAnswer } from './http-transport';
import {
  compact,
  expirationJson,
  fillingModesJson,
  listOf,
  marketAction,
  pendingAction,
  toAccountInfo,
  toDeal,
  toOrder,
  toPosition,
  toPrice,
  toSymbolSpec,
  type MetatraderTradeJson,
} from './mapping';
import { retryAfterMs, toMetaApiError, tradeResultFromAnswer, tradeResultFromFailure } from './responses';

/** Request deadlines. The connect timeout belongs to the shared pool (`createMetaApiAgent`). */
export interface MetaApiTimeouts {
  /** Deadline of `POST /trade`; past it the outcome is unknown. Default 10 s. */
  readonly tradeMs: number;
  /** Deadline of each read. Default 5 s. */
  readonly readMs: number;
}

/** Bounds of the 429 handling of reads; trades are never retried. */
export interface ReadRetryPolicy {
  /** Retries after a 429, at most. Default 3. */
  readonly maxRetries: number;
  /** Longest single wait the bridge accepts; a longer `recommendedRetryTime` fails at once. Default 5 s. */
  readonly maxWaitMs: number;
}

/** Configuration of one account's MetaApi terminal. */
export interface MetaApiTerminalOptions {
  readonly accountId: string;
  /** MetaApi auth token; sent as the `auth-token` header, never logged. */
  readonly token: string;
  readonly platform: AccountPlatform;
  /** MetaApi region of the account; the host is `mt-client-api-v1.<region>.agiliumtrade.ai`. Default `new-york`. */
  readonly region?: string;
  /** Overrides the region host, e.g. the simulator or a failover endpoint (`http://127.0.0.1:7300`). */
  readonly baseUrl?: string;
  /** The keep-alive pool to use; default one pool shared by the process. */
  readonly dispatcher?: Dispatcher;
  readonly timeouts?: Partial<MetaApiTimeouts>;
  readonly readRetry?: Partial<ReadRetryPolicy>;
  /** How far back `findByClientId` searches history by default. Default 24 h. */
  readonly historyLookbackMs?: number;
  /**
   * After a successful market order or close, read the position's deals to fill `fillPrice` and `filledVolume`
   * (MetaApi's trade response carries neither). Costs one read; it is not counted in `brokerRoundTripMs`, and a
   * failed read leaves the fields empty rather than failing the trade. Default false.
   */
  readonly confirmFills?: boolean;
  /** Wall clock (epoch ms), injectable for tests. */
  readonly now?: () => number;
}

/** The MetaApi REST host of a region. */
export function metaApiRegionUrl(region: string): string {
  return `https://mt-client-api-v1.${region}.agiliumtrade.ai`;
}

const HISTORY_PAGE = 1000;
// Actions whose success means deals were executed at a price.
const FILL_ACTIONS = new Set(['ORDER_TYPE_BUY', 'ORDER_TYPE_SELL', 'POSITION_CLOSE_ID', 'POSITION_PARTIAL']);
// History queries end slightly in the future so a clock behind the server's cannot hide the newest trade.
const HISTORY_SKEW_MS = 60_000;

/**
 * The production adapter: a `TradingTerminal` over MetaApi's REST trading API. Trades are sent exactly once; a
 * timeout or dropped connection yields `outcome_unknown`, never a resend.
 */
export class MetaApiTerminal implements TradingTerminal {
  readonly accountId: string;
  readonly origin: string;
  private readonly base: string;
  private readonly dispatcher: Dispatcher;
  private readonly timeouts: MetaApiTimeouts;
  private readonly readRetry: ReadRetryPolicy;
  private readonly now: () => number;

  constructor(private readonly options: MetaApiTerminalOptions) {
    if (!options.accountId) throw new BridgeValidationError('accountId', 'must not be empty');
    if (!options.token) throw new BridgeValidationError('token', 'must not be empty');
    this.accountId = options.accountId;
    this.origin = (options.baseUrl ?? metaApiRegionUrl(options.region ?? 'new-york')).replace(/\/+$/, '');
    this.base = `/users/current/accounts/${encodeURIComponent(options.accountId)}`;
    this.dispatcher = options.dispatcher ?? defaultMetaApiAgent();
    this.timeouts = { tradeMs: options.timeouts?.tradeMs ?? 10_000, readMs: options.timeouts?.readMs ?? 5_000 };
    this.readRetry = { maxRetries: options.readRetry?.maxRetries ?? 3, maxWaitMs: options.readRetry?.maxWaitMs ?? 5_000 };
    this.now = options.now ?? Date.now;
  }

  get platform(): AccountPlatform {
    return this.options.platform;
  }

  // ---- trades -------------------------------------------------------------------------------------------------

  async placeMarketOrder(r: MarketOrderRequest): Promise<TradeResult> {
    requireSymbol(r.symbol);
    requireVolume('volume', r.volume);
    return this.trade(r, {
      actionType: marketAction(r.side),
      symbol: r.symbol,
      volume: r.volume,
      ...this.orderFields(r),
    });
  }

  async placePendingOrder(r: PendingOrderRequest): Promise<TradeResult> {
    requireSymbol(r.symbol);
    requireVolume('volume', r.volume);
    requirePrice('openPrice', r.openPrice);
    const stopLimit = r.type === 'buy_stop_limit' || r.type === 'sell_stop_limit';
    if (stopLimit) requirePrice('stopLimitPrice', r.stopLimitPrice);
    else if (r.stopLimitPrice !== undefined) throw new BridgeValidationError('stopLimitPrice', `is only allowed on stop-limit orders, not ${r.type}`);
    if (r.expiration) this.checkExpiration(r.expiration);
    return this.trade(r, {
      actionType: pendingAction(r.type),
      symbol: r.symbol,
      volume: r.volume,
      openPrice: r.openPrice,
      stopLimitPrice: r.stopLimitPrice,
      expiration: r.expiration ? expirationJson(r.expiration) : undefined,
      ...this.orderFields(r),
    });
  }

  async modifyPosition(r: ModifyPositionRequest): Promise<TradeResult> {
    requireId('positionId', r.positionId);
    optionalPrice('stopLoss', r.stopLoss);
    optionalPrice('takeProfit', r.takeProfit);
    if (r.trailingStop && !(Number.isFinite(r.trailingStop.distance) && r.trailingStop.distance > 0)) {
      throw new BridgeValidationError('trailingStop.distance', 'must be a positive number');
    }
    return this.trade(r, {
      actionType: 'POSITION_MODIFY',
      positionId: r.positionId,
      stopLoss: r.stopLoss,
      takeProfit: r.takeProfit,
      trailingStopLoss: r.trailingStop ? { distance: { distance: r.trailingStop.distance, units: r.trailingStop.units } } : undefined,
    });
  }

  async modifyOrder(r: ModifyOrderRequest): Promise<TradeResult> {
    requireId('orderId', r.orderId);
    requirePrice('openPrice', r.openPrice);
    optionalPrice('stopLoss', r.stopLoss);
    optionalPrice('takeProfit', r.takeProfit);
    optionalPrice('stopLimitPrice', r.stopLimitPrice);
    if (r.expiration) this.checkExpiration(r.expiration);
    return this.trade(r, {
      actionType: 'ORDER_MODIFY',
      orderId: r.orderId,
      openPrice: r.openPrice,
      stopLoss: r.stopLoss,
      takeProfit: r.takeProfit,
      stopLimitPrice: r.stopLimitPrice,
      expiration: r.expiration ? expirationJson(r.expiration) : undefined,
    });
  }

  async closePosition(r: ClosePositionRequest): Promise<TradeResult> {
    requireId('positionId', r.positionId);
    if (r.volume !== undefined) requireVolume('volume', r.volume);
    optionalSlippage(r.slippagePoints);
    return this.trade(r, {
      actionType: r.volume === undefined ? 'POSITION_CLOSE_ID' : 'POSITION_PARTIAL',
      positionId: r.positionId,
      volume: r.volume,
      slippage: r.slippagePoints,
    });
  }

  async closeBy(r: CloseByRequest): Promise<TradeResult> {
    requireId('positionId', r.positionId);
    requireId('oppositePositionId', r.oppositePositionId);
    if (r.positionId === r.oppositePositionId) throw new BridgeValidationError('oppositePositionId', 'must differ from positionId');
    return this.trade(r, { actionType: 'POSITION_CLOSE_BY', positionId: r.positionId, closeByPositionId: r.oppositePositionId });
  }

  async closePositionsBySymbol(r: CloseBySymbolRequest): Promise<TradeResult> {
    requireSymbol(r.symbol);
    return this.trade(r, { actionType: 'POSITIONS_CLOSE_SYMBOL', symbol: r.symbol });
  }

  async cancelOrder(r: CancelOrderRequest): Promise<TradeResult> {
    requireId('orderId', r.orderId);
    return this.trade(r, { actionType: 'ORDER_CANCEL', orderId: r.orderId });
  }

  // ---- reads --------------------------------------------------------------------------------------------------

  async getAccountInfo(): Promise<AccountInfo> {
    return toAccountInfo(await this.read('account-information', '/account-information?refreshTerminalState=false'), this.options.platform);
  }

  async getPositions(): Promise<readonly Position[]> {
    return listOf(await this.read('positions', '/positions'), undefined, toPosition);
  }

  async getOrders(): Promise<readonly Order[]> {
    return listOf(await this.read('orders', '/orders'), undefined, toOrder);
  }

  async getHistoryOrdersByTimeRange(range: TimeRange): Promise<readonly Order[]> {
    return listOf(await this.read('history-orders', timePath('/history-orders/time', range)), 'historyOrders', toOrder);
  }

  async getHistoryOrdersByPosition(positionId: string): Promise<readonly Order[]> {
    requireId('positionId', positionId);
    return listOf(await this.read('history-orders', `/history-orders/position/${encodeURIComponent(positionId)}`), 'historyOrders', toOrder);
  }

  async getHistoryOrdersByTicket(ticket: string): Promise<readonly Order[]> {
    requireId('ticket', ticket);
    return listOf(await this.read('history-orders', `/history-orders/ticket/${encodeURIComponent(ticket)}`), 'historyOrders', toOrder);
  }

  async getDealsByTimeRange(range: TimeRange): Promise<readonly Deal[]> {
    return listOf(await this.read('history-deals', timePath('/history-deals/time', range)), 'deals', toDeal);
  }

  async getDealsByPosition(positionId: string): Promise<readonly Deal[]> {
    requireId('positionId', positionId);
    return listOf(await this.read('history-deals', `/history-deals/position/${encodeURIComponent(positionId)}`), 'deals', toDeal);
  }

  async getDealsByTicket(ticket: string): Promise<readonly Deal[]> {
    requireId('ticket', ticket);
    return listOf(await this.read('history-deals', `/history-deals/ticket/${encodeURIComponent(ticket)}`), 'deals', toDeal);
  }

  async getSymbolSpecification(symbol: string): Promise<SymbolSpec> {
    requireSymbol(symbol);
    return toSymbolSpec(await this.read('symbol-specification', `/symbols/${encodeURIComponent(symbol)}/specification`));
  }

  async getPrice(symbol: string): Promise<Price> {
    requireSymbol(symbol);
    return toPrice(await this.read('current-price', `/symbols/${encodeURIComponent(symbol)}/current-price?keepSubscription=false`));
  }

  async ping(): Promise<number> {
    // account-information is the cheapest read MetaApi documents for every account; it also proves the token.
    const answer = await this.readAnswer('ping', '/account-information?refreshTerminalState=false');
    return answer.rttMs;
  }

  async findByClientId(clientId: string, options: FindByClientIdOptions = {}): Promise<ClientIdLookup> {
    requireId('clientId', clientId);
    const now = this.now();
    const range = { from: options.since ?? new Date(now - (this.options.historyLookbackMs ?? 86_400_000)), to: new Date(now + HISTORY_SKEW_MS) };
    const [positions, orders, historyOrders, deals] = await Promise.all([
      this.getPositions(),
      this.getOrders(),
      this.allPages((page) => this.readHistory('history-orders', timePath('/history-orders/time', { ...range, ...page }), 'historyOrders', toOrder)),
      this.allPages((page) => this.readHistory('history-deals', timePath('/history-deals/time', { ...range, ...page }), 'deals', toDeal)),
    ]);
    const mine = <T extends { clientId?: string; comment?: string }>(xs: readonly T[]) =>
      // Brokers that drop the clientId field keep it in the comment, where MetaApi writes it.
      xs.filter((x) => x.clientId === clientId || (x.comment !== undefined && x.comment.includes(clientId)));
    const result = { clientId, positions: mine(positions), orders: mine(orders), historyOrders: mine(historyOrders.items), deals: mine(deals.items) };
    return {
      ...result,
      found: result.positions.length + result.orders.length + result.historyOrders.length + result.deals.length > 0,
      complete: !historyOrders.synchronizing && !deals.synchronizing,
    };
  }

  // ---- internals ----------------------------------------------------------------------------------------------

  private orderFields(r: MarketOrderRequest | PendingOrderRequest): Partial<MetatraderTradeJson> {
    optionalPrice('stopLoss', r.stopLoss);
    optionalPrice('takeProfit', r.takeProfit);
    optionalSlippage(r.slippagePoints);
    if (r.fillingModes && r.fillingModes.length === 0) throw new BridgeValidationError('fillingModes', 'must not be empty when given');
    return {
      stopLoss: r.stopLoss,
      takeProfit: r.takeProfit,
      slippage: r.slippagePoints,
      fillingModes: r.fillingModes ? fillingModesJson(r.fillingModes) : undefined,
    };
  }

  private checkExpiration(e: NonNullable<PendingOrderRequest['expiration']>): void {
    if ((e.type === 'specified' || e.type === 'specified_day') && Number.isNaN(e.time.getTime())) {
      throw new BridgeValidationError('expiration.time', 'must be a valid date');
    }
    if (this.options.platform === 'mt4' && (e.type === 'day' || e.type === 'specified_day')) {
      throw new BridgeValidationError('expiration.type', `${e.type} is not supported on MT4 (gtc or specified only)`);
    }
  }

  private async trade(common: TradeCommon, fields: Omit<MetatraderTradeJson, 'clientId'>): Promise<TradeResult> {
    if (!common.intentId) throw new BridgeValidationError('intentId', 'must not be empty');
    if (common.comment !== undefined) {
      const problem = commentProblem(common.comment, this.options.platform);
      if (problem) throw new BridgeValidationError('comment', problem);
    }
    if (common.magic !== undefined && !(Number.isInteger(common.magic) && common.magic >= 0)) {
      throw new BridgeValidationError('magic', 'must be a non-negative integer');
    }
    const clientId = clientIdFor(common.intentId);
    const body = compact<MetatraderTradeJson>({ ...fields, clientId, comment: common.comment, magic: common.magic });
    const ctx = { platform: this.options.platform, clientId, now: this.now(), actionType: fields.actionType };
    try {
      const answer = await exchange(this.dispatcher, this.origin, 'POST', `${this.base}/trade`, this.options.token, body, this.timeouts.tradeMs);
      const result = tradeResultFromAnswer({ ...ctx, now: this.now() }, answer);
      return this.options.confirmFills && FILL_ACTIONS.has(fields.actionType) ? await this.withFill(result) : result;
    } catch (error) {
      if (error instanceof TransportFailure) return tradeResultFromFailure(ctx, error);
      throw error;
    }
  }

  /** Adds the volume-weighted price and total volume of the deals the result's order produced. */
  private async withFill(result: TradeResult): Promise<TradeResult> {
    if (result.status !== 'success' || !result.positionId || !result.orderId || result.fillPrice !== undefined) return result;
    try {
      const deals = (await this.getDealsByPosition(result.positionId)).filter((d) => d.orderId === result.orderId && d.price !== undefined && d.volume);
      const volume = deals.reduce((v, d) => v + (d.volume ?? 0), 0);
      if (volume <= 0) return result;
      const price = deals.reduce((p, d) => p + (d.price ?? 0) * (d.volume ?? 0), 0) / volume;
      return { ...result, fillPrice: price, filledVolume: Math.round(volume * 1e8) / 1e8 };
    } catch {
      return result;
    }
  }

  private async read(operation: string, path: string): Promise<unknown> {
    return (await this.readAnswer(operation, path)).body;
  }

  /** A GET with its deadline; a 429 is retried after the advised wait while the policy allows, nothing else is. */
  private async readAnswer(operation: string, path: string): Promise<HttpAnswer> {
    for (let attempt = 0; ; attempt++) {
      let answer: HttpAnswer;
      try {
        answer = await exchange(this.dispatcher, this.origin, 'GET', `${this.base}${path}`, this.options.token, undefined, this.timeouts.readMs);
      } catch (error) {
        if (error instanceof TransportFailure) {
          if (error.kind === 'timeout') throw new BridgeTimeoutError(operation, this.timeouts.readMs, { cause: error });
          throw new BridgeConnectionError(operation, error.kind !== 'not_sent', error.code, { cause: error });
        }
        throw error;
      }
      if (answer.status >= 200 && answer.status < 300) return answer;
      const failure = toMetaApiError(answer, this.now());
      if (failure instanceof MetaApiTooManyRequestsError && attempt < this.readRetry.maxRetries) {
        const wait = retryAfterMs(answer, this.now()) ?? 1000 * 2 ** attempt;
        if (wait <= this.readRetry.maxWaitMs) {
          await sleep(wait);
          continue;
        }
      }
      throw failure;
    }
  }

  /** A history query with MetaApi's `synchronizing` flag (true while the terminal's history is incomplete). */
  private async readHistory<T>(operation: string, path: string, key: string, read: (x: unknown) => T): Promise<{ items: T[]; synchronizing: boolean }> {
    const body = await this.read(operation, path);
    return { items: listOf(body, key, read), synchronizing: (body as { synchronizing?: unknown }).synchronizing === true };
  }

  private async allPages<T>(fetchPage: (page: { offset: number; limit: number }) => Promise<{ items: T[]; synchronizing: boolean }>): Promise<{ items: T[]; synchronizing: boolean }> {
    const items: T[] = [];
    let synchronizing = false;
    for (let offset = 0; ; offset += HISTORY_PAGE) {
      const page = await fetchPage({ offset, limit: HISTORY_PAGE });
      items.push(...page.items);
      synchronizing ||= page.synchronizing;
      if (page.items.length < HISTORY_PAGE) return { items, synchronizing };
    }
  }
}

function timePath(prefix: string, range: TimeRange): string {
  if (Number.isNaN(range.from.getTime())) throw new BridgeValidationError('range.from', 'must be a valid date');
  if (Number.isNaN(range.to.getTime())) throw new BridgeValidationError('range.to', 'must be a valid date');
  if (range.to < range.from) throw new BridgeValidationError('range.to', 'must not be before range.from');
  const query = new URLSearchParams();
  if (range.offset !== undefined) query.set('offset', String(range.offset));
  if (range.limit !== undefined) {
    if (!(Number.isInteger(range.limit) && range.limit >= 1 && range.limit <= HISTORY_PAGE)) {
      throw new BridgeValidationError('range.limit', `must be an integer in 1..${HISTORY_PAGE}`);
    }
    query.set('limit', String(range.limit));
  }
  const q = query.toString();
  return `${prefix}/${encodeURIComponent(range.from.toISOString())}/${encodeURIComponent(range.to.toISOString())}${q ? `?${q}` : ''}`;
}

function requireSymbol(symbol: string): void {
  if (typeof symbol !== 'string' || symbol.trim().length === 0) throw new BridgeValidationError('symbol', 'must be a non-empty string');
}
function requireId(field: string, id: string): void {
  if (typeof id !== 'string' || id.length === 0) throw new BridgeValidationError(field, 'must be a non-empty string');
}
function requireVolume(field: string, volume: number): void {
  if (!(typeof volume === 'number' && Number.isFinite(volume) && volume > 0)) throw new BridgeValidationError(field, `must be a positive number, got ${volume}`);
}
function requirePrice(field: string, price: number | undefined): void {
  if (!(typeof price === 'number' && Number.isFinite(price) && price > 0)) throw new BridgeValidationError(field, `must be a positive number, got ${price}`);
}
function optionalPrice(field: string, price: number | undefined): void {
  if (price !== undefined && !(typeof price === 'number' && Number.isFinite(price) && price >= 0)) {
    throw new BridgeValidationError(field, `must be a non-negative number, got ${price}`);
  }
}
function optionalSlippage(points: number | undefined): void {
  if (points !== undefined && !(Number.isInteger(points) && points >= 0)) throw new BridgeValidationError('slippagePoints', `must be a non-negative integer, got ${points}`);
}
