import { sql, type Kysely, type Transaction } from 'kysely';
import type { DealCursor } from '../../domain/deal-cursor';
import type { ExpectedPosition } from '../../domain/reconcile';
import type { TerminalState } from '../../domain/terminal-state';
import { cursorFromJson, snapshotFromJson, snapshotToJson } from './snapshot-json';
import type { DiscrepancyRow, ExecutionOutcomesTable, HealthMetricRow, SyncDb } from './sync.table';

type Db = Kysely<SyncDb> | Transaction<SyncDb>;

const CHUNK = 500;

/** Where an account's syncing stands, as persisted. */
export interface PersistedSyncState {
  readonly accountId: string;
  readonly sequence: number;
  readonly snapshot?: TerminalState;
  readonly cursor?: DealCursor;
  readonly lastPublishedAt?: Date;
}

/** Writes the sync state of many accounts in batched upserts (one statement per 500 accounts). */
export async function saveSyncStates(db: Db, states: readonly (PersistedSyncState & { snapshot: TerminalState; cursor: DealCursor; lastSyncedAt: Date })[], owner: string): Promise<void> {
  for (let i = 0; i < states.length; i += CHUNK) {
    const rows = states.slice(i, i + CHUNK).map((s) => ({
      account_id: s.accountId,
      sequence: s.sequence,
      last_snapshot: snapshotToJson(s.snapshot),
      deal_cursor: JSON.stringify(s.cursor),
      last_synced_at: s.lastSyncedAt,
      last_published_at: s.lastPublishedAt ?? null,
      owner_instance: owner,
      updated_at: new Date(),
    }));
    await db
      .insertInto('account_sync_state')
      .values(rows)
      .onConflict((oc) =>
        oc.column('account_id').doUpdateSet((eb) => ({
          sequence: sql<string>`greatest(${eb.ref('account_sync_state.sequence')}, ${eb.ref('excluded.sequence')})`,
          last_snapshot: eb.ref('excluded.last_snapshot'),
          deal_cursor: eb.ref('excluded.deal_cursor'),
          last_synced_at: eb.ref('excluded.last_synced_at'),
          last_published_at: eb.ref('excluded.last_published_at'),
          owner_instance: eb.ref('excluded.owner_instance'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

/** The persisted sync state of one account, if any. */
export async function loadSyncState(db: Db, accountId: string): Promise<PersistedSyncState | undefined> {
  const row = await db.selectFrom('account_sync_state').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  if (!row) return undefined;
  const snapshot = safe(() => snapshotFromJson(row.last_snapshot));
  const cursor = safe(() => cursorFromJson(row.deal_cursor));
  return {
    accountId,
    sequence: Number(row.sequence),
    ...(snapshot ? { snapshot } : {}),
    ...(cursor ? { cursor } : {}),
    ...(row.last_published_at ? { lastPublishedAt: row.last_published_at } : {}),
  };
}

/** Appends health samples in batched inserts. */
export async function insertHealthMetrics(db: Db, rows: readonly HealthMetricRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await db.insertInto('bridge_health_metrics').values(rows.slice(i, i + CHUNK)).execute();
}

/** An execution report about one position, newest wins (older events arriving late are ignored). */
export interface ExpectedPositionReport {
  readonly accountId: string;
  readonly positionId: string;
  readonly openingIntentId: string;
  readonly signalId: string;
  readonly clientId: string;
  readonly symbol: string;
  readonly side: string;
  readonly volume: number;
  readonly stopLoss: number | null;
  readonly takeProfit: number | null;
  readonly status: 'open' | 'closed';
  readonly reportedAt: Date;
  readonly eventId: string;
}

export async function applyExpectedPosition(db: Db, r: ExpectedPositionReport): Promise<void> {
  await db
    .insertInto('expected_positions')
    .values({
      account_id: r.accountId,
      position_id: r.positionId,
      opening_intent_id: r.openingIntentId,
      signal_id: r.signalId,
      client_id: r.clientId,
      symbol: r.symbol,
      side: r.side,
      volume: r.volume,
      stop_loss: r.stopLoss,
      take_profit: r.takeProfit,
      status: r.status,
      reported_at: r.reportedAt,
      last_event_id: r.eventId,
    })
    .onConflict((oc) =>
      oc
        .columns(['account_id', 'position_id'])
        .doUpdateSet((eb) => ({
          volume: eb.ref('excluded.volume'),
          stop_loss: eb.ref('excluded.stop_loss'),
          take_profit: eb.ref('excluded.take_profit'),
          status: eb.ref('excluded.status'),
          reported_at: eb.ref('excluded.reported_at'),
          last_event_id: eb.ref('excluded.last_event_id'),
          opening_intent_id: sql<string>`coalesce(nullif(${eb.ref('expected_positions.opening_intent_id')}, ''), ${eb.ref('excluded.opening_intent_id')})`,
          signal_id: sql<string>`coalesce(nullif(${eb.ref('expected_positions.signal_id')}, ''), ${eb.ref('excluded.signal_id')})`,
          client_id: sql<string>`coalesce(nullif(${eb.ref('expected_positions.client_id')}, ''), ${eb.ref('excluded.client_id')})`,
        }))
        .where('expected_positions.reported_at', '<=', (eb) => eb.ref('excluded.reported_at')),
    )
    .execute();
}

/** The current expectation of one position (for partial updates like a modification without the volume). */
export async function loadExpectedPosition(db: Db, accountId: string, positionId: string) {
  return db.selectFrom('expected_positions').selectAll().where('account_id', '=', accountId).where('position_id', '=', positionId).executeTakeFirst();
}

/** Marks positions the terminal closed (seen by sync) as closed, so they are never reported missing later. */
export async function markExpectedClosed(db: Db, accountId: string, positionIds: readonly string[], at: Date): Promise<void> {
  if (positionIds.length === 0) return;
  await db
    .updateTable('expected_positions')
    .set({ status: 'closed', reported_at: at })
    .where('account_id', '=', accountId)
    .where('position_id', 'in', [...positionIds])
    .where('status', '=', 'open')
    .execute();
}

/** Open expected positions of many accounts, in one query. */
export async function loadOpenExpected(db: Db, accountIds: readonly string[]): Promise<Map<string, ExpectedPosition[]>> {
  const out = new Map<string, ExpectedPosition[]>();
  if (accountIds.length === 0) return out;
  const rows = await db.selectFrom('expected_positions').selectAll().where('status', '=', 'open').where('account_id', 'in', [...accountIds]).execute();
  for (const r of rows) {
    const list = out.get(r.account_id) ?? [];
    list.push({
      positionId: r.position_id,
      intentId: r.opening_intent_id,
      signalId: r.signal_id,
      clientId: r.client_id,
      symbol: r.symbol,
      volume: Number(r.volume),
      ...(r.stop_loss !== null && Number(r.stop_loss) !== 0 ? { stopLoss: Number(r.stop_loss) } : {}),
      ...(r.take_profit !== null && Number(r.take_profit) !== 0 ? { takeProfit: Number(r.take_profit) } : {}),
      reportedAtMs: r.reported_at.getTime(),
    });
    out.set(r.account_id, list);
  }
  return out;
}

/** Records one execution result event (idempotent on its event id). */
export async function insertExecutionOutcome(db: Db, row: { event_id: string; account_id: string; occurred_at: Date; outcome: ExecutionOutcomesTable['outcome']; latency_ms: number | null }): Promise<void> {
  await db.insertInto('execution_outcomes').values(row).onConflict((oc) => oc.column('event_id').doNothing()).execute();
}

/** Execution results per account since a time: attempts, rejections and the mean broker latency. */
export interface ExecutionStats {
  readonly results: number;
  readonly rejected: number;
  readonly meanLatencyMs?: number;
}

export async function executionStats(db: Db, accountIds: readonly string[], since: Date): Promise<Map<string, ExecutionStats>> {
  const out = new Map<string, ExecutionStats>();
  if (accountIds.length === 0) return out;
  const rows = await db
    .selectFrom('execution_outcomes')
    .select((eb) => [
      'account_id',
      eb.fn.countAll<string>().as('results'),
      sql<string>`count(*) filter (where outcome = 'rejected')`.as('rejected'),
      sql<string | null>`avg(latency_ms)`.as('mean_latency'),
    ])
    .where('account_id', 'in', [...accountIds])
    .where('occurred_at', '>=', since)
    .groupBy('account_id')
    .execute();
  for (const r of rows) {
    out.set(r.account_id, { results: Number(r.results), rejected: Number(r.rejected), ...(r.mean_latency !== null ? { meanLatencyMs: Number(r.mean_latency) } : {}) });
  }
  return out;
}

/** Records a discrepancy found (or found again after it was resolved). */
export async function recordDiscrepancy(db: Db, row: DiscrepancyRow): Promise<void> {
  await db
    .insertInto('discrepancies')
    .values(row)
    .onConflict((oc) =>
      oc.column('discrepancy_id').doUpdateSet((eb) => ({
        last_detected_at: eb.ref('excluded.last_detected_at'),
        expected_value: eb.ref('excluded.expected_value'),
        actual_value: eb.ref('excluded.actual_value'),
        detail: eb.ref('excluded.detail'),
        resolved_at: null,
      })),
    )
    .execute();
}

export async function resolveDiscrepancy(db: Db, discrepancyId: string, at: Date): Promise<void> {
  await db.updateTable('discrepancies').set({ resolved_at: at }).where('discrepancy_id', '=', discrepancyId).where('resolved_at', 'is', null).execute();
}

/** Discrepancies of an account still open (so a restarted replica does not report them again). */
export async function loadOpenDiscrepancies(db: Db, accountIds: readonly string[]) {
  if (accountIds.length === 0) return [];
  return db.selectFrom('discrepancies').selectAll().where('account_id', 'in', [...accountIds]).where('resolved_at', 'is', null).execute();
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
