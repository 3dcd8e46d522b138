import type { OrderPlaced, OrderRejected, PositionChanged } from '@tradebridge/contracts';
import type { Kysely } from 'kysely';
import {
  applyExpectedPosition,
  insertExecutionOutcome,
  loadExpectedPosition,
} from '../../adapters/postgres/sync.repository';
import type { SyncDb } from '../../adapters/postgres/sync.table';

/** Rejections that say something about the broker or the account (not our own deadline or an operator's choice). */
const COUNTED_REJECTIONS = new Set<OrderRejected['reason']>([
  'EXEC_BROKER_REJECTED',
  'EXEC_RETRIES_EXHAUSTED',
  'EXEC_OUTCOME_UNKNOWN',
  'EXEC_ACCOUNT_FLAGGED',
  'EXEC_ACCOUNT_UNAVAILABLE',
  'EXEC_INSUFFICIENT_MARGIN',
]);

const ms = (us: number) => new Date(Math.floor(us / 1000));

/**
 * Keeps what execution reported, for reconciliation and health: positions it opened, changed or closed
 * (expected_positions, newest report wins), and each placed or rejected order with its broker latency
 * (execution_outcomes). Idempotent: a redelivered event changes nothing.
 */
export class ExecutionEventsRecorder {
  constructor(private readonly db: Kysely<SyncDb>) {}

  async onOrderPlaced(e: OrderPlaced): Promise<void> {
    const sent = e.latency?.brokerSentAtUs;
    const acked = e.latency?.brokerAcknowledgedAtUs;
    const latencyMs = sent !== undefined && acked !== undefined && acked >= sent ? Math.round((acked - sent) / 1000) : null;
    await insertExecutionOutcome(this.db, { event_id: e.meta.eventId, account_id: e.accountId, occurred_at: ms(e.meta.occurredAtUs), outcome: 'placed', latency_ms: latencyMs });
    const filled = e.status === 'PLACEMENT_STATUS_FILLED' || e.status === 'PLACEMENT_STATUS_PARTIALLY_FILLED';
    if (e.kind !== 'INTENT_KIND_OPEN' || !filled || !e.brokerPositionId) return;
    await applyExpectedPosition(this.db, {
      accountId: e.accountId,
      positionId: e.brokerPositionId,
      openingIntentId: e.intentId,
      signalId: e.signalId,
      clientId: e.clientId,
      symbol: e.symbol,
      side: e.side,
      volume: e.filledVolume > 0 ? e.filledVolume : e.requestedVolume,
      stopLoss: e.stopLoss ?? null,
      takeProfit: e.takeProfit ?? null,
      status: 'open',
      reportedAt: ms(e.meta.occurredAtUs),
      eventId: e.meta.eventId,
    });
  }

  async onOrderRejected(e: OrderRejected): Promise<void> {
    if (!COUNTED_REJECTIONS.has(e.reason)) return;
    await insertExecutionOutcome(this.db, { event_id: e.meta.eventId, account_id: e.accountId, occurred_at: ms(e.meta.occurredAtUs), outcome: 'rejected', latency_ms: null });
  }

  async onPositionChanged(e: PositionChanged): Promise<void> {
    if (!e.brokerPositionId) return; // pending-order changes: orders are not reconciled yet
    const before = await loadExpectedPosition(this.db, e.accountId, e.brokerPositionId);
    const closed = e.change === 'POSITION_CHANGE_KIND_POSITION_CLOSED' || e.change === 'POSITION_CHANGE_KIND_POSITION_CLOSED_BY' || e.volumeAfter <= 0;
    const num = (v: string | null | undefined) => (v === null || v === undefined ? null : Number(v));
    await applyExpectedPosition(this.db, {
      accountId: e.accountId,
      positionId: e.brokerPositionId,
      openingIntentId: e.openingIntentId,
      signalId: '',
      clientId: '',
      symbol: e.symbol || before?.symbol || '',
      side: e.side !== 'SIDE_UNSPECIFIED' ? e.side : before?.side ?? '',
      volume: e.volumeAfter > 0 || closed ? e.volumeAfter : Number(before?.volume ?? 0),
      stopLoss: e.stopLossAfter !== undefined ? e.stopLossAfter : num(before?.stop_loss),
      takeProfit: e.takeProfitAfter !== undefined ? e.takeProfitAfter : num(before?.take_profit),
      status: closed ? 'closed' : 'open',
      reportedAt: ms(e.meta.occurredAtUs),
      eventId: e.meta.eventId,
    });
  }
}
