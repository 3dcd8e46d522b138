import type { SyncChange, SyncChangeKind } from '@tradebridge/contracts';
import { DEAL_REASON, samePrice, sameVolume, type Deal, type Order, type OrderState, type Position, type TerminalState } from './terminal-state';

/** What the diff needs besides the two snapshots. */
export interface DiffInput {
  /** The last accepted snapshot; undefined for the first sync of an account (a baseline: nothing "changed"). */
  readonly previous: TerminalState | undefined;
  readonly current: TerminalState;
  /** History deals new since the previous sync (see `DealCursor`). */
  readonly newDeals: readonly Deal[];
  /** Final state of pending orders that left the book, looked up from history by the caller (absent: unknown). */
  readonly orderOutcomes?: ReadonlyMap<string, OrderState>;
  /** Our order-intent id behind a clientId; '' when the clientId is not ours or unknown. */
  readonly intentOf?: (clientId: string | undefined) => string;
  /** Time of the snapshot, epoch ms (decides whether an order that vanished after its expiry time expired). */
  readonly atMs: number;
}

const MT4_CONTINUATION = /^from #(\d+)/;
const CLOSING_ENTRIES = new Set(['out', 'out_by', 'inout']);

/**
 * The differences between two snapshots of one terminal, in a fixed order: balance operations, pending orders
 * (placed, modified, then triggered, expired or cancelled), then new positions, then for each previous position in
 * snapshot order its modification, partial close or close (by SL, TP, stop-out or otherwise). Closing deals among `newDeals` give the price, profit and reason of closes; an MT4
 * partial close (the rest reopened as a new ticket "from #<old>") is one partial close of the old ticket.
 */
export function diffSnapshots(input: DiffInput): SyncChange[] {
  const { previous, current, newDeals } = input;
  const intentOf = input.intentOf ?? (() => '');
  const changes: SyncChange[] = [];

  for (const d of newDeals) {
    if (d.type === 'balance' || d.type === 'credit' || d.type === 'bonus' || d.type === 'charge' || d.type === 'correction') {
      changes.push(change('SYNC_CHANGE_KIND_BALANCE_OPERATION', { dealId: d.id, volume: 0, profit: d.profit, occurredAtUs: d.time.getTime() * 1000 }));
    }
  }
  if (previous === undefined) return changes;

  const prevPositions = byId(previous.positions);
  const currPositions = byId(current.positions);
  const prevOrders = byId(previous.orders);
  const currOrders = byId(current.orders);
  const closingDeals = groupClosingDeals(newDeals);

  // ---- pending orders ----
  const triggered = new Set<string>();
  for (const o of current.orders) {
    const before = prevOrders.get(o.id);
    if (!before) {
      changes.push(orderChange('SYNC_CHANGE_KIND_ORDER_PLACED', o, intentOf));
    } else if (orderModified(before, o)) {
      changes.push(orderChange('SYNC_CHANGE_KIND_ORDER_MODIFIED', o, intentOf));
    }
  }
  for (const o of previous.orders) {
    if (currOrders.has(o.id)) continue;
    const kind = vanishedOrderKind(o, input, currPositions);
    if (kind === 'SYNC_CHANGE_KIND_ORDER_TRIGGERED') triggered.add(o.id);
    const fill = newDeals.find((d) => d.orderId === o.id && d.entry !== 'out');
    changes.push({
      ...orderChange(kind, o, intentOf),
      ...(kind === 'SYNC_CHANGE_KIND_ORDER_TRIGGERED' ? { positionId: fill?.positionId ?? (currPositions.has(o.id) ? o.id : '') } : {}),
      ...(fill?.price !== undefined && kind === 'SYNC_CHANGE_KIND_ORDER_TRIGGERED' ? { price: fill.price, dealId: fill.id, occurredAtUs: fill.time.getTime() * 1000 } : {}),
    });
  }

  // ---- positions ----
  const continued = new Map<string, Position>(); // old MT4 ticket -> the ticket holding its remaining lots
  for (const p of current.positions) {
    const m = p.comment ? MT4_CONTINUATION.exec(p.comment) : null;
    if (m && !prevPositions.has(p.id) && prevPositions.has(m[1]!) && !currPositions.has(m[1]!)) continued.set(m[1]!, p);
  }
  const successors = new Set([...continued.values()].map((p) => p.id));

  for (const p of current.positions) {
    if (prevPositions.has(p.id) || successors.has(p.id)) continue;
    if (triggered.has(p.id)) continue; // reported as ORDER_TRIGGERED with this position id
    const open = newDeals.find((d) => d.positionId === p.id && d.entry === 'in');
    changes.push({
      ...positionChange('SYNC_CHANGE_KIND_POSITION_OPENED', p, intentOf),
      volume: p.volume,
      price: p.openPrice,
      ...(open ? { dealId: open.id } : {}),
      occurredAtUs: p.openedAt.getTime() * 1000,
    });
  }

  for (const before of previous.positions) {
    const after = currPositions.get(before.id);
    if (after) {
      if (!samePrice(before.stopLoss, after.stopLoss) || !samePrice(before.takeProfit, after.takeProfit) || after.volume > before.volume + 1e-9) {
        changes.push({ ...positionChange('SYNC_CHANGE_KIND_POSITION_MODIFIED', after, intentOf), volume: after.volume });
      }
      if (after.volume < before.volume - 1e-9) {
        changes.push(partialClose(before, before.volume - after.volume, closingDeals.get(before.id) ?? [], intentOf));
      }
      continue;
    }
    const successor = continued.get(before.id);
    if (successor) {
      changes.push(partialClose(before, before.volume - successor.volume, closingDeals.get(before.id) ?? [], intentOf));
      continue;
    }
    changes.push(closed(before, closingDeals.get(before.id) ?? [], intentOf));
  }
  return changes;
}

/**
 * True when the terminal's answer looks like a restarting terminal rather than trading: every position of the
 * previous snapshot is gone and not one closing deal explains any of it. The caller holds such a snapshot back for a
 * few cycles instead of reporting a mass close that never happened.
 */
export function looksLikeEmptyRestart(previous: TerminalState | undefined, current: TerminalState, newDeals: readonly Deal[]): boolean {
  if (!previous || previous.positions.length === 0 || current.positions.length > 0) return false;
  const closing = groupClosingDeals(newDeals);
  return previous.positions.every((p) => !closing.has(p.id));
}

function vanishedOrderKind(o: Order, input: DiffInput, currPositions: ReadonlyMap<string, Position>): SyncChangeKind {
  switch (input.orderOutcomes?.get(o.id)) {
    case 'filled':
    case 'partial':
      return 'SYNC_CHANGE_KIND_ORDER_TRIGGERED';
    case 'expired':
      return 'SYNC_CHANGE_KIND_ORDER_EXPIRED';
    case 'canceled':
    case 'rejected':
      return 'SYNC_CHANGE_KIND_ORDER_CANCELLED';
    default:
      break;
  }
  if (currPositions.has(o.id) || input.newDeals.some((d) => d.orderId === o.id && d.entry !== 'out')) return 'SYNC_CHANGE_KIND_ORDER_TRIGGERED';
  const expiry = o.expiration && (o.expiration.type === 'specified' || o.expiration.type === 'specified_day') ? o.expiration.time.getTime() : undefined;
  if (expiry !== undefined && expiry <= input.atMs) return 'SYNC_CHANGE_KIND_ORDER_EXPIRED';
  return 'SYNC_CHANGE_KIND_ORDER_CANCELLED';
}

function orderModified(a: Order, b: Order): boolean {
  return (
    a.type !== b.type ||
    !samePrice(a.openPrice, b.openPrice) ||
    !samePrice(a.stopLimitPrice, b.stopLimitPrice) ||
    !samePrice(a.stopLoss, b.stopLoss) ||
    !samePrice(a.takeProfit, b.takeProfit) ||
    !sameVolume(a.currentVolume ?? a.volume, b.currentVolume ?? b.volume)
  );
}

function closed(p: Position, deals: readonly Deal[], intentOf: (c: string | undefined) => string): SyncChange {
  const last = deals[deals.length - 1];
  const profit = deals.reduce((s, d) => s + d.profit, 0);
  return {
    ...positionChange(closeKind(p, last), p, intentOf),
    volume: p.volume,
    ...(last ? { dealId: last.id, occurredAtUs: last.time.getTime() * 1000 } : {}),
    ...(last?.price !== undefined ? { price: last.price } : p.currentPrice !== undefined ? { price: p.currentPrice } : {}),
    ...(deals.length > 0 ? { profit } : {}),
  };
}

function partialClose(p: Position, volume: number, deals: readonly Deal[], intentOf: (c: string | undefined) => string): SyncChange {
  const last = deals[deals.length - 1];
  return {
    ...positionChange('SYNC_CHANGE_KIND_POSITION_PARTIALLY_CLOSED', p, intentOf),
    volume: round(volume),
    ...(last ? { dealId: last.id, occurredAtUs: last.time.getTime() * 1000 } : {}),
    ...(last?.price !== undefined ? { price: last.price } : {}),
    ...(deals.length > 0 ? { profit: deals.reduce((s, d) => s + d.profit, 0) } : {}),
  };
}

/** SL, TP or stop-out from the deal reason; without a reason, from where the closing price lies against the stops. */
function closeKind(p: Position, deal: Deal | undefined): SyncChangeKind {
  switch (deal?.reason) {
    case DEAL_REASON.SL:
      return 'SYNC_CHANGE_KIND_STOP_LOSS_HIT';
    case DEAL_REASON.TP:
      return 'SYNC_CHANGE_KIND_TAKE_PROFIT_HIT';
    case DEAL_REASON.SO:
      return 'SYNC_CHANGE_KIND_STOP_OUT';
    case undefined:
      break;
    default:
      return 'SYNC_CHANGE_KIND_POSITION_CLOSED';
  }
  const price = deal?.price;
  if (price === undefined) return 'SYNC_CHANGE_KIND_POSITION_CLOSED';
  const buy = p.side === 'buy';
  if (p.stopLoss && (buy ? price <= p.stopLoss : price >= p.stopLoss)) return 'SYNC_CHANGE_KIND_STOP_LOSS_HIT';
  if (p.takeProfit && (buy ? price >= p.takeProfit : price <= p.takeProfit)) return 'SYNC_CHANGE_KIND_TAKE_PROFIT_HIT';
  return 'SYNC_CHANGE_KIND_POSITION_CLOSED';
}

function groupClosingDeals(deals: readonly Deal[]): Map<string, Deal[]> {
  const out = new Map<string, Deal[]>();
  for (const d of deals) {
    if (!d.positionId || !d.entry || !CLOSING_ENTRIES.has(d.entry)) continue;
    const list = out.get(d.positionId) ?? [];
    list.push(d);
    out.set(d.positionId, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.time.getTime() - b.time.getTime());
  return out;
}

function change(kind: SyncChangeKind, fields: Partial<SyncChange>): SyncChange {
  return { kind, positionId: '', orderId: '', dealId: '', symbol: '', volume: 0, intentId: '', ...fields };
}

function positionChange(kind: SyncChangeKind, p: Position, intentOf: (c: string | undefined) => string): SyncChange {
  return change(kind, { positionId: p.id, symbol: p.symbol, volume: p.volume, intentId: intentOf(p.clientId) });
}

function orderChange(kind: SyncChangeKind, o: Order, intentOf: (c: string | undefined) => string): SyncChange {
  return change(kind, {
    orderId: o.id,
    symbol: o.symbol,
    volume: o.currentVolume ?? o.volume,
    ...(o.openPrice !== undefined ? { price: o.openPrice } : {}),
    intentId: intentOf(o.clientId),
  });
}

function byId<T extends { readonly id: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((i) => [i.id, i]));
}

function round(v: number): number {
  return Math.round(v * 1e8) / 1e8;
}
