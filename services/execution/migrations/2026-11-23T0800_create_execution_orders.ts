import { sql, type Kysely } from 'kysely';

/*
 * execution.execution_orders: one row per order the execution service sends (or means to send) to a
 * MetaTrader account. Shape from seed 002 "Database Schema for Execution Tracking", in PostgreSQL syntax.
 *
 * Deliberate deviations from the seed:
 * - signal_id and account_id are plain uuid columns, not foreign keys: trading_signals and
 *   trading_accounts belong to other services (other schemas, possibly other databases) and services share
 *   no tables; the ids travel in events.
 * - mt_order_id is nullable: the intent is recorded before the broker answers (so a crash between sending
 *   and hearing back can be reconciled instead of resent), and a rejected order never gets a ticket.
 * - uuid_generate_v4() (uuid-ossp extension) became gen_random_uuid(), built into PostgreSQL 13+.
 * - The inline MySQL-style INDEX clauses became CREATE INDEX statements with the seed's names.
 * - The order_type check keeps the seed's buy/sell and is named, so a later migration (pending order
 *   types) can replace it by name.
 *
 * Frozen: never edit this file once released; change the table with a new, later migration.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table execution.execution_orders (
      order_id          uuid primary key default gen_random_uuid(),
      signal_id         uuid,
      account_id        uuid,
      mt_order_id       bigint,
      symbol            varchar(20) not null,
      order_type        varchar(10) not null
                          constraint execution_orders_order_type_check check (order_type in ('buy', 'sell')),
      volume            numeric(10, 4) not null,
      requested_price   numeric(10, 5),
      fill_price        numeric(10, 5),
      slippage_pips     numeric(6, 2),
      stop_loss         numeric(10, 5),
      take_profit       numeric(10, 5),
      execution_time_ms integer,
      order_status      varchar(20) default 'pending',
      rejection_reason  text,
      retry_count       integer default 0,
      placed_at         timestamptz default now(),
      filled_at         timestamptz
    )`.execute(db);

  await sql`create index idx_execution_orders_signal on execution.execution_orders (signal_id)`.execute(db);
  await sql`create index idx_execution_orders_account_time on execution.execution_orders (account_id, placed_at)`.execute(db);
  await sql`create index idx_execution_orders_mt_id on execution.execution_orders (mt_order_id)`.execute(db);

  await sql`comment on table execution.execution_orders is
    'One row per order the execution service sends to a MetaTrader account, from the recorded intent to the broker''s answer.'`.execute(db);
  const columns: Record<string, string> = {
    order_id: 'Our id for the order, assigned when the intent is recorded.',
    signal_id: 'The trading signal this order executes (owned by the signal service; not a foreign key across services).',
    account_id: 'The MetaTrader account the order is for (owned by the account configuration; not a foreign key across services).',
    mt_order_id: 'MetaTrader order ticket from the broker; empty until the broker answers, and for orders it rejected.',
    symbol: 'Broker symbol as traded, e.g. EURUSD.',
    order_type: 'Direction: buy or sell.',
    volume: 'Order volume in lots.',
    requested_price: "Price we asked for, in the symbol's quote currency.",
    fill_price: 'Price the broker filled at; empty until filled.',
    slippage_pips: 'Difference between requested and fill price in pips; positive means filled at a worse price than requested.',
    stop_loss: 'Stop-loss price sent with the order, if any.',
    take_profit: 'Take-profit price sent with the order, if any.',
    execution_time_ms: "Milliseconds from sending the request to the broker's answer.",
    order_status: 'Lifecycle state; starts as pending when the intent is recorded, before the broker answers.',
    rejection_reason: 'Why the order was rejected (reason code and broker message), when it was.',
    retry_count: 'How many times sending was retried after a retryable broker answer.',
    placed_at: 'When the order intent was recorded.',
    filled_at: 'When the broker reported the fill; empty until filled.',
  };
  for (const [column, comment] of Object.entries(columns)) {
    await sql`comment on column ${sql.raw(`execution.execution_orders.${column}`)} is ${sql.lit(comment)}`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table execution.execution_orders`.execute(db);
}
