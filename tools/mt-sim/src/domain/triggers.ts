import type { Account } from './account';
import type { Market } from './market';
import { roundPrice } from './symbols';
import { closeAtMarket, fillDeal, hasMoneyFor, sideOf, TRAILING_MIN_INTERVAL_MS } from './trading';
import { brokerWeekday, inSession } from './time';
import type { Order, Position } from './types';

/** Something the market did to an account on its own (not as an answer to a request). */
export type TriggerEvent =
  | { kind: 'order-expired'; orderId: string }
  | { kind: 'order-triggered'; orderId: string }
  | { kind: 'order-filled'; orderId: string; positionId: string }
  | { kind: 'order-rejected'; orderId: string }
  | { kind: 'stop-loss'; positionId: string }
  | { kind: 'take-profit'; positionId: string }
  | { kind: 'stop-out'; positionId: string; marginLevel: number };

/** Removes pending orders whose expiration time has passed (state ORDER_STATE_EXPIRED). */
export function expireOrders(account: Account, now: number): TriggerEvent[] {
  const events: TriggerEvent[] = [];
  for (const o of [...account.orders.values()]) {
    if (o.expirationTime !== undefined && o.expirationTime <= now) {
      o.state = 'ORDER_STATE_EXPIRED';
      o.doneTime = now;
      account.toHistory(o);
      events.push({ kind: 'order-expired', orderId: o.id });
    }
  }
  return events;
}

function reached(o: Order, bid: number, ask: number): boolean {
  switch (o.type) {
    case 'ORDER_TYPE_BUY_LIMIT':
      return ask <= o.openPrice;
    case 'ORDER_TYPE_SELL_LIMIT':
      return bid >= o.openPrice;
    case 'ORDER_TYPE_BUY_STOP':
    case 'ORDER_TYPE_BUY_STOP_LIMIT':
      return ask >= o.openPrice;
    case 'ORDER_TYPE_SELL_STOP':
    case 'ORDER_TYPE_SELL_STOP_LIMIT':
      return bid <= o.openPrice;
    default:
      return false;
  }
}

/**
 * Activates pending orders the market has reached. A stop-limit turns into a limit order at its stopLimitPrice
 * (same ticket); a limit fills at its price or better, a stop at market. An order that cannot be covered by
 * margin when it fills is rejected.
 */
export function triggerOrders(account: Account, market: Market, now: number): TriggerEvent[] {
  const events: TriggerEvent[] = [];
  for (const o of [...account.orders.values()]) {
    const spec = account.spec(o.symbol);
    const q = market.quote(o.symbol);
    if (!spec || !q || !inSession(spec.tradeSessions, now)) continue;
    if (!reached(o, q.bid, q.ask)) continue;
    if (o.type === 'ORDER_TYPE_BUY_STOP_LIMIT' || o.type === 'ORDER_TYPE_SELL_STOP_LIMIT') {
      o.type = o.type === 'ORDER_TYPE_BUY_STOP_LIMIT' ? 'ORDER_TYPE_BUY_LIMIT' : 'ORDER_TYPE_SELL_LIMIT';
      o.openPrice = o.stopLimitPrice!;
      events.push({ kind: 'order-triggered', orderId: o.id });
      if (!reached(o, q.bid, q.ask)) continue;
    }
    const side = sideOf(o.type);
    const isLimit = o.type.endsWith('LIMIT');
    const market_ = side === 'buy' ? q.ask : q.bid;
    const price = isLimit ? (side === 'buy' ? Math.min(market_, o.openPrice) : Math.max(market_, o.openPrice)) : market_;
    o.doneTime = now;
    if (!hasMoneyFor(account, spec, side, o.volume)) {
      o.state = 'ORDER_STATE_REJECTED';
      account.toHistory(o);
      events.push({ kind: 'order-rejected', orderId: o.id });
      continue;
    }
    const reason = o.reason === 'ORDER_REASON_CLIENT' ? ('DEAL_REASON_CLIENT' as const) : ('DEAL_REASON_EXPERT' as const);
    const meta = { orderId: o.id, reason, magic: o.magic, comment: o.comment, clientId: o.clientId, stopLoss: o.stopLoss, takeProfit: o.takeProfit };
    for (const k of ['comment', 'clientId', 'stopLoss', 'takeProfit'] as const) if (meta[k] === undefined) delete meta[k];
    const { positionId } = fillDeal(account, spec, side, o.volume, price, now, meta);
    const position = account.positions.get(positionId);
    if (o.trailingDistance !== undefined && position) position.trailing = { distance: o.trailingDistance, lastMove: -Infinity };
    o.state = 'ORDER_STATE_FILLED';
    o.currentVolume = 0;
    o.positionId = positionId;
    account.toHistory(o);
    events.push({ kind: 'order-filled', orderId: o.id, positionId });
  }
  return events;
}

/** Moves server-side trailing stops after the price: never backwards, at most once every 15 s of market time. */
export function trailStops(account: Account, now: number): void {
  for (const p of account.positions.values()) {
    if (!p.trailing || now - p.trailing.lastMove < TRAILING_MIN_INTERVAL_MS) continue;
    const spec = account.spec(p.symbol);
    if (!spec) continue;
    const price = account.closePrice(p.symbol, p.side);
    const candidate = roundPrice(spec, p.side === 'buy' ? price - p.trailing.distance : price + p.trailing.distance);
    const better = p.stopLoss === undefined || (p.side === 'buy' ? candidate > p.stopLoss : candidate < p.stopLoss);
    if (!better) continue;
    p.stopLoss = candidate;
    p.updateTime = now;
    p.trailing.lastMove = now;
  }
}

/** Closes positions whose stop loss or take profit the market has reached (buys on bid, sells on ask). */
export function triggerStops(account: Account, market: Market, now: number): TriggerEvent[] {
  const events: TriggerEvent[] = [];
  for (const p of [...account.positions.values()]) {
    if (p.stopLoss === undefined && p.takeProfit === undefined) continue;
    const spec = account.spec(p.symbol);
    if (!spec || !market.quote(p.symbol) || !inSession(spec.tradeSessions, now)) continue;
    const price = account.closePrice(p.symbol, p.side);
    const dir = p.side === 'buy' ? 1 : -1;
    const hitSl = p.stopLoss !== undefined && (price - p.stopLoss) * dir <= 0;
    const hitTp = !hitSl && p.takeProfit !== undefined && (p.takeProfit - price) * dir <= 0;
    if (!hitSl && !hitTp) continue;
    const level = hitSl ? p.stopLoss! : p.takeProfit!;
    const tag = `[${hitSl ? 'sl' : 'tp'} ${level.toFixed(spec.digits)}]`;
    const meta = hitSl
      ? { reason: 'DEAL_REASON_SL' as const, orderReason: 'ORDER_REASON_SL' as const }
      : { reason: 'DEAL_REASON_TP' as const, orderReason: 'ORDER_REASON_TP' as const };
    const clientTags = tagsOf(p);
    closeAtMarket(account, spec, p, p.volume, price, now, { ...meta, magic: p.magic, comment: tag, ...clientTags });
    events.push({ kind: hitSl ? 'stop-loss' : 'take-profit', positionId: p.id });
  }
  return events;
}

function tagsOf(p: Position): { clientId?: string } {
  return p.clientId !== undefined ? { clientId: p.clientId } : {};
}

/** Closes the most losing position while the margin level is under the account's stop-out level. */
export function stopOut(account: Account, now: number): TriggerEvent[] {
  const events: TriggerEvent[] = [];
  // Cheap pre-check on every tick: with equity well above the stop-out line of a recently computed margin, nothing
  // can be stopped out; only accounts near the line pay for the exact margin.
  const approx = account.approximateMargin(now);
  if (approx <= 0 || account.equity() > ((approx * account.config.stopOutLevel) / 100) * 1.5) return events;
  for (;;) {
    if (account.positions.size === 0) return events;
    const margin = account.margin();
    if (margin <= 0) return events;
    const level = (account.equity() / margin) * 100;
    if (level >= account.config.stopOutLevel) return events;
    let worst: Position | undefined;
    let worstProfit = Infinity;
    for (const p of account.positions.values()) {
      const profit = account.positionProfit(p) + p.swap;
      if (profit < worstProfit) {
        worst = p;
        worstProfit = profit;
      }
    }
    const p = worst!;
    const spec = account.spec(p.symbol)!;
    const comment = `[so ${level.toFixed(2)}%]`;
    closeAtMarket(account, spec, p, p.volume, account.closePrice(p.symbol, p.side), now, {
      reason: 'DEAL_REASON_SO',
      orderReason: 'ORDER_REASON_SO',
      magic: p.magic,
      comment,
      ...tagsOf(p),
    });
    events.push({ kind: 'stop-out', positionId: p.id, marginLevel: Math.round(level * 100) / 100 });
  }
}

/** Books one night of swap on every open position; the night into Thursday counts three times (the weekend). */
export function rollover(account: Account, dayStart: number): void {
  // Rollovers close the trading days Monday to Friday: at 00:00 of Tuesday to Saturday, none into Sunday or Monday.
  const weekday = brokerWeekday(dayStart);
  if (weekday === 0 || weekday === 1) return;
  const multiplier = weekday === 4 ? 3 : 1;
  for (const p of account.positions.values()) {
    const spec = account.spec(p.symbol)!;
    const points = p.side === 'buy' ? spec.swapLong : spec.swapShort;
    const amount = account.toAccount(points * spec.point * spec.contractSize * p.volume, spec.profitCurrency) * multiplier;
    p.swap = Math.round((p.swap + amount) * 100) / 100;
  }
}
