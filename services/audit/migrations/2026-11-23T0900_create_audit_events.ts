import { sql, type Kysely } from 'kysely';

/*
 * audit schema: every message of every Tradebridge topic (dead-letter topics included), stored once, append-only,
 * each row hash-chained to the one before it.
 *
 * Exactly once: a partial unique index on event_id (dead letters excluded: a dead letter is a copy of an event that
 * one consumer group gave up on, a fact of its own) and a unique constraint on (topic, partition, kafka_offset). The
 * writer inserts with ON CONFLICT DO NOTHING.
 *
 * One chain for the whole table: seq is gap-free and assigned by the writer while it holds the transaction advisory
 * lock (AUDIT_CHAIN_LOCK below), so every row's prev_hash is the row_hash of seq - 1. Replicas of the audit service
 * serialise their appends on that lock.
 *
 * Append-only: triggers refuse UPDATE, DELETE and TRUNCATE for everyone (a superuser must disable the trigger on
 * purpose to change a row, and the chain verifier will then name the row); grants give the application role INSERT
 * and SELECT only. Rebuilding the store is a DROP SCHEMA, a deliberate operator action (see the rebuild command).
 *
 * Frozen: never edit this file once released; change the tables with a new, later migration.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table audit.events (
      seq              bigint primary key constraint events_seq_positive check (seq > 0),
      event_id         text,
      topic            text not null,
      logical_topic    text not null,
      partition        integer not null,
      kafka_offset     bigint not null,
      message_key      text,
      event_type       text not null,
      dead_letter      boolean not null,
      correlation_id   text,
      causation_id     text,
      account_id       text,
      intent_ids       text[] not null default '{}',
      producer         text,
      schema_id        integer,
      schema_version   integer,
      occurred_at      timestamptz,
      kafka_timestamp  timestamptz not null,
      ingested_at      timestamptz not null,
      payload          jsonb,
      headers          jsonb not null,
      raw_value        bytea,
      decode_error     text,
      prev_hash        bytea not null,
      row_hash         bytea not null,
      constraint events_topic_partition_offset_unique unique (topic, partition, kafka_offset),
      constraint events_hash_length check (octet_length(row_hash) = 32 and octet_length(prev_hash) = 32)
    )`.execute(db);
  await sql`create unique index events_event_id_unique on audit.events (event_id) where not dead_letter and event_id is not null`.execute(db);
  await sql`create index events_correlation on audit.events (correlation_id, occurred_at)`.execute(db);
  await sql`create index events_account_time on audit.events (account_id, occurred_at) where account_id is not null`.execute(db);
  await sql`create index events_topic_time on audit.events (logical_topic, occurred_at)`.execute(db);
  await sql`create index events_intent_ids on audit.events using gin (intent_ids)`.execute(db);

  await sql`
    create function audit.refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'audit.events is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
    end
    $$`.execute(db);
  await sql`create trigger events_no_update before update on audit.events for each row execute function audit.refuse_change()`.execute(db);
  await sql`create trigger events_no_delete before delete on audit.events for each row execute function audit.refuse_change()`.execute(db);
  await sql`create trigger events_no_truncate before truncate on audit.events for each statement execute function audit.refuse_change()`.execute(db);

  // Roles are cluster-wide: create them if missing, tolerating a concurrent migration of another database.
  await sql`
    do $$
    begin
      if not exists (select 1 from pg_roles where rolname = 'tradebridge_audit') then
        begin create role tradebridge_audit nologin; exception when duplicate_object or unique_violation then null; end;
      end if;
      if not exists (select 1 from pg_roles where rolname = 'tradebridge_analyst') then
        begin create role tradebridge_analyst nologin; exception when duplicate_object or unique_violation then null; end;
      end if;
    end
    $$`.execute(db);
  await sql`revoke all on audit.events from public`.execute(db);
  await sql`revoke update, delete, truncate on audit.events from tradebridge_audit, tradebridge_analyst`.execute(db);
  await sql`grant usage on schema audit to tradebridge_audit`.execute(db);
  await sql`grant select, insert on audit.events to tradebridge_audit`.execute(db);

  await sql`comment on table audit.events is 'Every message of every Tradebridge topic (dead-letter topics included), stored once, append-only, hash-chained in seq order'`.execute(db);
  const comments: Record<string, string> = {
    seq: 'Position in the hash chain: gap-free, 1 for the first row, assigned by the single writer holding the chain lock',
    event_id: 'Envelope event_id (meta.event_id); null for tombstones and undecodable messages. Unique among non-dead-letter rows',
    topic: 'Physical Kafka topic the message was read from (with any deployment prefix)',
    logical_topic: 'Topic name in the contracts registry without prefix, e.g. risk.approved or risk.approved.dlq',
    partition: 'Kafka partition of the message',
    kafka_offset: 'Kafka offset of the message in its partition; (topic, partition, kafka_offset) is unique',
    message_key: 'Kafka message key as UTF-8 text (account id, signal source id, ...)',
    event_type: 'Fully-qualified protobuf type of the value, "tombstone" for a null value, "undecodable" when it could not be read',
    dead_letter: 'True for messages of a <topic>.dlq dead-letter topic',
    correlation_id: 'Signal id that started the chain (envelope correlation_id); empty for events no signal caused',
    causation_id: 'event_id of the event that directly caused this one',
    account_id: 'Trading account the event is about (payload account_id, or the key of account-keyed topics)',
    intent_ids: 'Order intent ids the event mentions (intent_id, and for account.synced the intents of changes, positions and orders)',
    producer: 'Service that produced the event (envelope producer)',
    schema_id: 'Schema registry id of the writer schema',
    schema_version: 'Payload shape version written by the producer (envelope schema_version)',
    occurred_at: 'When the fact happened (envelope occurred_at_us, microsecond precision, UTC)',
    kafka_timestamp: 'Kafka message timestamp (broker or producer time, millisecond precision)',
    ingested_at: 'When the audit service stored the row',
    payload: 'The decoded event as JSON (protobuf JSON names in camelCase, enums by name); null for tombstones and undecodable messages',
    headers: 'Kafka headers as a JSON object of UTF-8 strings (dead letters carry dlq-original-topic, dlq-error, ...)',
    raw_value: 'The original message bytes, kept for dead letters and undecodable messages only',
    decode_error: 'Why the value could not be decoded, when it could not',
    prev_hash: 'row_hash of the row with seq - 1 (32 zero bytes for seq 1)',
    row_hash: 'sha256(prev_hash || canonical JSON of the row content); see the verify-chain command',
  };
  for (const [column, text] of Object.entries(comments)) {
    await sql`comment on column ${sql.ref(`audit.events.${column}`)} is ${sql.lit(text)}`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table audit.events`.execute(db);
  await sql`drop function audit.refuse_change()`.execute(db);
}
