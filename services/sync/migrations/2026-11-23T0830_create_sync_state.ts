import { sql, type Kysely } from 'kysely';

/*
 * The sync service's working tables beside bridge_health_metrics:
 * - account_sync_state: per account, where syncing stands (sequence of account.synced, last snapshot, history
 *   cursor), so a replica that takes an account over in a rebalance continues without a false diff or a sequence
 *   restart.
 * - expected_positions: what execution reported open (execution.order.placed / execution.position.changed), the
 *   other side of reconciliation.
 * - execution_outcomes: one row per execution result event, for rejection rate and broker latency per account.
 * - discrepancies: every reconciliation difference found, one row per account, kind and object, resolved or not.
 *
 * Frozen: never edit this file once released; change the tables with a new, later migration.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table sync.account_sync_state (
      account_id        text primary key,
      sequence          bigint not null,
      last_snapshot     jsonb,
      deal_cursor       jsonb,
      last_synced_at    timestamptz,
      last_published_at timestamptz,
      owner_instance    text,
      updated_at        timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table sync.expected_positions (
      account_id         text not null,
      position_id        text not null,
      opening_intent_id  text not null,
      signal_id          text not null,
      client_id          text not null,
      symbol             text not null,
      side               text not null,
      volume             numeric(18, 8) not null,
      stop_loss          numeric(20, 10),
      take_profit        numeric(20, 10),
      status             text not null check (status in ('open', 'closed')),
      reported_at        timestamptz not null,
      last_event_id      text not null,
      primary key (account_id, position_id)
    )`.execute(db);
  await sql`create index idx_expected_positions_open on sync.expected_positions (account_id) where status = 'open'`.execute(db);

  await sql`
    create table sync.execution_outcomes (
      event_id     text primary key,
      account_id   text not null,
      occurred_at  timestamptz not null,
      outcome      text not null check (outcome in ('placed', 'rejected')),
      latency_ms   integer
    )`.execute(db);
  await sql`create index idx_execution_outcomes_account_time on sync.execution_outcomes (account_id, occurred_at)`.execute(db);

  await sql`
    create table sync.discrepancies (
      discrepancy_id     uuid primary key,
      account_id         text not null,
      kind               text not null,
      position_id        text not null,
      intent_id          text not null,
      signal_id          text not null,
      symbol             text not null,
      expected_value     numeric(20, 10),
      actual_value       numeric(20, 10),
      detail             text not null,
      first_detected_at  timestamptz not null,
      last_detected_at   timestamptz not null,
      resolved_at        timestamptz
    )`.execute(db);
  await sql`create index idx_discrepancies_account_time on sync.discrepancies (account_id, first_detected_at)`.execute(db);

  const comments: Record<string, string> = {
    'sync.account_sync_state': 'Where syncing of each account stands; lets another replica continue an account after a rebalance.',
    'sync.account_sync_state.sequence': 'sequence of the last account.synced published for the account.',
    'sync.account_sync_state.last_snapshot': 'The last accepted terminal snapshot (account figures, positions, orders), the base of the next diff.',
    'sync.account_sync_state.deal_cursor': 'History read position: newest deal time seen (epoch ms) and the deal ids inside the overlap window.',
    'sync.account_sync_state.owner_instance': 'The sync replica that wrote this row last.',
    'sync.expected_positions': 'Positions the execution service reported open or closed, compared with the terminal by reconciliation.',
    'sync.expected_positions.opening_intent_id': 'The order intent that opened the position.',
    'sync.expected_positions.reported_at': 'occurred_at of the newest execution event applied to the row (older events are ignored).',
    'sync.execution_outcomes': 'One row per execution result event (placed or rejected), for rejection rate and broker latency per account.',
    'sync.execution_outcomes.latency_ms': 'Broker round trip of the order (sent to acknowledged), in milliseconds, when known.',
    'sync.discrepancies': 'Differences reconciliation found between the terminal (the truth) and what execution reported; never corrected silently.',
    'sync.discrepancies.kind': 'DISCREPANCY_KIND_* of account.discrepancy.detected (unknown position, missing position, volume/SL/TP mismatch).',
    'sync.discrepancies.expected_value': 'What execution reported, for numeric differences.',
    'sync.discrepancies.actual_value': 'What the terminal shows, for numeric differences.',
    'sync.discrepancies.resolved_at': 'When the difference stopped holding; null while it lasts.',
  };
  for (const [target, comment] of Object.entries(comments)) {
    const isColumn = target.split('.').length === 3;
    await sql`comment on ${sql.raw(isColumn ? 'column' : 'table')} ${sql.raw(target)} is ${sql.lit(comment)}`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table sync.discrepancies`.execute(db);
  await sql`drop table sync.execution_outcomes`.execute(db);
  await sql`drop table sync.expected_positions`.execute(db);
  await sql`drop table sync.account_sync_state`.execute(db);
}
