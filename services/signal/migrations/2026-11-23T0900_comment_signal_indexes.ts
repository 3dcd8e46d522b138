import { sql, type Kysely } from 'kysely';

/*
 * Comments on the indexes and constraints of the signal schema, so analysts reading the catalog know what each is for.
 * Frozen: never edit this file once released.
 */

export async function up(db: Kysely<any>): Promise<void> {
  const comments: Array<[string, string]> = [
    ['index signal.idx_trading_signals_source_time', 'Signals of one source over time (support: "what did source X send yesterday").'],
    ['index signal.idx_trading_signals_symbol_time', 'Signals for one symbol over time.'],
    ['index signal.idx_trading_signals_accepted_at', 'Signals by arrival time (latency reports, time-range scans).'],
    ['index signal.idx_trading_signals_ref', 'Follow-ups (modify/close/cancel) of an open signal.'],
    ['index signal.idx_trading_signals_unpublished', 'Signals accepted but not yet acknowledged by Kafka (should stay near empty).'],
    ['index signal.idx_outbox_pending', 'The outbox relay\'s queue: rows not yet published, in publication order.'],
    ['index signal.idx_outbox_signal', 'Outbox rows of a signal.'],
    ['constraint trading_signals_source_external_unique on signal.trading_signals', 'Idempotency: one signal per (source, external id); duplicates lose the ON CONFLICT race and publish nothing.'],
    ['constraint outbox_event_id_unique on signal.outbox', 'One outbox row per event id (derived from the signal id).'],
    ['constraint signal_sources_api_key_id_unique on signal.signal_sources', 'The public part of an API key identifies exactly one source.'],
  ];
  for (const [target, text] of comments) {
    await sql`comment on ${sql.raw(target)} is ${sql.lit(text)}`.execute(db);
  }
}
