import type { ColumnType, Selectable } from 'kysely';

/** The Postgres schema the audit service owns. */
export const AUDIT_SCHEMA = 'audit';

/**
 * Key of the transaction advisory lock every append holds: one writer at a time extends the hash chain, whichever
 * replica it runs in. (classid 'audi' as int32, objid 1: the events chain.)
 */
export const CHAIN_LOCK = { classId: 0x61756469, objectId: 1 } as const;

/** audit.events: see migrations/2026-11-23T0900_create_audit_events.ts for the meaning of every column. */
export interface EventsTable {
  seq: ColumnType<string, string, never>;
  event_id: string | null;
  topic: string;
  logical_topic: string;
  partition: number;
  kafka_offset: ColumnType<string, string, never>;
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
  occurred_at: ColumnType<Date | null, string | null, never>;
  kafka_timestamp: ColumnType<Date, string, never>;
  ingested_at: ColumnType<Date, string, never>;
  payload: unknown;
  headers: unknown;
  raw_value: Buffer | null;
  decode_error: string | null;
  prev_hash: Buffer;
  row_hash: Buffer;
}

export type EventRow = Selectable<EventsTable>;

export interface AuditDb {
  events: EventsTable;
}
