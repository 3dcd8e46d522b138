import type { Deal as BridgeDeal, Order, Position as BridgePosition } from '@tradebridge/bridge';
import { envelope, type AccountSynced, type Deal, type DealEntry, type DealType, type OrderType, type PendingOrder, type Position, type Side, type SyncChange } from '@tradebridge/contracts';
import type { TerminalState } from '../../domain/terminal-state';

/** Everything one account.synced is built from. */
export interface AccountSyncedInput {
  readonly eventId: string;
  readonly accountId: string;
  readonly sequence: number;
  readonly heartbeat: boolean;
  readonly state: TerminalState;
  readonly changes: readonly SyncChange[];
  readonly newDeals: readonly BridgeDeal[];
  readonly syncDelayMs: number;
  readonly startedAtMs: number;
  readonly syncedAtMs: number;
  readonly intentOf: (clientId: string | undefined) => string;
}

const us = (ms: number) => Math.round(ms * 1000);

/** The account.synced event of one sync: the full snapshot, what changed and the new deals. */
export function buildAccountSynced(i: AccountSyncedInput): AccountSynced {
  const a = i.state.account;
  return {
    meta: envelope({ eventId: i.eventId, correlationId: '', occurredAtUs: us(i.syncedAtMs), producer: 'sync' }),
    accountId: i.accountId,
    sequence: i.sequence,
    heartbeat: i.heartbeat,
    snapshot: {
      platform: a.platform === 'mt4' ? 'PLATFORM_MT4' : 'PLATFORM_MT5',
      currency: a.currency,
      balance: a.balance,
      equity: a.equity,
      margin: a.margin,
      freeMargin: a.freeMargin,
      ...(a.marginLevel !== undefined ? { marginLevel: a.marginLevel } : {}),
      leverage: Math.max(0, Math.round(a.leverage)),
      credit: a.credit,
      tradeAllowed: a.tradeAllowed && !a.investorMode,
      brokerServer: a.server,
      positions: i.state.positions.map((p) => position(p, i.intentOf)),
      orders: i.state.orders.map((o) => pendingOrder(o, i.intentOf)),
    },
    changes: [...i.changes],
    newDeals: i.newDeals.map(deal),
    syncDelayMs: Math.max(0, Math.round(i.syncDelayMs)),
    syncStartedAtUs: us(i.startedAtMs),
    syncedAtUs: us(i.syncedAtMs),
  };
}

function side(s: 'buy' | 'sell'): Side {
  return s === 'buy' ? 'SIDE_BUY' : 'SIDE_SELL';
}

function position(p: BridgePosition, intentOf: (c: string | undefined) => string): Position {
  return {
    positionId: p.id,
    symbol: p.symbol,
    side: side(p.side),
    volume: p.volume,
    openPrice: p.openPrice,
    currentPrice: p.currentPrice ?? p.openPrice,
    ...(p.stopLoss ? { stopLoss: p.stopLoss } : {}),
    ...(p.takeProfit ? { takeProfit: p.takeProfit } : {}),
    profit: p.profit,
    swap: p.swap,
    commission: p.commission,
    openedAtUs: us(p.openedAt.getTime()),
    updatedAtUs: us((p.updatedAt ?? p.openedAt).getTime()),
    magicNumber: Math.max(0, Math.round(p.magic ?? 0)),
    comment: p.comment ?? '',
    clientId: p.clientId ?? '',
    intentId: intentOf(p.clientId),
  };
}

function orderType(t: Order['type']): { side: Side; type: OrderType } {
  const s: Side = t.startsWith('buy') ? 'SIDE_BUY' : t.startsWith('sell') ? 'SIDE_SELL' : 'SIDE_UNSPECIFIED';
  const type: OrderType = t.endsWith('stop_limit') ? 'ORDER_TYPE_STOP_LIMIT' : t.endsWith('limit') ? 'ORDER_TYPE_LIMIT' : t.endsWith('stop') ? 'ORDER_TYPE_STOP' : 'ORDER_TYPE_MARKET';
  return { side: s, type };
}

function pendingOrder(o: Order, intentOf: (c: string | undefined) => string): PendingOrder {
  const t = orderType(o.type);
  const expiresAt = o.expiration && 'time' in o.expiration ? o.expiration.time.getTime() : undefined;
  return {
    orderId: o.id,
    symbol: o.symbol,
    side: t.side,
    orderType: t.type,
    volume: o.currentVolume ?? o.volume,
    openPrice: o.openPrice ?? 0,
    ...(o.stopLimitPrice !== undefined ? { stopLimitPrice: o.stopLimitPrice } : {}),
    ...(o.stopLoss ? { stopLoss: o.stopLoss } : {}),
    ...(o.takeProfit ? { takeProfit: o.takeProfit } : {}),
    ...(expiresAt !== undefined ? { expiresAtUs: us(expiresAt) } : {}),
    placedAtUs: us(o.placedAt.getTime()),
    magicNumber: Math.max(0, Math.round(o.magic ?? 0)),
    comment: o.comment ?? '',
    clientId: o.clientId ?? '',
    intentId: intentOf(o.clientId),
  };
}

const DEAL_TYPES: Record<string, DealType> = { buy: 'DEAL_TYPE_BUY', sell: 'DEAL_TYPE_SELL', balance: 'DEAL_TYPE_BALANCE', credit: 'DEAL_TYPE_CREDIT' };
const DEAL_ENTRIES: Record<string, DealEntry> = { in: 'DEAL_ENTRY_IN', out: 'DEAL_ENTRY_OUT', inout: 'DEAL_ENTRY_INOUT', out_by: 'DEAL_ENTRY_OUT_BY' };

function deal(d: BridgeDeal): Deal {
  return {
    dealId: d.id,
    orderId: d.orderId ?? '',
    positionId: d.positionId ?? '',
    symbol: d.symbol ?? '',
    type: DEAL_TYPES[d.type] ?? 'DEAL_TYPE_OTHER',
    entry: d.entry ? DEAL_ENTRIES[d.entry] ?? 'DEAL_ENTRY_UNSPECIFIED' : 'DEAL_ENTRY_UNSPECIFIED',
    volume: d.volume ?? 0,
    price: d.price ?? 0,
    profit: d.profit,
    commission: d.commission ?? 0,
    swap: d.swap ?? 0,
    timeUs: us(d.time.getTime()),
    clientId: d.clientId ?? '',
    comment: d.comment ?? '',
    reason: d.reason ?? '',
  };
}
