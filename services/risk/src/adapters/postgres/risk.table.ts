/**
 * Kysely table interfaces of the risk schema (see migrations/). Numeric columns come back from pg as strings.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Numeric = ColumnType<string, number | string, number | string>;
type NullableNumeric = ColumnType<string | null, number | string | null, number | string | null>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface AccountsTable {
  account_id: string;
  tenant_id: string;
  owner_user_id: string;
  display_name: string;
  platform: 'MT4' | 'MT5';
  currency: string;
  broker_login: string;
  broker_server: string;
  bridge_kind: 'METAAPI' | 'SIMULATOR';
  metaapi_account_id: string;
  region: string;
  base_url: string;
  failover_base_url: string;
  credentials_secret_ref: string;
  enabled: boolean;
  auto_trading: boolean;
  sizing: Json<unknown>;
  limits: Json<unknown>;
  symbol_mapping: Json<unknown>;
  filters: Json<unknown>;
  magic_number: number;
  config_version: ColumnType<string, number, number>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface SubscriptionsTable {
  subscription_id: string;
  account_id: string;
  source_id: string;
  enabled: boolean;
  sizing: Json<unknown | null>;
  reverse: boolean;
  filters: Json<unknown | null>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface TradingStatesTable {
  scope: 'FLEET' | 'ACCOUNT' | 'SOURCE';
  scope_id: string;
  state: 'ACTIVE' | 'REDUCING' | 'HALTED';
  reason: string;
  set_by: 'OPERATOR' | 'AUTO';
  set_at: Timestamp;
  expires_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

export interface TradingStateChangesTable {
  change_id: Generated<string>;
  scope: string;
  scope_id: string;
  from_state: string;
  to_state: string;
  reason: string;
  set_by: string;
  changed_at: Timestamp;
  expires_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

export interface AccountSnapshotsTable {
  account_id: string;
  synced_at: Timestamp;
  connected: boolean;
  balance: Numeric;
  equity: Numeric;
  margin: Numeric;
  free_margin: Numeric;
  leverage: Numeric;
  positions: Json<unknown>;
  orders: Json<unknown>;
  initial_balance: Numeric;
  peak_balance: Numeric;
  peak_equity: Numeric;
  trading_day: string;
  day_start_balance: Numeric;
  day_start_equity: Numeric;
  updated_at: DefaultedTimestamp;
}

export interface SymbolSpecsTable {
  account_id: string;
  broker_symbol: string;
  spec: Json<unknown>;
  updated_at: DefaultedTimestamp;
}

export interface FxRatesTable {
  pair: string;
  rate: Numeric;
  updated_at: Timestamp;
}

export interface DecisionsTable {
  decision_id: Generated<string>;
  intent_id: string;
  signal_id: string;
  account_id: string;
  subscription_id: string | null;
  source_id: string;
  tenant_id: string;
  action: 'OPEN' | 'MODIFY' | 'CLOSE' | 'CANCEL';
  outcome: 'APPROVED' | 'REJECTED';
  reason: string | null;
  detail: string | null;
  failures: Json<unknown>;
  signal_symbol: string;
  broker_symbol: string | null;
  volume: NullableNumeric;
  sizing: Json<unknown | null>;
  margin: Json<unknown | null>;
  account_view: Json<unknown>;
  intent: Json<unknown | null>;
  signal_accepted_at: Timestamp;
  decided_at: Timestamp;
  published_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface IntentsTable {
  intent_id: string;
  signal_id: string;
  account_id: string;
  kind: 'OPEN' | 'MODIFY' | 'CLOSE' | 'CANCEL';
  broker_symbol: string;
  direction: 'BUY' | 'SELL' | null;
  volume: NullableNumeric;
  status: 'APPROVED' | 'PLACED' | 'REJECTED' | 'EXPIRED';
  positions: Json<unknown>;
  orders: Json<unknown>;
  reported_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface ReservationsTable {
  intent_id: string;
  account_id: string;
  signal_id: string;
  symbol: string;
  broker_symbol: string;
  direction: 'BUY' | 'SELL';
  volume: Numeric;
  margin: Numeric;
  risk_money: Numeric;
  created_at: Timestamp;
  placed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** The risk schema. */
export interface RiskDB {
  accounts: AccountsTable;
  subscriptions: SubscriptionsTable;
  trading_states: TradingStatesTable;
  trading_state_changes: TradingStateChangesTable;
  account_snapshots: AccountSnapshotsTable;
  symbol_specs: SymbolSpecsTable;
  fx_rates: FxRatesTable;
  decisions: DecisionsTable;
  intents: IntentsTable;
  reservations: ReservationsTable;
}

export type AccountRow = Selectable<AccountsTable>;
export type NewAccountRow = Insertable<AccountsTable>;
export type AccountUpdate = Updateable<AccountsTable>;
export type SubscriptionRow = Selectable<SubscriptionsTable>;
export type NewSubscriptionRow = Insertable<SubscriptionsTable>;
export type TradingStateRow = Selectable<TradingStatesTable>;
export type AccountSnapshotRow = Selectable<AccountSnapshotsTable>;
export type NewAccountSnapshotRow = Insertable<AccountSnapshotsTable>;
export type DecisionRow = Selectable<DecisionsTable>;
export type NewDecisionRow = Insertable<DecisionsTable>;
export type IntentRow = Selectable<IntentsTable>;
export type NewIntentRow = Insertable<IntentsTable>;
export type ReservationRow = Selectable<ReservationsTable>;
