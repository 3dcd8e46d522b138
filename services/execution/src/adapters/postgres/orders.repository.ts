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

/**
 * Records many intents in one statement (one round trip, one commit): each gets the stored row and whether this call
 * created it. Of two equal intent ids in one batch, the first creates the row and the second finds it.
 */
export async function recordIntents(db: Db, rows: readonly NewOrderRow[]): Promise<Array<{ readonly row: OrderRow; readonly created: boolean }>> {
  if (rows.length === 0) return [];
  const inserted = await db
    .insertInto('execution_orders')
    .values([...rows])
    .onConflict((oc) => oc.column('intent_id').doNothing())
    .returningAll()
    .execute();
  const fresh = new Map(inserted.map((r) => [r.intent_id.toLowerCase(), r]));
  const missing = [...new Set(rows.map((r) => r.intent_id.toLowerCase()).filter((id) => !fresh.has(id)))];
  const existing = new Map(
    (missing.length > 0 ? await db.selectFrom('execution_orders').selectAll().where('intent_id', 'in', missing).execute() : []).map((r) => [r.intent_id.toLowerCase(), r]),
  );
  return rows.map((r) => {
    const id = r.intent_id.toLowerCase();
    const created = fresh.get(id);
    if (created) {
      fresh.delete(id);
      existing.set(id, created);
      return { row: created, created: true };
    }
    const row = existing.get(id);
    if (!row) throw new Error(`intent ${r.intent_id} conflicted on insert but cannot be read`);
    return { row, created: false };
  });
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

/** One transition of {@link transitionMany}. */
export interface TransitionRequest {
  readonly intentId: string;
  readonly expectedVersion: number;
  readonly update: OrderUpdate;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const columnTypesCache = new WeakMap<object, Promise<ReadonlyMap<string, string>>>();

/** execution_orders' column types (udt names such as int4, numeric, timestamptz, jsonb), read once per handle. */
function columnTypes(db: Kysely<ExecutionDb>): Promise<ReadonlyMap<string, string>> {
  let types = columnTypesCache.get(db);
  if (!types) {
    types = sql<{ column_name: string; udt_name: string }>`select column_name, udt_name from information_schema.columns
        where table_name = 'execution_orders' and table_schema = current_schema()`
      .execute(db)
      .then((r) => new Map(r.rows.map((c) => [c.column_name, c.udt_name])));
    types.catch(() => columnTypesCache.delete(db));
    columnTypesCache.set(db, types);
  }
  return types;
}

/**
 * {@link transition} for many intents: one statement per set of updated columns (usually one for a whole fan-out),
 * each row still guarded by its own expected version. Returns, per request, the new row or undefined when another
 * worker moved that intent first. An intent may appear only once per call.
 */
export async function transitionMany(db: Kysely<ExecutionDb>, requests: readonly TransitionRequest[]): Promise<Array<OrderRow | undefined>> {
  if (requests.length === 0) return [];
  if (new Set(requests.map((r) => r.intentId.toLowerCase())).size !== requests.length) throw new Error('transitionMany: an intent appears twice');
  const types = await columnTypes(db);
  const groups = new Map<string, { columns: string[]; requests: TransitionRequest[] }>();
  for (const r of requests) {
    const columns = Object.keys(r.update).filter((c) => (r.update as Record<string, unknown>)[c] !== undefined).sort();
    const key = columns.join(',');
    const group = groups.get(key) ?? { columns, requests: [] };
    group.requests.push(r);
    groups.set(key, group);
  }
  const byId = new Map<string, OrderRow>();
  for (const { columns, requests: group } of groups.values()) {
    for (const c of columns) {
      if (!IDENTIFIER.test(c) || !types.has(c)) throw new Error(`transitionMany: unknown column ${c}`);
    }
    const arrays = columns.map((c) => {
      const values = group.map((r) => {
        const v = (r.update as Record<string, unknown>)[c];
        return v instanceof Date ? v.toISOString() : v;
      });
      return sql`${values}::${sql.raw(types.get(c)!)}[]`;
    });
    const assignments = columns.map((c) => sql`${sql.ref(c)} = v.${sql.ref(c)}`);
    const names = columns.map((c) => sql.ref(c));
    const ids = group.map((r) => r.intentId);
    const versions = group.map((r) => r.expectedVersion);
    const rows = await sql<OrderRow>`update execution_orders o
        set ${sql.join(assignments)}, version = o.version + 1, updated_at = now()
        from unnest(${ids}::uuid[], ${versions}::int4[], ${sql.join(arrays)}) as v(intent_id_, expected_version_, ${sql.join(names)})
        where o.intent_id = v.intent_id_ and o.version = v.expected_version_
        returning o.*`.execute(db);
    for (const row of rows.rows) byId.set(row.intent_id.toLowerCase(), row);
  }
  return requests.map((r) => byId.get(r.intentId.toLowerCase()));
}

/** Attempt rows in one statement. Idempotent: a resumed intent never records the same attempt number twice. */
export async function insertAttempts(db: Db, attempts: readonly NewAttemptRow[]): Promise<void> {
  if (attempts.length === 0) return;
  await db.insertInto('execution_attempts').values([...attempts]).onConflict((oc) => oc.columns(['intent_id', 'attempt']).doNothing()).execute();
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

/** Marks the results of these intents as acknowledged by Kafka (only at the version that produced them), in one statement. */
export async function markManyPublished(db: Db, marks: ReadonlyArray<{ readonly intentId: string; readonly version: number }>): Promise<void> {
  if (marks.length === 0) return;
  const ids = marks.map((m) => m.intentId);
  const versions = marks.map((m) => m.version);
  await sql`update execution_orders o set results_published_at = now()
            from unnest(${ids}::uuid[], ${versions}::int[]) as m(intent_id, version)
            where o.intent_id = m.intent_id and o.version = m.version`.execute(db);
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
