import { sql, type Kysely } from 'kysely';
import type { JsonValue } from '../../domain/canonical';
import type { StoredRow } from '../../domain/chain-check';
import type { AuditDb } from './audit.table';

interface RawRow {
  seq: string;
  event_id: string | null;
  topic: string;
  logical_topic: string;
  partition: number;
  kafka_offset: string;
  message_key: string | null;
  event_type: string;
  dead_letter: boolean;
  correlation_id: string | null;
  causation_id: string | null;
  account_id: string | null;
  intent_ids: string[];
  producer: string | null;
  schema_id: number | null;
  schema_version: number | null;
  occurred_at: string | null;
  kafka_timestamp: Date;
  ingested_at: Date;
  payload: JsonValue;
  headers: JsonValue;
  raw_value: Buffer | null;
  decode_error: string | null;
  prev_hash: Buffer;
  row_hash: Buffer;
}

/** Reads up to `limit` stored rows with seq greater than `afterSeq`, in seq order, as the chain hashed them. */
export async function readChainPage(db: Kysely<AuditDb>, afterSeq: bigint, limit: number): Promise<StoredRow[]> {
  const r = await sql<RawRow>`
    select seq, event_id, topic, logical_topic, partition, kafka_offset, message_key, event_type, dead_letter,
           correlation_id, causation_id, account_id, intent_ids, producer, schema_id, schema_version,
           to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at,
           kafka_timestamp, ingested_at, payload, headers, raw_value, decode_error, prev_hash, row_hash
    from audit.events where seq > ${afterSeq.toString()}::bigint order by seq limit ${limit}`.execute(db);
  return r.rows.map((x) => ({
    seq: x.seq,
    eventId: x.event_id,
    topic: x.topic,
    logicalTopic: x.logical_topic,
    partition: x.partition,
    kafkaOffset: x.kafka_offset,
    messageKey: x.message_key,
    eventType: x.event_type,
    deadLetter: x.dead_letter,
    correlationId: x.correlation_id,
    causationId: x.causation_id,
    accountId: x.account_id,
    intentIds: x.intent_ids,
    producer: x.producer,
    schemaId: x.schema_id,
    schemaVersion: x.schema_version,
    occurredAt: x.occurred_at,
    kafkaTimestamp: x.kafka_timestamp.toISOString(),
    ingestedAt: x.ingested_at.toISOString(),
    payload: x.payload,
    headers: x.headers,
    rawValue: x.raw_value === null ? null : x.raw_value.toString('base64'),
    decodeError: x.decode_error,
    prevHash: x.prev_hash,
    rowHash: x.row_hash,
  }));
}
