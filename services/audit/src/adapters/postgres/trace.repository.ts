import { sql, type Kysely } from 'kysely';
import type { AuditDb } from './audit.table';

/** A stored event with what a timeline needs, in timeline order. */
export interface TimelineRow {
  readonly seq: string;
  readonly eventId: string | null;
  readonly logicalTopic: string;
  readonly eventType: string;
  readonly accountId: string | null;
  readonly intentIds: string[];
  readonly occurredAtUs: number;
  /** occurred_at (µs) of the previous step of the same account in the whole timeline, not just this page. */
  readonly previousAtUs: number | null;
  readonly payload: Record<string, unknown> | null;
}

/** Position after which a page starts: (occurred_at in µs, seq) of the last row of the previous page. */
export interface PageCursor {
  readonly atUs: string;
  readonly seq: string;
}

interface Raw {
  seq: string;
  event_id: string | null;
  logical_topic: string;
  event_type: string;
  account_id: string | null;
  intent_ids: string[];
  at_us: string;
  prev_us: string | null;
  payload: Record<string, unknown> | null;
}

const toRow = (r: Raw): TimelineRow => ({
  seq: r.seq,
  eventId: r.event_id,
  logicalTopic: r.logical_topic,
  eventType: r.event_type,
  accountId: r.account_id,
  intentIds: r.intent_ids,
  occurredAtUs: Number(r.at_us),
  previousAtUs: r.prev_us === null ? null : Number(r.prev_us),
  payload: r.payload,
});

/** The accepted_at (µs) of a signal, from its signal.generated event; undefined when audit has not seen it. */
export async function signalAcceptedAtUs(db: Kysely<AuditDb>, signalId: string): Promise<number | undefined> {
  const r = await sql<{ accepted_us: string | null; at_us: string }>`
    select payload->>'acceptedAtUs' as accepted_us, (extract(epoch from occurred_at) * 1000000)::bigint::text as at_us
    from audit.events
    where correlation_id = ${signalId} and logical_topic = 'signal.generated' and not dead_letter
    order by seq limit 1`.execute(db);
  const row = r.rows[0];
  if (!row) return undefined;
  return Number(row.accepted_us ?? row.at_us);
}

/**
 * One page of a signal's timeline: every event correlated to the signal (dead letters included), plus for each order
 * intent approved for it the first account.synced of that account that mentions the intent (the sync confirmation).
 * Ordered by occurrence time then chain position; previousAtUs is computed over the whole timeline, per account.
 */
export async function signalTimelinePage(db: Kysely<AuditDb>, signalId: string, after: PageCursor | null, limit: number): Promise<TimelineRow[]> {
  const r = await sql<Raw>`
    with direct as (
      select seq, event_id, logical_topic, event_type, account_id, intent_ids, occurred_at, payload
      from audit.events where correlation_id = ${signalId} and occurred_at is not null
    ), intents as (
      select distinct i.intent_id, d.account_id
      from direct d cross join lateral unnest(d.intent_ids) as i(intent_id)
      where d.logical_topic in ('risk.approved', 'execution.order.placed') and d.account_id is not null
    ), confirmations as (
      select distinct on (c.seq) c.seq, c.event_id, c.logical_topic, c.event_type, c.account_id, c.intent_ids, c.occurred_at, c.payload
      from intents i
      cross join lateral (
        select e.seq, e.event_id, e.logical_topic, e.event_type, e.account_id, e.intent_ids, e.occurred_at, e.payload
        from audit.events e
        where e.intent_ids @> array[i.intent_id] and e.logical_topic = 'account.synced' and e.account_id = i.account_id
          and e.occurred_at is not null
        order by e.occurred_at, e.seq limit 1
      ) c
    ), timeline as (
      select * from direct
      union all
      select * from confirmations where seq not in (select seq from direct)
    ), ordered as (
      select t.*, (extract(epoch from t.occurred_at) * 1000000)::bigint as at_us,
             lag((extract(epoch from t.occurred_at) * 1000000)::bigint)
               over (partition by t.account_id order by t.occurred_at, t.seq) as prev_us
      from timeline t
    )
    select seq, event_id, logical_topic, event_type, account_id, intent_ids, at_us::text, prev_us::text, payload
    from ordered
    where ${after === null ? sql`true` : sql`(at_us, seq) > (${after.atUs}::bigint, ${after.seq}::bigint)`}
    order by at_us, seq
    limit ${limit}`.execute(db);
  return r.rows.map(toRow);
}

/** One page of an account's events in [fromUs, toUs), in occurrence order. */
export async function accountTimelinePage(
  db: Kysely<AuditDb>,
  accountId: string,
  fromIso: string,
  toIso: string,
  after: PageCursor | null,
  limit: number,
): Promise<TimelineRow[]> {
  const r = await sql<Raw>`
    select seq, event_id, logical_topic, event_type, account_id, intent_ids,
           (extract(epoch from occurred_at) * 1000000)::bigint::text as at_us, null as prev_us, payload
    from audit.events
    where account_id = ${accountId} and occurred_at >= ${fromIso}::timestamptz and occurred_at < ${toIso}::timestamptz
      and ${after === null ? sql`true` : sql`(occurred_at, seq) > (timestamptz 'epoch' + ${after.atUs}::bigint * interval '1 microsecond', ${after.seq}::bigint)`}
    order by occurred_at, seq
    limit ${limit}`.execute(db);
  return r.rows.map(toRow);
}
