import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import type { ReferencedSignal, SignalReference } from '../../domain';
import type { NewOutboxRow, NewTradingSignal, SignalDb } from './signal.table';

type Db = Kysely<SignalDb> | Transaction<SignalDb>;

/**
 * Stores a signal and its outbox row in one statement (hence one transaction and one round trip), unless the same
 * source already sent the same external id: then nothing is written and the existing signal comes back. A concurrent
 * duplicate blocks on the unique index until the first commits, then writes nothing; if the existing row is not yet
 * visible to this statement's snapshot, `existing` is undefined and the caller reads it again.
 */
export async function insertSignalWithOutbox(
  db: Db,
  signal: NewTradingSignal,
  outbox: Omit<NewOutboxRow, 'signal_id'>,
): Promise<{ created: true } | { created: false; existing: { signal_id: string; status: string } | undefined }> {
  const r = await db.executeQuery<{ signal_id: string; status: string; created: boolean }>(
    CompiledQuery.raw(INSERT_SIGNAL_WITH_OUTBOX, [
      signal.signal_id,
      signal.source_id,
      signal.external_id ?? null,
      signal.channel,
      signal.action,
      signal.symbol ?? null,
      signal.direction ?? null,
      signal.order_type ?? null,
      signal.entry_price ?? null,
      signal.stop_limit_price ?? null,
      signal.reference_price ?? null,
      signal.stop_loss ?? null,
      signal.take_profits,
      signal.close_fraction ?? null,
      signal.ref_signal_id ?? null,
      signal.expires_at ?? null,
      signal.source_timestamp ?? null,
      signal.payload,
      signal.accepted_at,
      outbox.event_id,
      outbox.topic,
      outbox.message_key,
      outbox.payload,
    ]),
  );
  const created = r.rows.find((row) => row.created);
  if (created !== undefined) return { created: true };
  const existing = r.rows[0];
  return { created: false, existing: existing === undefined ? undefined : { signal_id: existing.signal_id, status: existing.status } };
}

// The hot path of every accepted signal: one statement, written once, so no query building per request.
const INSERT_SIGNAL_WITH_OUTBOX = `
  with ins as (
    insert into signal.trading_signals (
      signal_id, source_id, external_id, channel, action, symbol, direction, order_type, entry_price, stop_limit_price,
      reference_price, stop_loss, take_profits, close_fraction, ref_signal_id, expires_at, source_timestamp, payload,
      accepted_at)
    values ($1::uuid, $2::uuid, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::numeric, $10::numeric,
      $11::numeric, $12::numeric, $13::numeric[], $14::numeric, $15::uuid, $16::timestamptz, $17::timestamptz, $18::jsonb,
      $19::timestamptz)
    on conflict (source_id, external_id) do nothing
    returning signal_id, status
  ), ob as (
    insert into signal.outbox (event_id, topic, message_key, signal_id, payload)
    select $20::uuid, $21::text, $22::text, ins.signal_id, $23::jsonb from ins
  )
  select signal_id, status, true as created from ins
  union all
  select signal_id, status, false as created from signal.trading_signals
   where source_id = $2::uuid and external_id = $3::text and not exists (select 1 from ins)`;

/** The signal a source already sent under an external id. */
export function findByExternalId(db: Db, sourceId: string, externalId: string): Promise<{ signal_id: string; status: string } | undefined> {
  return db
    .selectFrom('trading_signals')
    .select(['signal_id', 'status'])
    .where('source_id', '=', sourceId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

/** Loads the signal a modify/close/cancel refers to, only among the same source's signals. */
export async function findReferenced(db: Db, sourceId: string, ref: SignalReference): Promise<ReferencedSignal | undefined> {
  const row = await db
    .selectFrom('trading_signals')
    .select(['signal_id', 'source_id', 'action', 'symbol', 'direction', 'order_type'])
    .where('source_id', '=', sourceId)
    .where(ref.kind === 'signalId' ? 'signal_id' : 'external_id', '=', ref.value)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    signalId: row.signal_id,
    sourceId: row.source_id,
    action: row.action,
    symbol: row.symbol,
    direction: row.direction,
    orderType: row.order_type,
  };
}

/** A stored signal as the read API returns it, with times in microseconds since the epoch. */
export interface StoredSignal {
  readonly signalId: string;
  readonly sourceId: string;
  readonly externalId: string | null;
  readonly channel: string;
  readonly status: 'accepted' | 'published';
  readonly payload: unknown;
  readonly refSignalId: string | null;
  readonly acceptedAtUs: number;
  readonly storedAtUs: number;
  readonly publishedAtUs: number | null;
}

const micros = (column: string) => sql<string | null>`(extract(epoch from ${sql.ref(column)}) * 1000000)::bigint`;

export async function getSignal(db: Db, signalId: string): Promise<StoredSignal | undefined> {
  const row = await db
    .selectFrom('trading_signals')
    .select([
      'signal_id',
      'source_id',
      'external_id',
      'channel',
      'status',
      'payload',
      'ref_signal_id',
      micros('accepted_at').as('accepted_us'),
      micros('stored_at').as('stored_us'),
      micros('published_at').as('published_us'),
    ])
    .where('signal_id', '=', signalId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    signalId: row.signal_id,
    sourceId: row.source_id,
    externalId: row.external_id,
    channel: row.channel,
    status: row.status,
    payload: row.payload,
    refSignalId: row.ref_signal_id,
    acceptedAtUs: Number(row.accepted_us),
    storedAtUs: Number(row.stored_us),
    publishedAtUs: row.published_us === null ? null : Number(row.published_us),
  };
}

/** An outbox row waiting to be published. */
export interface PendingEvent {
  readonly outboxId: string;
  readonly eventId: string;
  readonly topic: string;
  readonly key: string;
  readonly signalId: string;
  readonly payload: unknown;
}

/** The oldest unpublished outbox rows, in publication order. Only the leading relay (see below) reads them. */
export async function selectPendingEvents(db: Db, limit: number): Promise<PendingEvent[]> {
  const rows = await db
    .selectFrom('outbox')
    .select(['outbox_id', 'event_id', 'topic', 'message_key', 'signal_id', 'payload'])
    .where('published_at', 'is', null)
    .orderBy('outbox_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ outboxId: r.outbox_id, eventId: r.event_id, topic: r.topic, key: r.message_key, signalId: r.signal_id, payload: r.payload }));
}

/** Marks events as published, and their signals, after the broker acknowledged them (one statement). */
export async function markPublished(db: Db, events: readonly PendingEvent[], publishedAtIso: string): Promise<void> {
  if (events.length === 0) return;
  await db.executeQuery(
    CompiledQuery.raw(
      `with marked as (
         update signal.outbox set published_at = $2::timestamptz where outbox_id = any($1::bigint[]) returning signal_id
       )
       update signal.trading_signals set status = 'published', published_at = $2::timestamptz
        where signal_id in (select signal_id from marked)`,
      [events.map((e) => e.outboxId), publishedAtIso],
    ),
  );
}

/** Records a failed publication attempt (outside the rolled-back relay transaction). */
export async function recordPublishFailure(db: Db, outboxIds: readonly string[], error: string): Promise<void> {
  if (outboxIds.length === 0) return;
  await db
    .updateTable('outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 1000) }))
    .where('outbox_id', 'in', [...outboxIds])
    .execute();
}

const RELAY_LOCK = sql`hashtext('signal.outbox.relay')`;

/**
 * Makes this session the outbox relay leader if no other session is (session-level advisory lock: held until released
 * or until the session ends, e.g. when its process dies). Call once per session: the lock is re-entrant.
 */
export async function tryRelayLeadership(db: Db): Promise<boolean> {
  const r = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${RELAY_LOCK}) as locked`.execute(db);
  return r.rows[0]?.locked === true;
}

export async function releaseRelayLeadership(db: Db): Promise<void> {
  await sql`select pg_advisory_unlock(${RELAY_LOCK})`.execute(db);
}
