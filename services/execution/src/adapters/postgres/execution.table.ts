import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { IntentState } from '../../domain/intent-state';

/** The service's Postgres schema. */
export const EXECUTION_SCHEMA = 'execution';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Numeric = ColumnType<string, number | string, number | string>;
type Json<T> = ColumnType<T, string, string>;

/** execution.execution_orders: one row per order intent (see the migrations for every column's meaning). */
export interface ExecutionOrdersTable {
  order_id: Generated<string>;
  signal_id: string | null;
  account_id: string | null;
  mt_order_id: ColumnType<string | null, string | number | null, string | number | null>;
  symbol: string;
  order_type: string;
  volume: Numeric;
  requested_price: ColumnType<string | null, number | string | null, number | string | null>;
  fill_price: ColumnType<string | null, number | string | null, number | string | null>;
  slippage_pips: ColumnType<string | null, number | string | null, number | string | null>;
  stop_loss: ColumnType<string | null, number | string | null, number | string | null>;
  take_profit: ColumnType<string | null, number | string | null, number | string | null>;
  execution_time_ms: number | null;
  order_status: string | null;
  rejection_reason: string | null;
  retry_count: Generated<number>;
  placed_at: Generated<Date>;
  filled_at: Timestamp | null;
  intent_id: string;
  client_id: string;
  kind: string;
  leg: number;
  state: IntentState;
  version: Generated<number>;
  lease_owner: string | null;
  broker_order_id: string | null;
  broker_position_id: string | null;
  filled_volume: ColumnType<string | null, number | string | null, number | string | null>;
  slippage_points: ColumnType<string | null, number | string | null, number | string | null>;
  slippage_amount: ColumnType<string | null, number | string | null, number | string | null>;
  account_currency: string | null;
  attempts: Generated<number>;
  platform_code: number | null;
  platform_code_id: string | null;
  platform_code_table: string | null;
  handling_class: string | null;
  reason_code: string | null;
  deadline_at: Timestamp | null;
  next_attempt_at: Timestamp | null;
  signal_accepted_at: Timestamp | null;
  risk_decided_at: Timestamp | null;
  execution_received_at: Timestamp | null;
  broker_sent_at: Timestamp | null;
  broker_acknowledged_at: Timestamp | null;
  intent: Json<unknown>;
  progress: Json<unknown> | null;
  results: Json<unknown> | null;
  results_published_at: Timestamp | null;
  updated_at: Generated<Date>;
}

/** execution.execution_attempts: every request sent to a broker. */
export interface ExecutionAttemptsTable {
  attempt_id: Generated<string>;
  intent_id: string;
  attempt: number;
  account_id: string;
  action: string;
  outcome: string;
  platform_code: number | null;
  platform_code_id: string | null;
  platform_code_table: string | null;
  handling_class: string | null;
  message: string | null;
  volume: ColumnType<string | null, number | null, number | null>;
  price: ColumnType<string | null, number | null, number | null>;
  stop_loss: ColumnType<string | null, number | null, number | null>;
  take_profit: ColumnType<string | null, number | null, number | null>;
  broker_order_id: string | null;
  broker_position_id: string | null;
  started_at: Timestamp;
  finished_at: Timestamp;
  round_trip_us: ColumnType<string, number, number>;
  next_attempt_at: Timestamp | null;
  note: string;
}

/** execution.execution_operator_actions: audit of operator actions. */
export interface OperatorActionsTable {
  action_id: Generated<string>;
  intent_id: string;
  action: 'retry' | 'abandon' | 'unflag';
  operator_id: string;
  reason: string;
  state_before: string | null;
  created_at: Generated<Date>;
}

/** execution.execution_account_flags: accounts refused fatally. */
export interface AccountFlagsTable {
  account_id: string;
  flagged_at: Timestamp;
  platform_code: number | null;
  platform_code_id: string | null;
  reason: string;
  intent_id: string | null;
}

/** execution.execution_trailing_stops: trailing stops the service maintains. */
export interface TrailingStopsTable {
  account_id: string;
  position_id: string;
  intent_id: string;
  symbol: string;
  side: 'buy' | 'sell';
  distance: ColumnType<string, number, number>;
  stop_loss: ColumnType<string | null, number | null, number | null>;
  updated_at: Generated<Date>;
}

export interface ExecutionDb {
  execution_orders: ExecutionOrdersTable;
  execution_attempts: ExecutionAttemptsTable;
  execution_operator_actions: OperatorActionsTable;
  execution_account_flags: AccountFlagsTable;
  execution_trailing_stops: TrailingStopsTable;
}

export type OrderRow = Selectable<ExecutionOrdersTable>;
export type NewOrderRow = Insertable<ExecutionOrdersTable>;
export type OrderUpdate = Updateable<ExecutionOrdersTable>;
export type NewAttemptRow = Insertable<ExecutionAttemptsTable>;
export type AttemptRow = Selectable<ExecutionAttemptsTable>;
export type TrailingStopRow = Selectable<TrailingStopsTable>;
