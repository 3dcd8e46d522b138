import { sql, type Kysely, type Transaction } from 'kysely';
import type { IntentState } from '../../domain/intent-state';
import type { ExecutionDb, NewAttemptRow, NewOrderRow, OrderRow, OrderUpdate, TrailingStopRow } from './execution.table';

type Db = Kysely<ExecutionDb> | Transaction<ExecutionDb>;

/**
 * Runs `work` in a transaction whose commit does not wait for the WAL flush (synchronous_commit off). Only for writes
 * a database crash may lose without harm: attempt rows, publication marks and final states, which reconciliation
 * with the terminal restores. The record made before a trade request leaves is never written this way.
 */
export function relaxed<T>(db: Kysely<ExecutionDb>, work: (trx: Transaction<ExecutionDb>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`set local synchronous_commit = off`.execute(trx);
    return work(trx);
  });
}

/** Records an intent unless it is recorded already; returns the stored row and whether this call created it. */
export async function recordIntent(db: Db, row: NewOrderRow): Promise<{ readonly row: OrderRow; readonly created: boolean }> {
  const inserted = await db
    .insertInto('execution_orders')
    .values(row)
    .onConflict((oc) => oc.column('intent_id').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { row: inserted, created: true };
  const existing = await findIntent(db, row.intent_id);
  if (!existing) throw new Error(`intent ${row.intent_id} conflicted on insert but cannot be read`);
  return { row: existing, created: false };
}

export function findIntent(db: Db, intentId: string): Promise<OrderRow | undefined> {
  return db.selectFrom('execution_orders').selectAll().where('intent_id', '=', intentId).executeTakeFirst();
}

/**
 * Moves an intent on, only if nobody moved it since `expectedVersion` was read (optimistic lock). Returns the new
 * row, or undefined when another worker got there first.
 */
export function transition(db: Db, intentId: string, expectedVersion: number, update: OrderUpdate): Promise<OrderRow | undefined> {
  return db
    .updateTable('execution_orders')
    .set({ ...update, version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
    .where('intent_id', '=', intentId)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

export async function insertAttempt(db: Db, attempt: NewAttemptRow): Promise<void> {
  // Idempotent: a resumed intent never records the same attempt number twice.
  await db.insertInto('execution_attempts').values(attempt).onConflict((oc) => oc.columns(['intent_id', 'attempt']).doNothing()).execute();
}

export function attemptsOf(db: Db, intentId: string) {
  return db.selectFrom('execution_attempts').selectAll().where('intent_id', '=', intentId).orderBy('attempt').execute();
}

/** Intents whose scheduled retry or reconciliation is due, and in-flight ones whose lease ran out (their worker died). */
export async function dueIntentIds(db: Db, now: Date, leaseExpiredBefore: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('execution_orders')
    .select(['intent_id'])
    .where((eb) =>
      eb.or([
        eb.and([eb('state', 'in', ['RETRY_SCHEDULED', 'UNKNOWN']), eb('next_attempt_at', '<=', now)]),
        eb.and([eb('state', 'in', ['RECEIVED', 'IN_FLIGHT']), eb('updated_at', '<', leaseExpiredBefore)]),
      ]),
    )
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.intent_id);
}

/** Intents with results that Kafka has not acknowledged yet, recorded before `before`. */
export async function unpublishedIntentIds(db: Db, before: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('execution_orders')
    .select(['intent_id'])
    .where('results_published_at', 'is', null)
    .where('results', 'is not', null)
    .where('updated_at', '<', before)
    .limit(limit)
    .execute();
  return rows.map((r) => r.intent_id);
}

export async function markPublished(db: Db, intentId: string, version: number): Promise<void> {
  await db.updateTable('execution_orders').set({ results_published_at: sql<Date>`now()` }).where('intent_id', '=', intentId).where('version', '=', version).execute();
}

/** Intents not final and unchanged for longer than `olderThan`, or with at least `minAttempts` attempts, newest first. */
export function listForOperator(db: Db, filter: { readonly stuckBefore?: Date; readonly minAttempts?: number; readonly states?: readonly IntentState[]; readonly limit: number }) {
  let q = db
    .selectFrom('execution_orders')
    .select(['intent_id', 'signal_id', 'account_id', 'kind', 'symbol', 'order_type', 'volume', 'state', 'attempts', 'platform_code', 'platform_code_id', 'handling_class', 'reason_code', 'rejection_reason', 'next_attempt_at', 'deadline_at', 'updated_at']);
  if (filter.stuckBefore) q = q.where('state', 'not in', ['FILLED', 'PLACED', 'DONE', 'REJECTED', 'EXPIRED', 'ABANDONED']).where('updated_at', '<', filter.stuckBefore);
  if (filter.minAttempts !== undefined) q = q.where('attempts', '>=', filter.minAttempts);
  if (filter.states && filter.states.length > 0) q = q.where('state', 'in', [...filter.states]);
  return q.orderBy('updated_at', 'desc').limit(filter.limit).execute();
}

export async function insertOperatorAction(db: Db, action: { intentId: string; action: 'retry' | 'abandon' | 'unflag'; operatorId: string; reason: string; stateBefore: string | null }): Promise<void> {
  await db
    .insertInto('execution_operator_actions')
    .values({ intent_id: action.intentId, action: action.action, operator_id: action.operatorId, reason: action.reason, state_before: action.stateBefore })
    .execute();
}

export async function flagAccount(db: Db, flag: { accountId: string; at: Date; code: number | null; codeId: string | null; reason: string; intentId: string | null }): Promise<void> {
  await db
    .insertInto('execution_account_flags')
    .values({ account_id: flag.accountId, flagged_at: flag.at, platform_code: flag.code, platform_code_id: flag.codeId, reason: flag.reason, intent_id: flag.intentId })
    .onConflict((oc) => oc.column('account_id').doNothing())
    .execute();
}

export async function unflagAccount(db: Db, accountId: string): Promise<boolean> {
  const r = await db.deleteFrom('execution_account_flags').where('account_id', '=', accountId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export function loadFlags(db: Db) {
  return db.selectFrom('execution_account_flags').selectAll().execute();
}

export async function upsertTrailingStop(db: Db, row: { accountId: string; positionId: string; intentId: string; symbol: string; side: 'buy' | 'sell'; distance: number; stopLoss: number | null }): Promise<void> {
  await db
    .insertInto('execution_trailing_stops')
    .values({ account_id: row.accountId, position_id: row.positionId, intent_id: row.intentId, symbol: row.symbol, side: row.side, distance: row.distance, stop_loss: row.stopLoss })
    .onConflict((oc) => oc.columns(['account_id', 'position_id']).doUpdateSet({ intent_id: row.intentId, distance: row.distance, stop_loss: row.stopLoss, updated_at: sql<Date>`now()` }))
    .execute();
}

export function listTrailingStops(db: Db): Promise<TrailingStopRow[]> {
  return db.selectFrom('execution_trailing_stops').selectAll().execute();
}

export async function setTrailingStopLoss(db: Db, accountId: string, positionId: string, stopLoss: number): Promise<void> {
  await db.updateTable('execution_trailing_stops').set({ stop_loss: stopLoss, updated_at: sql<Date>`now()` }).where('account_id', '=', accountId).where('position_id', '=', positionId).execute();
}

export async function deleteTrailingStop(db: Db, accountId: string, positionId: string): Promise<void> {
  await db.deleteFrom('execution_trailing_stops').where('account_id', '=', accountId).where('position_id', '=', positionId).execute();
}

/** Broker position and order ids our earlier intents produced, by intent id (for MODIFY/CLOSE/CANCEL targets). */
export function brokerIdsOfIntents(db: Db, accountId: string, intentIds: readonly string[]) {
  if (intentIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('execution_orders')
    .select(['intent_id', 'broker_position_id', 'broker_order_id', 'state', 'order_type', 'symbol'])
    .where('account_id', '=', accountId)
    .where('intent_id', 'in', [...intentIds])
    .execute();
}
