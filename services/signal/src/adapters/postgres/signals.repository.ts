import { sql, type Kysely, type Transaction } from 'kysely';
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
  const columns = Object.keys(signal) as Array<keyof NewTradingSignal>;
  const values = columns.map((c) => {
    const v = signal[c];
    if (c === 'take_profits') return sql`${v}::numeric[]`;
    if (c === 'payload') return sql`${v}::jsonb`;
    return sql`${v}`;
  });
  const r = await sql<{ signal_id: string; status: string; created: boolean }>`
    with ins as (
      insert into signal.trading_signals (${sql.join(columns.map((c) => sql.ref(c)))})
      values (${sql.join(values)})
      on conflict (source_id, external_id) do nothing
      returning signal_id, status
    ), ob as (
      insert into signal.outbox (event_id, topic, message_key, signal_id, payload)
      select ${outbox.event_id}::uuid, ${outbox.topic}::text, ${outbox.message_key}::text, ins.signal_id, ${outbox.payload}::jsonb from ins
    )
    select signal_id, status, true as created from ins
    union all
    select signal_id, status, false as created from signal.trading_signals
     where source_id = ${signal.source_id}::uuid and external_id = ${signal.external_id}::text and not exists (select 1 from ins)`.execute(db);
  const created = r.rows.find((row) => row.created);
  if (created !== undefined) return { created: true };
  const existing = r.rows[0];
  return { created: false, existing: existing === undefined ? undefined : { signal_id: existing.signal_id, status: existing.status } };
}

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

/**
 * Locks the oldest unpublished outbox rows for this transaction. The caller holds the relay's advisory lock, so one
 * relay at a time publishes and the outbox order (hence each source's order) is kept.
 */
export async function lockPendingEvents(trx: Transaction<SignalDb>, limit: number): Promise<PendingEvent[]> {
  const rows = await trx
    .selectFrom('outbox')
    .select(['outbox_id', 'event_id', 'topic', 'message_key', 'signal_id', 'payload'])
    .where('published_at', 'is', null)
    .orderBy('outbox_id')
    .limit(limit)
    .forUpdate()
    .execute();
  return rows.map((r) => ({ outboxId: r.outbox_id, eventId: r.event_id, topic: r.topic, key: r.message_key, signalId: r.signal_id, payload: r.payload }));
}

/** Marks events as published, and their signals, after the broker acknowledged them. */
export async function markPublished(trx: Transaction<SignalDb>, events: readonly PendingEvent[], publishedAtIso: string): Promise<void> {
  if (events.length === 0) return;
  await trx
    .updateTable('outbox')
    .set({ published_at: publishedAtIso })
    .where('outbox_id', 'in', events.map((e) => e.outboxId))
    .execute();
  await trx
    .updateTable('trading_signals')
    .set({ status: 'published', published_at: publishedAtIso })
    .where('signal_id', 'in', events.map((e) => e.signalId))
    .execute();
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

/** Takes the relay's transaction-scoped advisory lock; false when another relay holds it. */
export async function tryRelayLock(trx: Transaction<SignalDb>): Promise<boolean> {
  const r = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtext('signal.outbox.relay')) as locked`.execute(trx);
  return r.rows[0]?.locked === true;
}
