/**
 * Modify, close and cancel signals become commands for exactly the positions and pending orders that the referenced
 * signal opened on the account: those execution reported for the referenced intent, and those a sync lists with the
 * intent's id, never anything else on the account.
 */
import type { AccountSnapshot } from './account';
import type { CancelIntent, CloseIntent, IntentRecord, ModifyIntent } from './intent';
import { RejectionReason, type CheckFailure } from './rejection';
import type { CancelSignal, CloseSignal, ManagementSignal, ModifySignal } from './signal';
import type { SymbolSpec } from './symbol';
import { addVolumes, compareVolumes, floorToStep } from './volume';

interface Held {
  readonly id: string;
  readonly volume: number;
  readonly openPrice: number;
}

/** What the referenced intent still holds on the account: synced items linked to it, plus items reported after the sync. */
export function heldBy(record: IntentRecord, snapshot: AccountSnapshot | undefined): { positions: Held[]; orders: Held[] } {
  const reportedPositions = new Set(record.positions.map((p) => p.positionId));
  const reportedOrders = new Set(record.orders.map((o) => o.orderId));
  const positions: Held[] = [];
  const orders: Held[] = [];
  const seen = new Set<string>();
  if (snapshot) {
    for (const p of snapshot.positions) {
      if (p.intentId === record.intentId || reportedPositions.has(p.positionId)) {
        positions.push({ id: p.positionId, volume: p.volume, openPrice: p.openPrice });
        seen.add(`p:${p.positionId}`);
      }
    }
    for (const o of snapshot.orders) {
      if (o.intentId === record.intentId || reportedOrders.has(o.orderId)) {
        orders.push({ id: o.orderId, volume: o.volume, openPrice: o.openPrice });
        seen.add(`o:${o.orderId}`);
      }
    }
  }
  // A report newer than the last sync is not in it yet; an older report missing from the sync is gone (closed).
  const reportIsNewer = !snapshot || (record.reportedAt !== undefined && record.reportedAt.getTime() > snapshot.syncedAt.getTime());
  if (reportIsNewer) {
    for (const p of record.positions) {
      if (!seen.has(`p:${p.positionId}`)) positions.push({ id: p.positionId, volume: p.volume, openPrice: p.openPrice });
    }
    for (const o of record.orders) {
      if (!seen.has(`o:${o.orderId}`)) orders.push({ id: o.orderId, volume: o.volume, openPrice: o.openPrice });
    }
  }
  return { positions, orders };
}

/**
 * Volume to close from a position for a fraction: rounded down to the step, at least the broker minimum, and the
 * whole position when what would remain is below the minimum.
 */
export function closeVolume(
  positionVolume: number,
  fraction: number,
  spec: Pick<SymbolSpec, 'volumeMin' | 'volumeStep'>,
): { volume: number; full: boolean } {
  if (fraction >= 1) return { volume: positionVolume, full: true };
  let volume = floorToStep(positionVolume * fraction, spec.volumeStep);
  if (compareVolumes(volume, spec.volumeMin) < 0) volume = spec.volumeMin;
  const remaining = addVolumes(positionVolume, -volume);
  if (compareVolumes(remaining, spec.volumeMin) < 0) return { volume: positionVolume, full: true };
  return { volume, full: false };
}

/** Common fields of every management intent. */
export interface ManagementContext {
  readonly intentId: string;
  readonly accountId: string;
  readonly brokerSymbol: string;
  readonly deadline: Date;
  readonly reverse: boolean;
  readonly snapshot?: AccountSnapshot;
  readonly spec?: SymbolSpec;
}

/** Builds the command for a modify/close/cancel signal on one account, or says why there is nothing to do. */
export function manage(
  signal: ManagementSignal,
  record: IntentRecord | undefined,
  ctx: ManagementContext,
): ModifyIntent | CloseIntent | CancelIntent | CheckFailure {
  if (!record) {
    return { reason: RejectionReason.NO_POSITIONS_TO_ACT_ON, detail: `the account did not take signal ${signal.referencedSignalId}` };
  }
  if (record.status === 'REJECTED' || record.status === 'EXPIRED' || record.kind !== 'OPEN') {
    return {
      reason: RejectionReason.NO_POSITIONS_TO_ACT_ON,
      detail: `signal ${signal.referencedSignalId} opened nothing on this account (its intent is ${record.kind} ${record.status})`,
    };
  }
  const awaitingOpen = record.status === 'APPROVED';
  const held = heldBy(record, ctx.snapshot);
  const base = {
    intentId: ctx.intentId,
    signalId: signal.signalId,
    sourceId: signal.sourceId,
    accountId: ctx.accountId,
    symbol: signal.symbol,
    brokerSymbol: record.brokerSymbol,
    deadline: ctx.deadline,
    targetIntentId: record.intentId,
    awaitingOpen,
  };
  const nothing = (what: string): CheckFailure => ({
    reason: RejectionReason.NO_POSITIONS_TO_ACT_ON,
    detail: `signal ${signal.referencedSignalId} has no ${what} left on this account`,
  });
  switch (signal.action) {
    case 'MODIFY':
      return modify(signal, held, base, ctx.reverse) ?? nothing('open position or pending order');
    case 'CLOSE':
      return close(signal, held, base, ctx.spec) ?? nothing('open position');
    case 'CANCEL':
      return cancel(signal, held, base) ?? nothing('pending order');
    default: {
      const _exhaustive: never = signal;
      throw new Error(`unknown management action ${String(_exhaustive)}`);
    }
  }
}

type Base = Omit<ModifyIntent, 'kind' | 'positions' | 'orders' | 'moveToBreakEven' | 'stopLoss' | 'takeProfit' | 'trailingDistance'>;

function modify(signal: ModifySignal, held: { positions: Held[]; orders: Held[] }, base: Base, reverse: boolean): ModifyIntent | undefined {
  if (held.positions.length === 0 && held.orders.length === 0 && !base.awaitingOpen) return undefined;
  // Reverse copies carry the provider's TP as their SL and its SL as their TP.
  const stopLoss = reverse ? signal.takeProfit : signal.stopLoss;
  const takeProfit = reverse ? signal.stopLoss : signal.takeProfit;
  const moveToBreakEven = signal.moveToBreakEven === true;
  const levels = (openPrice: number) => ({
    ...(moveToBreakEven ? { stopLoss: openPrice } : stopLoss !== undefined ? { stopLoss } : {}),
    ...(takeProfit !== undefined ? { takeProfit } : {}),
  });
  return {
    ...base,
    kind: 'MODIFY',
    positions: held.positions.map((p) => ({ positionId: p.id, ...levels(p.openPrice) })),
    orders: held.orders.map((o) => ({ orderId: o.id, ...levels(o.openPrice) })),
    ...(stopLoss !== undefined ? { stopLoss } : {}),
    ...(takeProfit !== undefined ? { takeProfit } : {}),
    moveToBreakEven,
    ...(signal.trailingDistance !== undefined ? { trailingDistance: signal.trailingDistance } : {}),
  };
}

function close(
  signal: CloseSignal,
  held: { positions: Held[]; orders: Held[] },
  base: Base,
  spec: SymbolSpec | undefined,
): CloseIntent | CheckFailure | undefined {
  if (held.positions.length === 0 && !base.awaitingOpen) return undefined;
  const fraction = Math.min(1, signal.fraction);
  if (fraction < 1 && !spec && held.positions.length > 0) {
    return { reason: RejectionReason.SYMBOL_SPEC_UNAVAILABLE, detail: `no specification of ${base.brokerSymbol} to round a partial close` };
  }
  return {
    ...base,
    kind: 'CLOSE',
    fraction,
    positions: held.positions.map((p) => ({ positionId: p.id, ...closeVolume(p.volume, fraction, spec ?? { volumeMin: 0, volumeStep: 1 }) })),
  };
}

function cancel(_signal: CancelSignal, held: { positions: Held[]; orders: Held[] }, base: Base): CancelIntent | undefined {
  if (held.orders.length === 0 && !base.awaitingOpen) return undefined;
  return { ...base, kind: 'CANCEL', orders: held.orders.map((o) => ({ orderId: o.id })) };
}
