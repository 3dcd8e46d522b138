/**
 * Use cases fed by other services' events: an account sync (snapshot, loss anchors, reservations it covers,
 * conversion rates seen in it), a connection change, and an execution result (what an intent created or why it
 * failed, and the reservation it releases).
 */
import type { Kysely } from 'kysely';
import { withTransaction } from '@tradebridge/persistence';
import { onExecutionResult, onSync, rollAnchors, type AccountSnapshot, type FxRates } from '../../domain';
import { getAccount } from '../../adapters/postgres/accounts.repository';
import type { RiskDB } from '../../adapters/postgres/risk.table';
import {
  loadReservations,
  loadSnapshots,
  recordExecutionReport,
  replaceReservations,
  setConnected,
  upsertRates,
  upsertSnapshot,
} from '../../adapters/postgres/state.repository';

/** Stores a sync: the snapshot, rolled loss anchors, released reservations and any rates it carries. */
export async function applyAccountSync(db: Kysely<RiskDB>, accountId: string, snapshot: AccountSnapshot, rates: FxRates): Promise<void> {
  await withTransaction(db, async (trx) => {
    const account = await getAccount(trx, accountId);
    const previous = (await loadSnapshots(trx, [accountId])).get(accountId);
    if (previous && previous.snapshot.syncedAt.getTime() > snapshot.syncedAt.getTime()) return; // an older sync arriving late
    const offset = account?.limits.dailyLoss?.resetUtcOffsetMinutes ?? 0;
    const anchors = rollAnchors(previous?.anchors, snapshot, snapshot.syncedAt, offset);
    await upsertSnapshot(trx, accountId, { ...snapshot, connected: previous?.snapshot.connected ?? snapshot.connected }, anchors);
    const before = await loadReservations(trx, [accountId]);
    await replaceReservations(trx, accountId, before, onSync(before, snapshot));
    await upsertRates(trx, rates, snapshot.syncedAt);
  });
}

export async function applyConnectionChange(db: Kysely<RiskDB>, accountId: string, connected: boolean): Promise<void> {
  await setConnected(db, accountId, connected);
}

/** An execution outcome for an intent. */
export interface ExecutionReport {
  readonly intentId: string;
  readonly accountId: string;
  readonly outcome: 'PLACED' | 'REJECTED' | 'EXPIRED';
  readonly position?: { positionId: string; volume: number; openPrice: number };
  readonly order?: { orderId: string; volume: number; openPrice: number };
  readonly at: Date;
}

export async function applyExecutionReport(db: Kysely<RiskDB>, report: ExecutionReport): Promise<void> {
  await withTransaction(db, async (trx) => {
    await recordExecutionReport(trx, {
      intentId: report.intentId,
      status: report.outcome,
      ...(report.position ? { position: report.position } : {}),
      ...(report.order ? { order: report.order } : {}),
      at: report.at,
    });
    const before = await loadReservations(trx, [report.accountId]);
    await replaceReservations(trx, report.accountId, before, onExecutionResult(before, { intentId: report.intentId, outcome: report.outcome, at: report.at }));
  });
}
