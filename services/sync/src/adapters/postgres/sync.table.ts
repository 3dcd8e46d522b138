import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** The service's Postgres schema. */
export const SYNC_SCHEMA = 'sync';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Numeric = ColumnType<string, number | string, number | string>;
type NullableNumeric = ColumnType<string | null, number | string | null, number | string | null>;
type Json = ColumnType<unknown, string, string>;

/** sync.bridge_health_metrics (frozen migration 2026-11-23T0805). */
export interface BridgeHealthMetricsTable {
  metric_id: Generated<string>;
  account_id: string | null;
  connection_status: string;
  last_heartbeat: Timestamp | null;
  execution_latency_ms: number | null;
  rejection_rate: NullableNumeric;
  sync_delay_ms: number | null;
  recorded_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface AccountSyncStateTable {
  account_id: string;
  sequence: ColumnType<string, number | string, number | string>;
  last_snapshot: Json | null;
  deal_cursor: Json | null;
  last_synced_at: Timestamp | null;
  last_published_at: Timestamp | null;
  owner_instance: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ExpectedPositionsTable {
  account_id: string;
  position_id: string;
  opening_intent_id: string;
  signal_id: string;
  client_id: string;
  symbol: string;
  side: string;
  volume: Numeric;
  stop_loss: NullableNumeric;
  take_profit: NullableNumeric;
  status: 'open' | 'closed';
  reported_at: Timestamp;
  last_event_id: string;
}

export interface ExecutionOutcomesTable {
  event_id: string;
  account_id: string;
  occurred_at: Timestamp;
  outcome: 'placed' | 'rejected';
  latency_ms: number | null;
}

export interface DiscrepanciesTable {
  discrepancy_id: string;
  account_id: string;
  kind: string;
  position_id: string;
  intent_id: string;
  signal_id: string;
  symbol: string;
  expected_value: NullableNumeric;
  actual_value: NullableNumeric;
  detail: string;
  first_detected_at: Timestamp;
  last_detected_at: Timestamp;
  resolved_at: Timestamp | null;
}

/** Tables of the sync schema, as kysely sees them (unqualified: the db handle is scoped to the schema). */
export interface SyncDb {
  bridge_health_metrics: BridgeHealthMetricsTable;
  account_sync_state: AccountSyncStateTable;
  expected_positions: ExpectedPositionsTable;
  execution_outcomes: ExecutionOutcomesTable;
  discrepancies: DiscrepanciesTable;
}

export type HealthMetricRow = Insertable<BridgeHealthMetricsTable>;
export type AccountSyncStateRow = Selectable<AccountSyncStateTable>;
export type ExpectedPositionRow = Selectable<ExpectedPositionsTable>;
export type DiscrepancyRow = Insertable<DiscrepanciesTable>;
