import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** timestamptz: read as Date, written as an ISO string (microseconds kept) or Date. */
type Timestamp = ColumnType<Date, string | Date, string | Date>;
/** numeric: read as a string (pg keeps the exact decimal), written as a number. */
type Numeric = ColumnType<string, number, number>;

export interface SignalSourcesTable {
  source_id: string;
  name: string;
  api_key_id: string;
  api_key_salt: Buffer;
  api_key_hash: Buffer;
  webhook_secret_salt: Buffer;
  webhook_secret_hash: Buffer;
  allowed_symbols: ColumnType<string[], string[] | undefined, string[]>;
  rate_limit_per_minute: number;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: ColumnType<Date, string | undefined, never>;
  updated_at: ColumnType<Date, string | undefined, string>;
}

export interface TradingSignalsTable {
  signal_id: string;
  source_id: string;
  external_id: string | null;
  channel: 'api' | 'tradingview';
  action: 'open' | 'modify' | 'close' | 'cancel';
  symbol: string | null;
  direction: 'buy' | 'sell' | null;
  order_type: 'market' | 'limit' | 'stop' | 'stop_limit' | null;
  entry_price: Numeric | null;
  stop_limit_price: Numeric | null;
  reference_price: Numeric | null;
  stop_loss: Numeric | null;
  take_profits: ColumnType<string[], number[], number[]>;
  close_fraction: Numeric | null;
  ref_signal_id: string | null;
  expires_at: Timestamp | null;
  source_timestamp: Timestamp | null;
  payload: ColumnType<unknown, string, string>;
  status: ColumnType<'accepted' | 'published', 'accepted' | undefined, 'accepted' | 'published'>;
  accepted_at: Timestamp;
  stored_at: ColumnType<Date, never, never>;
  published_at: Timestamp | null;
}

export interface OutboxTable {
  outbox_id: Generated<string>;
  event_id: string;
  topic: string;
  message_key: string;
  signal_id: string;
  payload: ColumnType<unknown, string, string>;
  created_at: ColumnType<Date, never, never>;
  published_at: Timestamp | null;
  attempts: ColumnType<number, never, number>;
  last_error: string | null;
}

/** The signal service's schema as Kysely sees it (queries are scoped to schema `signal` by createDb). */
export interface SignalDb {
  signal_sources: SignalSourcesTable;
  trading_signals: TradingSignalsTable;
  outbox: OutboxTable;
}

export type SignalSourceRow = Selectable<SignalSourcesTable>;
export type NewSignalSource = Insertable<SignalSourcesTable>;
export type SignalSourceUpdate = Updateable<SignalSourcesTable>;
export type TradingSignalRow = Selectable<TradingSignalsTable>;
export type NewTradingSignal = Insertable<TradingSignalsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type NewOutboxRow = Insertable<OutboxTable>;

/** The schema every table above lives in. */
export const SIGNAL_SCHEMA = 'signal';
