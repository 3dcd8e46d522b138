import type { Account, DealMeta } from './account';
import type { Reason } from './codes';
import type { Market } from './market';
import type { Rng } from './random';
import { isValidVolume, roundPrice, roundVolume } from './symbols';
import { brokerDayStart, DAY_MS, inSession } from './time';
import type {
  ExpirationType,
  FillingMode,
  MarketAction,
  Order,
  OrderType,
  PendingAction,
  Position,
  PriceValue,
  Side,
  SymbolSpec,
  TradeRequest,
} from './types';

/** What a trade needs from the world: the time, the quotes and a random stream (for slippage). */
export interface TradeContext {
  now: number;
  market: Market;
  rng: Rng;
  /** Fraction of a market order's volume that fills (the partial-fill fault); 1 when absent. */
  fillFraction?: number;
  /** Who sent the request: the API (an expert advisor, the default) or a person at the terminal. */
  origin?: 'expert' | 'client';
}

/** The order and deal reasons of requests from an origin. */
function reasonsOf(ctx: TradeContext): { deal: 'DEAL_REASON_EXPERT' | 'DEAL_REASON_CLIENT'; order: 'ORDER_REASON_EXPERT' | 'ORDER_REASON_CLIENT' } {
  return ctx.origin === 'client' ? { deal: 'DEAL_REASON_CLIENT', order: 'ORDER_REASON_CLIENT' } : { deal: 'DEAL_REASON_EXPERT', order: 'ORDER_REASON_EXPERT' };
}

/** The broker's decision on one trade request. `executed` is true exactly when the account changed. */
export interface TradeOutcome {
  reason: Reason;
  executed: boolean;
  orderId?: string;
  positionId?: string;
  dealIds: string[];
}

const reject = (reason: Reason): TradeOutcome => ({ reason, executed: false, dealIds: [] });
const EPS = 1e-9;

const sideOf = (type: OrderType): Side => (type.startsWith('ORDER_TYPE_BUY') ? 'buy' : 'sell');

/** Dispatches a validated trade request to the rule for its action (account-level checks come first). */
export function executeTrade(account: Account, req: TradeRequest, ctx: TradeContext): TradeOutcome {
  const c = account.config;
  if (c.investorMode) return reject('INVESTOR');
  if (!c.tradeAllowed) return reject('ACCOUNT_TRADE_DISABLED');
  if (!c.autoTradingEnabled) return reject('AUTOTRADING_DISABLED');
  const action = req.actionType;
  switch (action) {
    case 'ORDER_TYPE_BUY':
    case 'ORDER_TYPE_SELL':
      return marketOrder(account, action, req, ctx);
    case 'ORDER_TYPE_BUY_LIMIT':
    case 'ORDER_TYPE_SELL_LIMIT':
    case 'ORDER_TYPE_BUY_STOP':
    case 'ORDER_TYPE_SELL_STOP':
    case 'ORDER_TYPE_BUY_STOP_LIMIT':
    case 'ORDER_TYPE_SELL_STOP_LIMIT':
      return placePending(account, action, req, ctx);
    case 'POSITION_MODIFY':
      return modifyPosition(account, req, ctx);
    case 'POSITION_PARTIAL':
      return closePositionRequest(account, req, ctx, req.volume);
    case 'POSITION_CLOSE_ID':
      return closePositionRequest(account, req, ctx, undefined);
    case 'POSITION_CLOSE_BY':
      return closeBy(account, req, ctx);
    case 'POSITIONS_CLOSE_SYMBOL':
      return closeSymbol(account, req, ctx);
    case 'ORDER_MODIFY':
      return modifyOrder(account, req, ctx);
    case 'ORDER_CANCEL':
      return cancelOrder(account, req, ctx);
    default: {
      const _exhaustive: never = action;
      throw new Error(`unknown action ${String(_exhaustive)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// shared checks

/** Resolves a symbol and checks it can be traded at all right now (trade mode DISABLED, sessions). */
function tradableSpec(account: Account, symbol: string | undefined, now: number): SymbolSpec | Reason {
  const spec = symbol === undefined ? undefined : account.spec(symbol);
  if (!spec) return 'UNKNOWN_SYMBOL';
  if (spec.tradeMode === 'SYMBOL_TRADE_MODE_DISABLED') return 'TRADE_DISABLED';
  if (!inSession(spec.tradeSessions, now)) return 'MARKET_CLOSED';
  return spec;
}

/** Checks the symbol's trade mode for a request that opens or increases exposure on `side`. */
function directionAllowed(spec: SymbolSpec, side: Side): Reason | undefined {
  switch (spec.tradeMode) {
    case 'SYMBOL_TRADE_MODE_LONGONLY':
      return side === 'sell' ? 'LONG_ONLY' : undefined;
    case 'SYMBOL_TRADE_MODE_SHORTONLY':
      return side === 'buy' ? 'SHORT_ONLY' : undefined;
    case 'SYMBOL_TRADE_MODE_CLOSEONLY':
      return 'CLOSE_ONLY';
    default:
      return undefined;
  }
}

function orderTypeAllowed(spec: SymbolSpec, type: MarketAction | PendingAction): boolean {
  const needed = type.endsWith('STOP_LIMIT')
    ? 'SYMBOL_ORDER_STOP_LIMIT'
    : type.endsWith('LIMIT')
      ? 'SYMBOL_ORDER_LIMIT'
      : type.endsWith('STOP')
        ? 'SYMBOL_ORDER_STOP'
        : 'SYMBOL_ORDER_MARKET';
  return spec.allowedOrderTypes.includes(needed);
}

/** Picks the first requested filling mode the symbol supports (FOK preferred when none requested). */
function chooseFilling(spec: SymbolSpec, requested: FillingMode[] | undefined, pending: boolean): FillingMode | undefined {
  const supported = (m: FillingMode): boolean =>
    m === 'ORDER_FILLING_FOK'
      ? spec.fillingModes.includes('SYMBOL_FILLING_FOK')
      : m === 'ORDER_FILLING_IOC'
        ? spec.fillingModes.includes('SYMBOL_FILLING_IOC')
        : pending || spec.execution === 'SYMBOL_TRADE_EXECUTION_MARKET';
  const wanted = requested && requested.length > 0 ? requested : (['ORDER_FILLING_FOK', 'ORDER_FILLING_IOC', 'ORDER_FILLING_RETURN'] as FillingMode[]);
  return wanted.find(supported);
}

/** Resolves an absolute or relative price (signed offset from `base`; notes §3 units) to a rounded price. */
export function resolvePrice(
  account: Account,
  spec: SymbolSpec,
  pv: PriceValue | undefined,
  base: number,
  volume: number,
): number | undefined {
  if (pv === undefined) return undefined;
  let price: number;
  switch (pv.units) {
    case 'ABSOLUTE_PRICE':
      if (pv.value === 0) return 0;
      price = pv.value;
      break;
    case 'RELATIVE_PRICE':
      price = base + pv.value;
      break;
    case 'RELATIVE_POINTS':
      price = base + pv.value * spec.point;
      break;
    case 'RELATIVE_PIPS':
      price = base + pv.value * spec.pipSize;
      break;
    case 'RELATIVE_CURRENCY':
    case 'RELATIVE_BALANCE_PERCENTAGE': {
      const money = pv.units === 'RELATIVE_CURRENCY' ? pv.value : (account.balance * pv.value) / 100;
      const perPriceUnit = account.toAccount(spec.contractSize * volume, spec.profitCurrency);
      price = base + money / perPriceUnit;
      break;
    }
    default: {
      const _exhaustive: never = pv.units;
      throw new Error(`unknown units ${String(_exhaustive)}`);
    }
  }
  return roundPrice(spec, price);
}

/**
 * Checks SL/TP of a `side` position or order measured from `ref` (bid for buys and ask for sells of market
 * positions; the open price of pending orders): each must be on the right side and at least stopsLevel points away.
 */
function stopsValid(spec: SymbolSpec, side: Side, ref: number, sl: number | undefined, tp: number | undefined): boolean {
  const min = spec.stopsLevel * spec.point - spec.point / 10;
  const eps = spec.point / 10;
  const dir = side === 'buy' ? 1 : -1;
  if (sl !== undefined && sl !== 0) {
    const d = (ref - sl) * dir;
    if (d <= eps || d < min) return false;
  }
  if (tp !== undefined && tp !== 0) {
    const d = (tp - ref) * dir;
    if (d <= eps || d < min) return false;
  }
  return true;
}

/** Tells whether a position's SL or TP is within freezeLevel of the market, which locks it (notes §7). */
function positionFrozen(account: Account, spec: SymbolSpec, p: Position): boolean {
  if (spec.freezeLevel <= 0) return false;
  const level = spec.freezeLevel * spec.point + spec.point / 10;
  const price = account.closePrice(p.symbol, p.side);
  const dir = p.side === 'buy' ? 1 : -1;
  if (p.stopLoss !== undefined && (price - p.stopLoss) * dir <= level) return true;
  if (p.takeProfit !== undefined && (p.takeProfit - price) * dir <= level) return true;
  return false;
}

/** Tells whether a pending order's open price is within freezeLevel of the price that would trigger it. */
function orderFrozen(market: Market, spec: SymbolSpec, o: Order): boolean {
  if (spec.freezeLevel <= 0) return false;
  const q = market.quote(o.symbol)!;
  const level = spec.freezeLevel * spec.point + spec.point / 10;
  const trigger = sideOf(o.type) === 'buy' ? q.ask : q.bid;
  return Math.abs(trigger - o.openPrice) <= level;
}

/** Computes the expiration time of a pending order or the reason it is refused. */
function resolveExpiration(
  account: Account,
  spec: SymbolSpec,
  expiration: { type: ExpirationType; time?: number } | undefined,
  now: number,
): { type: ExpirationType; time?: number } | Reason {
  const type = expiration?.type ?? 'ORDER_TIME_GTC';
  if (account.platform === 'mt4' && type !== 'ORDER_TIME_GTC' && type !== 'ORDER_TIME_SPECIFIED') return 'INVALID_EXPIRATION';
  const mode = ({
    ORDER_TIME_GTC: 'SYMBOL_EXPIRATION_GTC',
    ORDER_TIME_DAY: 'SYMBOL_EXPIRATION_DAY',
    ORDER_TIME_SPECIFIED: 'SYMBOL_EXPIRATION_SPECIFIED',
    ORDER_TIME_SPECIFIED_DAY: 'SYMBOL_EXPIRATION_SPECIFIED_DAY',
  } as const)[type];
  if (!spec.allowedExpirationModes.includes(mode)) return 'INVALID_EXPIRATION';
  switch (type) {
    case 'ORDER_TIME_GTC':
      return { type };
    case 'ORDER_TIME_DAY':
      return { type, time: brokerDayStart(now) + DAY_MS };
    case 'ORDER_TIME_SPECIFIED':
      if (expiration?.time === undefined || expiration.time <= now) return 'INVALID_EXPIRATION';
      return { type, time: expiration.time };
    case 'ORDER_TIME_SPECIFIED_DAY': {
      if (expiration?.time === undefined) return 'INVALID_EXPIRATION';
      const end = brokerDayStart(expiration.time) + DAY_MS;
      if (end <= now) return 'INVALID_EXPIRATION';
      return { type, time: end };
    }
    default: {
      const _exhaustive: never = type;
      throw new Error(`unknown expiration ${String(_exhaustive)}`);
    }
  }
}

function netPosition(account: Account, symbol: string): Position | undefined {
  for (const p of account.positions.values()) if (p.symbol === symbol) return p;
  return undefined;
}

/** Tells whether a deal of `volume` on `side` opens or increases exposure (always on hedging accounts). */
function isOpening(account: Account, symbol: string, side: Side, volume: number): boolean {
  if (account.config.marginMode === 'hedging') return true;
  const p = netPosition(account, symbol);
  return !p || p.side === side || volume > p.volume + EPS;
}

function hasOpposite(account: Account, symbol: string, side: Side): boolean {
  for (const p of account.positions.values()) if (p.symbol === symbol && p.side !== side) return true;
  return false;
}

/**
 * Tells whether the account could still carry its positions after a deal of `volume` on `side`: the margin after
 * the deal must not exceed the equity after commission, unless the deal lowers the margin.
 */
function hasMoneyFor(account: Account, spec: SymbolSpec, side: Side, volume: number, price?: number): boolean {
  const before = account.margin();
  const after: { symbol: string; side: Side; volume: number }[] = [];
  let merged = false;
  for (const p of account.positions.values()) {
    if (account.config.marginMode === 'netting' && p.symbol === spec.symbol) {
      merged = true;
      const signed = (p.side === 'buy' ? p.volume : -p.volume) + (side === 'buy' ? volume : -volume);
      if (Math.abs(signed) > EPS) after.push({ symbol: p.symbol, side: signed > 0 ? 'buy' : 'sell', volume: Math.abs(signed) });
    } else {
      after.push(p);
    }
  }
  if (!merged) after.push({ symbol: spec.symbol, side, volume });
  let marginAfter = account.marginOfPositions(after);
  if (price !== undefined && !merged) {
    // A pending order is checked at its own price, as if it had filled there.
    marginAfter += account.marginOf(spec, side, volume, price) - account.marginOf(spec, side, volume);
  }
  if (marginAfter <= before + EPS) return true;
  return account.equity() + account.commissionFor(volume) - marginAfter >= -EPS;
}

/** Executes a deal for the account's accounting system: open, add, reduce, close or reverse (netting). */
export function fillDeal(
  account: Account,
  spec: SymbolSpec,
  side: Side,
  volume: number,
  price: number,
  now: number,
  meta: DealMeta,
): { positionId: string; dealIds: string[] } {
  if (account.config.marginMode === 'netting') {
    const p = netPosition(account, spec.symbol);
    if (p) {
      if (p.side === side) return { positionId: p.id, dealIds: [account.addToPosition(spec, p, volume, price, now, meta).id] };
      if (volume < p.volume - EPS || Math.abs(volume - p.volume) <= EPS) {
        return { positionId: p.id, dealIds: [account.reducePosition(spec, p, volume, price, now, meta).id] };
      }
      return { positionId: p.id, dealIds: [account.reversePosition(spec, p, volume, price, now, meta).id] };
    }
  }
  const { position, deal } = account.openPosition(spec, side, volume, price, now, meta);
  return { positionId: position.id, dealIds: [deal.id] };
}

/** Converts a request's trailing distance into price units. */
function trailingDistanceOf(spec: SymbolSpec, req: TradeRequest): number | undefined {
  const t = req.trailingStopLoss;
  if (!t) return undefined;
  const unit = t.units === 'RELATIVE_POINTS' ? spec.point : t.units === 'RELATIVE_PIPS' ? spec.pipSize : 1;
  return roundPrice(spec, t.distance * unit);
}

/** Minimum market time between two moves of a server-side trailing stop (notes §3: at most once per 15 s). */
export const TRAILING_MIN_INTERVAL_MS = 15_000;

/** Draws the adverse slippage, in points, of one market execution. */
function drawSlippage(account: Account, rng: Rng): number {
  const max = account.config.slippagePoints;
  return max > 0 ? Math.floor(rng() * (max + 1)) : 0;
}

// ---------------------------------------------------------------------------------------------------------------
// market orders

function marketOrder(account: Account, action: MarketAction, req: TradeRequest, ctx: TradeContext): TradeOutcome {
  const spec = tradableSpec(account, req.symbol, ctx.now);
  if (typeof spec === 'string') return reject(spec);
  if (!orderTypeAllowed(spec, action)) return reject('INVALID_ORDER');
  const side = sideOf(action);
  const volume = req.volume!;
  if (!isValidVolume(spec, volume)) return reject('INVALID_VOLUME');
  if (isOpening(account, spec.symbol, side, volume)) {
    const dir = directionAllowed(spec, side);
    if (dir) return reject(dir);
  }
  if (!chooseFilling(spec, req.fillingModes, false)) return reject('INVALID_FILL');
  if (account.config.marginMode === 'hedging' && account.config.hedgeProhibited && hasOpposite(account, spec.symbol, side)) {
    return reject('HEDGE_PROHIBITED');
  }
  const q = ctx.market.quote(spec.symbol)!;
  const slip = drawSlippage(account, ctx.rng);
  if (spec.execution === 'SYMBOL_TRADE_EXECUTION_INSTANT' && req.slippage !== undefined && slip > req.slippage) return reject('REQUOTE');
  const quotePrice = side === 'buy' ? q.ask : q.bid;
  const price = roundPrice(spec, quotePrice + (side === 'buy' ? slip : -slip) * spec.point);
  const base = req.stopPriceBase === 'OPEN_PRICE' ? price : quotePrice;
  const sl = resolvePrice(account, spec, req.stopLoss, base, volume);
  const tp = resolvePrice(account, spec, req.takeProfit, base, volume);
  // Stops of a new buy are measured from the bid (where it will close), of a sell from the ask.
  if (!stopsValid(spec, side, side === 'buy' ? q.bid : q.ask, sl, tp)) return reject('INVALID_STOPS');

  let filled = volume;
  if (ctx.fillFraction !== undefined && ctx.fillFraction < 1) {
    filled = Math.max(spec.minVolume, Math.floor((volume * ctx.fillFraction) / spec.volumeStep + EPS) * spec.volumeStep);
    filled = roundVolume(Math.min(filled, volume));
  }
  if (!hasMoneyFor(account, spec, side, filled)) return reject('NO_MONEY');

  const ticket = account.newTicket();
  const meta = dealMeta(ticket, req, sl, tp, reasonsOf(ctx).deal);
  const { positionId, dealIds } = fillDeal(account, spec, side, filled, price, ctx.now, meta);
  const trailing = trailingDistanceOf(spec, req);
  const position = account.positions.get(positionId);
  if (trailing !== undefined && position) position.trailing = { distance: trailing, lastMove: -Infinity };
  account.recordFilledOrder(ticket, spec.symbol, action, volume, price, ctx.now, {
    ...meta,
    positionId,
    orderReason: reasonsOf(ctx).order,
    filled,
  });
  return { reason: filled < volume ? 'DONE_PARTIAL' : 'DONE', executed: true, orderId: ticket, positionId, dealIds };
}

function dealMeta(orderId: string, req: TradeRequest, sl: number | undefined, tp: number | undefined, reason: DealMeta['reason']): DealMeta {
  const meta: DealMeta = { orderId, reason, magic: req.magic ?? 0 };
  if (req.comment !== undefined) meta.comment = req.comment;
  if (req.clientId !== undefined) meta.clientId = req.clientId;
  if (sl !== undefined && sl !== 0) meta.stopLoss = sl;
  if (tp !== undefined && tp !== 0) meta.takeProfit = tp;
  return meta;
}

// ---------------------------------------------------------------------------------------------------------------
// pending orders

/** Checks a pending order's price against the market: wrong side → INVALID_PRICE, too close → INVALID_STOPS. */
function pendingPriceCheck(market: Market, spec: SymbolSpec, type: OrderType, open: number, stopLimit: number | undefined): Reason | undefined {
  const q = market.quote(spec.symbol)!;
  const min = spec.stopsLevel * spec.point - spec.point / 10;
  let distance: number;
  switch (type) {
    case 'ORDER_TYPE_BUY_LIMIT':
      distance = q.ask - open;
      break;
    case 'ORDER_TYPE_SELL_LIMIT':
      distance = open - q.bid;
      break;
    case 'ORDER_TYPE_BUY_STOP':
    case 'ORDER_TYPE_BUY_STOP_LIMIT':
      distance = open - q.ask;
      break;
    case 'ORDER_TYPE_SELL_STOP':
    case 'ORDER_TYPE_SELL_STOP_LIMIT':
      distance = q.bid - open;
      break;
    default:
      return 'INVALID_ORDER';
  }
  if (distance <= spec.point / 10) return 'INVALID_PRICE';
  if (distance < min) return 'INVALID_STOPS';
  if (type === 'ORDER_TYPE_BUY_STOP_LIMIT' && !(stopLimit !== undefined && stopLimit < open)) return 'INVALID_PRICE';
  if (type === 'ORDER_TYPE_SELL_STOP_LIMIT' && !(stopLimit !== undefined && stopLimit > open)) return 'INVALID_PRICE';
  return undefined;
}

function placePending(account: Account, action: PendingAction, req: TradeRequest, ctx: TradeContext): TradeOutcome {
  if (account.platform === 'mt4' && action.endsWith('STOP_LIMIT')) return reject('ORDER_TYPE_NOT_SUPPORTED');
  const spec = tradableSpec(account, req.symbol, ctx.now);
  if (typeof spec === 'string') return reject(spec);
  if (!orderTypeAllowed(spec, action)) return reject('INVALID_ORDER');
  const side = sideOf(action);
  const volume = req.volume!;
  if (!isValidVolume(spec, volume)) return reject('INVALID_VOLUME');
  const dir = directionAllowed(spec, side);
  if (dir) return reject(dir);
  const filling = chooseFilling(spec, req.fillingModes, true);
  if (!filling) return reject('INVALID_FILL');
  if (account.config.marginMode === 'hedging' && account.config.hedgeProhibited && hasOpposite(account, spec.symbol, side)) {
    return reject('HEDGE_PROHIBITED');
  }
  const expiration = resolveExpiration(account, spec, req.expiration, ctx.now);
  if (typeof expiration === 'string') return reject(expiration);
  const q = ctx.market.quote(spec.symbol)!;
  const open = resolvePrice(account, spec, req.openPrice, side === 'buy' ? q.ask : q.bid, volume)!;
  const stopLimit = req.stopLimitPrice === undefined ? undefined : roundPrice(spec, req.stopLimitPrice);
  const priceProblem = pendingPriceCheck(ctx.market, spec, action, open, stopLimit);
  if (priceProblem) return reject(priceProblem);
  const entry = stopLimit ?? open;
  // OPEN_PRICE (default) is where the order opens (a stop-limit's limit price); STOP_PRICE is a stop-limit's stop price.
  const base = req.stopPriceBase === 'CURRENT_PRICE' ? (side === 'buy' ? q.ask : q.bid) : req.stopPriceBase === 'STOP_PRICE' ? open : entry;
  const sl = resolvePrice(account, spec, req.stopLoss, base, volume);
  const tp = resolvePrice(account, spec, req.takeProfit, base, volume);
  if (!stopsValid(spec, side, entry, sl, tp)) return reject('INVALID_STOPS');
  if (!hasMoneyFor(account, spec, side, volume, entry)) return reject('NO_MONEY');

  const order: Order = {
    id: account.newTicket(),
    symbol: spec.symbol,
    type: action,
    state: 'ORDER_STATE_PLACED',
    volume,
    currentVolume: volume,
    openPrice: open,
    time: ctx.now,
    expirationType: expiration.type,
    magic: req.magic ?? 0,
    fillingMode: filling,
    reason: reasonsOf(ctx).order,
  };
  if (expiration.time !== undefined) order.expirationTime = expiration.time;
  if (stopLimit !== undefined) order.stopLimitPrice = stopLimit;
  const trailing = trailingDistanceOf(spec, req);
  if (trailing !== undefined) order.trailingDistance = trailing;
  if (sl !== undefined && sl !== 0) order.stopLoss = sl;
  if (tp !== undefined && tp !== 0) order.takeProfit = tp;
  if (req.comment !== undefined) order.comment = req.comment;
  if (req.clientId !== undefined) order.clientId = req.clientId;
  account.orders.set(order.id, order);
  return { reason: 'PLACED', executed: true, orderId: order.id, dealIds: [] };
}

function modifyOrder(account: Account, req: TradeRequest, ctx: TradeContext): TradeOutcome {
  const order = account.orders.get(req.orderId!);
  if (!order) return reject('ORDER_NOT_FOUND');
  const spec = tradableSpec(account, order.symbol, ctx.now);
  if (typeof spec === 'string') return reject(spec);
  if (orderFrozen(ctx.market, spec, order)) return reject('FROZEN');
  const side = sideOf(order.type);
  const q = ctx.market.quote(spec.symbol)!;
  const open = resolvePrice(account, spec, req.openPrice, side === 'buy' ? q.ask : q.bid, order.volume) ?? order.openPrice;
  // A triggered stop-limit is a plain limit order now: its old stopLimitPrice no longer applies.
  const isStopLimit = order.type.endsWith('STOP_LIMIT');
  const stopLimit = !isStopLimit ? undefined : req.stopLimitPrice !== undefined ? roundPrice(spec, req.stopLimitPrice) : order.stopLimitPrice;
  const entry = stopLimit ?? open;
  // OPEN_PRICE (default) is where the order opens (a stop-limit's limit price); STOP_PRICE is a stop-limit's stop price.
  const base = req.stopPriceBase === 'CURRENT_PRICE' ? (side === 'buy' ? q.ask : q.bid) : req.stopPriceBase === 'STOP_PRICE' ? open : entry;
  const slIn = resolvePrice(account, spec, req.stopLoss, base, order.volume);
  const tpIn = resolvePrice(account, spec, req.takeProfit, base, order.volume);
  const sl = slIn === undefined ? order.stopLoss : slIn || undefined;
  const tp = tpIn === undefined ? order.takeProfit : tpIn || undefined;
  let expiration: { type: ExpirationType; time?: number } = { type: order.expirationType, time: order.expirationTime };
  if (req.expiration) {
    const resolved = resolveExpiration(account, spec, req.expiration, ctx.now);
    if (typeof resolved === 'string') return reject(resolved);
    expiration = resolved;
  }
  const unchanged =
    open === order.openPrice &&
    (!isStopLimit || stopLimit === order.stopLimitPrice) &&
    sl === order.stopLoss &&
    tp === order.takeProfit &&
    expiration.type === order.expirationType &&
    expiration.time === order.expirationTime;
  if (unchanged) return { reason: 'NO_CHANGES', executed: false, orderId: order.id, dealIds: [] };
  const priceProblem = pendingPriceCheck(ctx.market, spec, order.type, open, stopLimit);
  if (priceProblem) return reject(priceProblem);
  if (!stopsValid(spec, side, entry, sl, tp)) return reject('INVALID_STOPS');
  order.openPrice = open;
  if (isStopLimit) order.stopLimitPrice = stopLimit;
  order.stopLoss = sl;
  order.takeProfit = tp;
  order.expirationType = expiration.type;
  order.expirationTime = expiration.time;
  return { reason: 'DONE', executed: true, orderId: order.id, dealIds: [] };
}

function cancelOrder(account: Account, req: TradeRequest, ctx: TradeContext): TradeOutcome {
  const order = account.orders.get(req.orderId!);
  if (!order) return reject('ORDER_NOT_FOUND');
  const spec = tradableSpec(account, order.symbol, ctx.now);
  if (typeof spec === 'string') return reject(spec);
  if (orderFrozen(ctx.market, spec, order)) return reject('FROZEN');
  order.state = 'ORDER_STATE_CANCELED';
  order.doneTime = ctx.now;
  account.toHistory(order);
  return { reason: 'DONE', executed: true, orderId: order.id, dealIds: [] };
}

// ---------------------------------------------------------------------------------------------------------------
// positions

function modifyPosition(account: Account, req: TradeRequest, ctx: TradeContext): TradeOutcome {
  const p = account.positions.get(req.positionId!);
  if (!p) return reject('POSITION_NOT_FOUND');
  const spec = tradableSpec(account, p.symbol, ctx.now);
  if (typeof spec === 'string') return reject(spec);
  if (positionFrozen(account, spec, p)) return reject('FROZEN');
  const q = ctx.market.quote(spec.symbol)!;
  const base = req.stopPriceBase === 'CURRENT_PRICE' ? (p.side === 'buy' ? q.bid : q.ask) : p.openPrice;
  const slIn = resolvePrice(account, spec, req.stopLoss, base, p.volume);
  const tpIn = resolvePrice(account, spec, req.takeProfit, base, p.volume);
  const sl = slIn === undefined ? p.stopLoss : slIn || undefined;
  const tp = tpIn === undefined ? p.takeProfit : tpIn || undefined;
  const trailing = trailingDistanceOf(spec, req) ?? p.trailing?.distance;
  if (sl === p.stopLoss && tp === p.takeProfit && trailing === p.trailing?.distance) return { reason: 'NO_CHANGES', executed: false, positionId: p.id, dealIds: [] };
  if (!stopsValid(spec, p.side, account.closePrice(p.symbol, p.side), sl, tp)) return reject('INVALID_STOPS');
  p.stopLoss = sl;
  p.takeProfit = tp;
  if (trailing !== p.trailing?.distance) p.trailing = trailing === undefined ? undefined : { distance: trailing, lastMove: -Infinity };
  p.updateTime = ctx.now;
  return { reason: 'DONE', executed: true, positionId: p.id, dealIds: [] };
}

/** Closes `volume` lots (all when undefined) of a position at market with a closing order of the opposite type. */
export function closeAtMarket(
  account: Account,
  spec: SymbolSpec,
  p: Position,
  volume: number,
  price: number,
  now: number,
  meta: Omit<DealMeta, 'orderId'> & { orderReason: Order['reason'] },
): { orderId: string; dealIds: string[] } {
  const ticket = account.newTicket();
  const type: OrderType = p.side === 'buy' ? 'ORDER_TYPE_SELL' : 'ORDER_TYPE_BUY';
  const positionId = p.id;
  const deal = account.reducePosition(spec, p, volume, price, now, { ...meta, orderId: ticket });
  account.recordFilledOrder(ticket, spec.symbol, type, volume, price, now, { ...meta, positionId });
  return { orderId: ticket, dealIds: [deal.id] };
}

function closePositionRequest(account: Account, req: TradeRequest, ctx: TradeContext, partial: number | undefined): TradeOutcome {
  const p = account.positions.get(req.positionId!);
  if (!p) return reject('POSITION_NOT_FOUND');
  const spec = tradableSpec(account, p.symbol, ctx.now);
  if (typeof spec === 'string') return reject(spec);
  const volume = partial ?? p.volume;
  if (partial !== undefined) {
    if (partial > p.volume + EPS) return reject('INVALID_CLOSE_VOLUME');
    if (!isValidVolume(spec, partial)) return reject('INVALID_VOLUME');
  }
  if (positionFrozen(account, spec, p)) return reject('FROZEN');
  const slip = drawSlippage(account, ctx.rng);
  if (spec.execution === 'SYMBOL_TRADE_EXECUTION_INSTANT' && req.slippage !== undefined && slip > req.slippage) return reject('REQUOTE');
  const price = roundPrice(spec, account.closePrice(p.symbol, p.side) + (p.side === 'buy' ? -slip : slip) * spec.point);
  const meta = { reason: reasonsOf(ctx).deal, orderReason: reasonsOf(ctx).order, magic: req.magic ?? p.magic, comment: req.comment, clientId: req.clientId };
  const positionId = p.id;
  const { orderId, dealIds } = closeAtMarket(account, spec, p, Math.min(volume, p.volume), price, ctx.now, stripUndefined(meta));
  reticketMt4Remainder(account, p, ctx.now);
  return { reason: 'DONE', executed: true, orderId, positionId, dealIds };
}

/**
 * MT4 closes a partially closed order and reopens the remaining lots under a new ticket whose comment is
 * "from #<old ticket>"; MetaApi shows that ticket as the position id. MT5 keeps the position id.
 */
function reticketMt4Remainder(account: Account, p: Position, now: number): void {
  if (account.platform !== 'mt4' || !account.positions.has(p.id)) return;
  account.positions.delete(p.id);
  const oldId = p.id;
  p.id = account.newTicket();
  p.comment = `from #${oldId}`;
  p.updateTime = now;
  account.positions.set(p.id, p);
}

function stripUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

function closeBy(account: Account, req: TradeRequest, ctx: TradeContext): TradeOutcome {
  if (account.config.marginMode === 'netting') return reject('INVALID_ORDER');
  const a = account.positions.get(req.positionId!);
  const b = account.positions.get(req.closeByPositionId!);
  if (!a || !b) return reject('POSITION_NOT_FOUND');
  if (a.symbol !== b.symbol || a.side === b.side || a.id === b.id) return reject('INVALID');
  const spec = tradableSpec(account, a.symbol, ctx.now);
  if (typeof spec === 'string') return reject(spec);
  if (!spec.allowedOrderTypes.includes('SYMBOL_ORDER_CLOSEBY')) return reject('INVALID_ORDER');
  if (positionFrozen(account, spec, a) || positionFrozen(account, spec, b)) return reject('FROZEN');
  const volume = Math.min(a.volume, b.volume);
  const ticket = account.newTicket();
  const price = b.openPrice;
  const meta: DealMeta = stripUndefined({ orderId: ticket, reason: reasonsOf(ctx).deal, magic: req.magic ?? a.magic, comment: req.comment, clientId: req.clientId });
  const aId = a.id;
  const bId = b.id;
  const d1 = account.reducePosition(spec, a, volume, price, ctx.now, meta, 'DEAL_ENTRY_OUT_BY');
  const d2 = account.reducePosition(spec, b, volume, price, ctx.now, meta, 'DEAL_ENTRY_OUT_BY');
  reticketMt4Remainder(account, a, ctx.now);
  reticketMt4Remainder(account, b, ctx.now);
  account.recordFilledOrder(ticket, spec.symbol, 'ORDER_TYPE_CLOSE_BY', volume, price, ctx.now, {
    ...meta,
    positionId: aId,
    closeByPositionId: bId,
    orderReason: reasonsOf(ctx).order,
  });
  return { reason: 'DONE', executed: true, orderId: ticket, positionId: aId, dealIds: [d1.id, d2.id] };
}

function closeSymbol(account: Account, req: TradeRequest, ctx: TradeContext): TradeOutcome {
  const targets = [...account.positions.values()].filter((p) => p.symbol === req.symbol);
  const spec = tradableSpec(account, req.symbol, ctx.now);
  if (spec === 'UNKNOWN_SYMBOL') return reject(spec);
  if (targets.length === 0) return reject('POSITION_NOT_FOUND');
  if (typeof spec === 'string') return reject(spec);
  if (targets.some((p) => positionFrozen(account, spec, p))) return reject('FROZEN');
  const dealIds: string[] = [];
  let last: { orderId: string; positionId: string } | undefined;
  for (const p of targets) {
    const meta = { reason: reasonsOf(ctx).deal, orderReason: reasonsOf(ctx).order, magic: req.magic ?? p.magic, comment: req.comment, clientId: req.clientId };
    const r = closeAtMarket(account, spec, p, p.volume, account.closePrice(p.symbol, p.side), ctx.now, stripUndefined(meta));
    dealIds.push(...r.dealIds);
    last = { orderId: r.orderId, positionId: p.id };
  }
  return { reason: 'DONE', executed: true, ...last, dealIds };
}

export { sideOf, hasMoneyFor };
