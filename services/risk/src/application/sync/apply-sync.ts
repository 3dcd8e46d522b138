/**
 * Use cases fed by other services' events: an account sync (snapshot, loss anchors, reservations it covers,
 * conversion rates seen in it), a connection change, and an execution result (what an intent created or why it
 * failed, and the reservation it releases).
 */
import type { Kysely } from 'kysely';
import { withTransaction } from '@tradebridge/persistence';
import { onExecutionResult, onSync, rollAnchors, type AccountSnapshot, type FxRates, type Reservation } from '../../domain';
import { getAccounts } from '../../adapters/postgres/accounts.repository';
import type { RiskDB } from '../../adapters/postgres/risk.table';
import {
  deleteReservations,
  loadReservations,
  loadSnapshots,
  recordExecutionReport,
  releasedIntentIds,
  replaceReservations,
  setConnected,
  upsertRatesAt,
  upsertSnapshots,
  type StoredSnapshot,
} from '../../adapters/postgres/state.repository';

/** One account's sync as the domain sees it. */
export interface AccountSyncItem {
  readonly accountId: string;
  readonly snapshot: AccountSnapshot;
  readonly rates: FxRates;
}

/** Stores a sync: the snapshot, rolled loss anchors, released reservations and any rates it carries. */
export async function applyAccountSync(db: Kysely<RiskDB>, accountId: string, snapshot: AccountSnapshot, rates: FxRates): Promise<void> {
  await applyAccountSyncs(db, [{ accountId, snapshot, rates }]);
}

/**
 * Stores many syncs in one transaction and a fixed number of statements, whatever their count: at 1,000 accounts
 * synced every second, a transaction per sync is what made risk fall behind on account.synced. Syncs are applied
 * in the given order, so two of one account behave as if stored one after the other (anchors roll through both, each
 * releases what it covers); a sync older than the stored one is ignored (it arrived late).
 */
export async function applyAccountSyncs(db: Kysely<RiskDB>, items: readonly AccountSyncItem[]): Promise<void> {
  if (items.length === 0) return;
  const ids = [...new Set(items.map((i) => i.accountId))];
  await withTransaction(db, async (trx) => {
    const accounts = await getAccounts(trx, ids);
    const stored = await loadSnapshots(trx, ids);
    const reservations = new Map<string, Reservation[]>();
    for (const r of await loadReservations(trx, ids)) {
      const held = reservations.get(r.accountId);
      if (held) held.push(r);
      else reservations.set(r.accountId, [r]);
    }
    const changed = new Map<string, StoredSnapshot>();
    const released: string[] = [];
    const rates = new Map<string, { rate: number; at: Date }>();
    for (const { accountId, snapshot, rates: seen } of items) {
      const previous = stored.get(accountId);
      if (previous && previous.snapshot.syncedAt.getTime() > snapshot.syncedAt.getTime()) continue;
      const offset = accounts.get(accountId)?.limits.dailyLoss?.resetUtcOffsetMinutes ?? 0;
      const next: StoredSnapshot = {
        snapshot: { ...snapshot, connected: previous?.snapshot.connected ?? snapshot.connected },
        anchors: rollAnchors(previous?.anchors, snapshot, snapshot.syncedAt, offset),
      };
      stored.set(accountId, next);
      changed.set(accountId, next);
      const before = reservations.get(accountId) ?? [];
      const after = onSync(before, snapshot);
      released.push(...releasedIntentIds(before, after));
      reservations.set(accountId, after);
      for (const [pair, rate] of Object.entries(seen)) {
        const known = rates.get(pair);
        if (!known || known.at.getTime() <= snapshot.syncedAt.getTime()) rates.set(pair, { rate, at: snapshot.syncedAt });
      }
    }
    await upsertSnapshots(trx, [...changed].map(([accountId, s]) => ({ accountId, ...s })));
    await deleteReservations(trx, released);
    await upsertRatesAt(trx, [...rates].map(([pair, r]) => ({ pair, ...r })));
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
