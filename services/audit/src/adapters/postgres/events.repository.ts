import { sql, type Kysely, type Transaction } from 'kysely';
import { GENESIS_HASH } from '../../domain/canonical';
import { chainRecords, dedupeBatch, type AuditRecord } from '../../domain/audit-record';
import { CHAIN_LOCK, type AuditDb } from './audit.table';

/** What one append did. */
export interface AppendResult {
  /** Rows added to the chain. */
  readonly inserted: number;
  /** Messages already stored (same event id, or same topic/partition/offset), or repeated inside the batch. */
  readonly duplicates: number;
  /** seq of the last row of the chain after the append. */
  readonly lastSeq: string;
}

/** Thrown when rows meant for the chain hit a unique constraint after the duplicate check (never expected). */
export class ChainConflictError extends Error {
  override readonly name = 'ChainConflictError';
}

/** Takes the chain lock for the rest of the transaction. */
export async function lockChain(trx: Transaction<AuditDb>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${CHAIN_LOCK.classId}::int, ${CHAIN_LOCK.objectId}::int)`.execute(trx);
}

/** The last row of the chain: its seq and hash (0 and the genesis hash when the table is empty). */
export async function chainTail(db: Kysely<AuditDb> | Transaction<AuditDb>): Promise<{ seq: bigint; hash: Buffer }> {
  const r = await sql<{ seq: string; row_hash: Buffer }>`select seq, row_hash from audit.events order by seq desc limit 1`.execute(db);
  const row = r.rows[0];
  return row ? { seq: BigInt(row.seq), hash: row.row_hash } : { seq: 0n, hash: GENESIS_HASH };
}

/** Indexes (0-based) of the records already stored, by (topic, partition, offset) or by event id outside dead letters. */
async function storedIndexes(trx: Transaction<AuditDb>, records: readonly AuditRecord[]): Promise<Set<number>> {
  const r = await sql<{ idx: string }>`
    select i.idx
    from unnest(${records.map((x) => x.eventId)}::text[], ${records.map((x) => x.topic)}::text[],
                ${records.map((x) => x.partition)}::int[], ${records.map((x) => x.kafkaOffset)}::bigint[],
                ${records.map((x) => x.deadLetter)}::boolean[])
         with ordinality as i(event_id, topic, partition, kafka_offset, dead_letter, idx)
    where exists (select 1 from audit.events e where e.topic = i.topic and e.partition = i.partition and e.kafka_offset = i.kafka_offset)
       or (not i.dead_letter and i.event_id is not null
           and exists (select 1 from audit.events e where e.event_id = i.event_id and not e.dead_letter))`.execute(trx);
  return new Set(r.rows.map((row) => Number(row.idx) - 1));
}

/**
 * Appends a batch to audit.events in one transaction: takes the chain lock, leaves out what is already stored,
 * chains the rest after the current tail and writes them with one multi-row INSERT (arrays unnested server-side, so
 * the statement has a fixed number of parameters whatever the batch size). ON CONFLICT DO NOTHING backs the
 * duplicate check; a conflict there would leave a hole in the chain, so it aborts the transaction instead.
 */
export async function appendRecords(db: Kysely<AuditDb>, batch: readonly AuditRecord[]): Promise<AppendResult> {
  const unique = dedupeBatch(batch);
  return db.transaction().execute(async (trx) => {
    await lockChain(trx);
    const stored = unique.length > 0 ? await storedIndexes(trx, unique) : new Set<number>();
    const fresh = unique.filter((_, i) => !stored.has(i));
    const tail = await chainTail(trx);
    if (fresh.length === 0) return { inserted: 0, duplicates: batch.length, lastSeq: tail.seq.toString() };
    const rows = chainRecords(tail.seq, tail.hash, fresh);
    const json = (v: unknown) => (v === null ? null : JSON.stringify(v));
    const result = await sql<{ seq: string }>`
      insert into audit.events (
        seq, event_id, topic, logical_topic, partition, kafka_offset, message_key, event_type, dead_letter,
        correlation_id, causation_id, account_id, intent_ids, producer, schema_id, schema_version, occurred_at,
        kafka_timestamp, ingested_at, payload, headers, raw_value, decode_error, prev_hash, row_hash)
      select u.seq, u.event_id, u.topic, u.logical_topic, u.partition, u.kafka_offset, u.message_key, u.event_type,
             u.dead_letter, u.correlation_id, u.causation_id, u.account_id,
             array(select jsonb_array_elements_text(u.intent_ids::jsonb)), u.producer, u.schema_id, u.schema_version,
             u.occurred_at::timestamptz, u.kafka_timestamp::timestamptz, u.ingested_at::timestamptz, u.payload::jsonb,
             u.headers::jsonb, decode(u.raw_value, 'base64'), u.decode_error, u.prev_hash, u.row_hash
      from unnest(
        ${rows.map((r) => r.seq)}::bigint[], ${rows.map((r) => r.eventId)}::text[], ${rows.map((r) => r.topic)}::text[],
        ${rows.map((r) => r.logicalTopic)}::text[], ${rows.map((r) => r.partition)}::int[],
        ${rows.map((r) => r.kafkaOffset)}::bigint[], ${rows.map((r) => r.messageKey)}::text[],
        ${rows.map((r) => r.eventType)}::text[], ${rows.map((r) => r.deadLetter)}::boolean[],
        ${rows.map((r) => r.correlationId)}::text[], ${rows.map((r) => r.causationId)}::text[],
        ${rows.map((r) => r.accountId)}::text[], ${rows.map((r) => JSON.stringify(r.intentIds))}::text[],
        ${rows.map((r) => r.producer)}::text[], ${rows.map((r) => r.schemaId)}::int[],
        ${rows.map((r) => r.schemaVersion)}::int[], ${rows.map((r) => r.occurredAt)}::text[],
        ${rows.map((r) => r.kafkaTimestamp)}::text[], ${rows.map((r) => r.ingestedAt)}::text[],
        ${rows.map((r) => json(r.payload))}::text[], ${rows.map((r) => JSON.stringify(r.headers))}::text[],
        ${rows.map((r) => r.rawValue)}::text[], ${rows.map((r) => r.decodeError)}::text[],
        ${rows.map((r) => r.prevHash)}::bytea[], ${rows.map((r) => r.rowHash)}::bytea[]
      ) as u(seq, event_id, topic, logical_topic, partition, kafka_offset, message_key, event_type, dead_letter,
             correlation_id, causation_id, account_id, intent_ids, producer, schema_id, schema_version, occurred_at,
             kafka_timestamp, ingested_at, payload, headers, raw_value, decode_error, prev_hash, row_hash)
      order by u.seq
      on conflict do nothing
      returning seq`.execute(trx);
    if (result.rows.length !== rows.length) {
      throw new ChainConflictError(`append: ${rows.length - result.rows.length} of ${rows.length} rows hit a unique constraint after the duplicate check`);
    }
    return { inserted: rows.length, duplicates: batch.length - rows.length, lastSeq: rows[rows.length - 1]!.seq };
  });
}

/** Rows in audit.events. */
export async function countEvents(db: Kysely<AuditDb>): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from audit.events`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
