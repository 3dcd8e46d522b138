import { sql, type Kysely } from 'kysely';

/*
 * sync.bridge_health_metrics: periodic health samples of each account's connection to its MetaTrader
 * terminal. Shape from seed 002 "Database Schema for Execution Tracking", in PostgreSQL syntax.
 *
 * Deliberate deviations from the seed:
 * - account_id is a plain uuid column, not a foreign key: trading_accounts belongs to the account
 *   configuration, outside this service's schema, and services share no tables.
 * - uuid_generate_v4() (uuid-ossp extension) became gen_random_uuid(), built into PostgreSQL 13+.
 * - The inline MySQL-style INDEX clause became a CREATE INDEX statement with the seed's name.
 *
 * Frozen: never edit this file once released; change the table with a new, later migration.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table sync.bridge_health_metrics (
      metric_id            uuid primary key default gen_random_uuid(),
      account_id           uuid,
      connection_status    varchar(20) not null,
      last_heartbeat       timestamptz,
      execution_latency_ms integer,
      rejection_rate       numeric(5, 2),
      sync_delay_ms        integer,
      recorded_at          timestamptz default now()
    )`.execute(db);

  await sql`create index idx_bridge_health_account_time on sync.bridge_health_metrics (account_id, recorded_at)`.execute(db);

  await sql`comment on table sync.bridge_health_metrics is
    'Periodic health samples of each account''s connection to its MetaTrader terminal.'`.execute(db);
  const columns: Record<string, string> = {
    metric_id: 'Id of this sample.',
    account_id: 'The MetaTrader account sampled (owned by the account configuration; not a foreign key across services).',
    connection_status: 'State of the terminal connection when sampled, e.g. connected, degraded, disconnected.',
    last_heartbeat: 'When the terminal last answered a heartbeat.',
    execution_latency_ms: 'Recent broker round-trip time for trade requests, in milliseconds.',
    rejection_rate: 'Share of recent trade requests the broker rejected, in percent (0 to 100).',
    sync_delay_ms: 'How far our view of the account lagged the terminal, in milliseconds.',
    recorded_at: 'When the sample was taken.',
  };
  for (const [column, comment] of Object.entries(columns)) {
    await sql`comment on column ${sql.raw(`sync.bridge_health_metrics.${column}`)} is ${sql.lit(comment)}`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table sync.bridge_health_metrics`.execute(db);
}
