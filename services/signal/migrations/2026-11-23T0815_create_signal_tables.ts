import { sql, type Kysely } from 'kysely';

/*
 * signal schema: the sources allowed to send signals, every accepted signal, and the transactional outbox that
 * carries each one to Kafka topic signal.generated.
 *
 * Idempotency lives in the unique constraint trading_signals (source_id, external_id): a repeated submission loses
 * the ON CONFLICT race inside the same transaction that would have written its outbox row, so a duplicate can never
 * produce a second event, whether it arrives concurrently or after a restart.
 *
 * Frozen: never edit this file once released; change the tables with a new, later migration.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table signal.signal_sources (
      source_id              uuid primary key,
      name                   text not null constraint signal_sources_name_unique unique,
      api_key_id             text not null constraint signal_sources_api_key_id_unique unique,
      api_key_salt           bytea not null,
      api_key_hash           bytea not null,
      webhook_secret_salt    bytea not null,
      webhook_secret_hash    bytea not null,
      allowed_symbols        text[] not null default '{*}',
      rate_limit_per_minute  integer not null constraint signal_sources_rate_limit_positive check (rate_limit_per_minute > 0),
      enabled                boolean not null default true,
      created_at             timestamptz not null default clock_timestamp(),
      updated_at             timestamptz not null default clock_timestamp()
    )`.execute(db);

  await sql`
    create table signal.trading_signals (
      signal_id          uuid primary key,
      source_id          uuid not null references signal.signal_sources (source_id),
      external_id        text,
      channel            text not null constraint trading_signals_channel_check check (channel in ('api', 'tradingview')),
      action             text not null constraint trading_signals_action_check check (action in ('open', 'modify', 'close', 'cancel')),
      symbol             text,
      direction          text constraint trading_signals_direction_check check (direction in ('buy', 'sell')),
      order_type         text constraint trading_signals_order_type_check check (order_type in ('market', 'limit', 'stop', 'stop_limit')),
      entry_price        numeric,
      stop_limit_price   numeric,
      reference_price    numeric,
      stop_loss          numeric,
      take_profits       numeric[] not null default '{}',
      close_fraction     numeric,
      ref_signal_id      uuid references signal.trading_signals (signal_id),
      expires_at         timestamptz,
      source_timestamp   timestamptz,
      payload            jsonb not null,
      status             text not null default 'accepted' constraint trading_signals_status_check check (status in ('accepted', 'published')),
      accepted_at        timestamptz not null,
      stored_at          timestamptz not null default clock_timestamp(),
      published_at       timestamptz,
      constraint trading_signals_source_external_unique unique (source_id, external_id)
    )`.execute(db);
  await sql`create index idx_trading_signals_source_time on signal.trading_signals (source_id, accepted_at)`.execute(db);
  await sql`create index idx_trading_signals_symbol_time on signal.trading_signals (symbol, accepted_at)`.execute(db);
  await sql`create index idx_trading_signals_accepted_at on signal.trading_signals (accepted_at)`.execute(db);
  await sql`create index idx_trading_signals_ref on signal.trading_signals (ref_signal_id) where ref_signal_id is not null`.execute(db);
  await sql`create index idx_trading_signals_unpublished on signal.trading_signals (accepted_at) where status = 'accepted'`.execute(db);

  await sql`
    create table signal.outbox (
      outbox_id      bigint generated always as identity primary key,
      event_id       uuid not null constraint outbox_event_id_unique unique,
      topic          text not null,
      message_key    text not null,
      signal_id      uuid not null references signal.trading_signals (signal_id),
      payload        jsonb not null,
      created_at     timestamptz not null default clock_timestamp(),
      published_at   timestamptz,
      attempts       integer not null default 0,
      last_error     text
    )`.execute(db);
  await sql`create index idx_outbox_pending on signal.outbox (outbox_id) where published_at is null`.execute(db);
  await sql`create index idx_outbox_signal on signal.outbox (signal_id)`.execute(db);

  const comments: Array<[string, string]> = [
    ['table signal.signal_sources', 'Senders of signals (AI engines, TradingView alerts, providers) and how they authenticate. Secrets are stored only as salted SHA-256 hashes.'],
    ['column signal.signal_sources.source_id', 'Id of the source; the Kafka key of its signal.generated events and part of its webhook URL.'],
    ['column signal.signal_sources.name', 'Human-readable unique name of the source.'],
    ['column signal.signal_sources.api_key_id', 'Public, non-secret part of the API key (tbk_<api_key_id>_<secret>), used to find the source without scanning hashes.'],
    ['column signal.signal_sources.api_key_salt', 'Random per-key salt of api_key_hash.'],
    ['column signal.signal_sources.api_key_hash', 'SHA-256(salt || secret part of the API key). The key has 256 random bits, so a fast salted hash suffices; the key itself is shown once at creation and never stored.'],
    ['column signal.signal_sources.webhook_secret_salt', 'Random per-secret salt of webhook_secret_hash.'],
    ['column signal.signal_sources.webhook_secret_hash', 'SHA-256(salt || TradingView webhook secret); the secret is shown once at creation and never stored.'],
    ['column signal.signal_sources.allowed_symbols', 'Upper-case symbols the source may send signals for; {*} allows every symbol.'],
    ['column signal.signal_sources.rate_limit_per_minute', 'Token-bucket rate limit: sustained requests per minute (and burst size) before answers become 429.'],
    ['column signal.signal_sources.enabled', 'A disabled source is refused with 403 and nothing it sends is stored.'],
    ['column signal.signal_sources.created_at', 'When the source was created.'],
    ['column signal.signal_sources.updated_at', 'When the source was last changed.'],

    ['table signal.trading_signals', 'Every signal accepted by the signal service, exactly once per (source, external id): the validated payload plus its main fields as columns for analysts.'],
    ['column signal.trading_signals.signal_id', 'Our id of the signal (UUID): the correlation id of every event and order it causes.'],
    ['column signal.trading_signals.source_id', 'The source that sent the signal.'],
    ['column signal.trading_signals.external_id', 'The source\'s own id of the signal (idempotency key per source); empty for TradingView alerts that carry none.'],
    ['column signal.trading_signals.channel', 'How the signal arrived: api (POST /v1/signals) or tradingview (webhook).'],
    ['column signal.trading_signals.action', 'open, modify, close or cancel.'],
    ['column signal.trading_signals.symbol', 'Instrument as the source names it, upper case (e.g. EURUSD); empty for modify/close/cancel that did not repeat it.'],
    ['column signal.trading_signals.direction', 'buy or sell, for open signals.'],
    ['column signal.trading_signals.order_type', 'market, limit, stop or stop_limit, for open signals.'],
    ['column signal.trading_signals.entry_price', 'Pending order price (stop price of a stop-limit); for market orders an optional hint.'],
    ['column signal.trading_signals.stop_limit_price', 'Limit price of a stop-limit order, placed once entry_price is reached.'],
    ['column signal.trading_signals.reference_price', 'Market price the source saw when it generated the signal, if it sent one.'],
    ['column signal.trading_signals.stop_loss', 'Stop-loss price (open) or new stop-loss price (modify).'],
    ['column signal.trading_signals.take_profits', 'Take-profit prices (open) or new take-profit prices (modify), in the order sent.'],
    ['column signal.trading_signals.close_fraction', 'For close: share of each position to close, in (0, 1]; 1 closes fully.'],
    ['column signal.trading_signals.ref_signal_id', 'For modify/close/cancel: the open signal whose positions or orders it acts on.'],
    ['column signal.trading_signals.expires_at', 'Nothing may be executed for the signal after this time (from its ttlSeconds or expiresAt).'],
    ['column signal.trading_signals.source_timestamp', 'When the source says it generated the signal, if it did.'],
    ['column signal.trading_signals.payload', 'The full validated signal as JSON (the service\'s signal model).'],
    ['column signal.trading_signals.status', 'accepted: stored, not yet acknowledged by Kafka; published: signal.generated acknowledged by the broker.'],
    ['column signal.trading_signals.accepted_at', 'When the request carrying the signal arrived (microsecond precision, taken once): the zero of every latency the platform reports.'],
    ['column signal.trading_signals.stored_at', 'When the signal row was written (database clock).'],
    ['column signal.trading_signals.published_at', 'When the broker acknowledged the signal.generated event.'],

    ['table signal.outbox', 'Transactional outbox: one row per event to publish, written in the same transaction as the signal; the relay publishes it and marks it only after the broker acknowledged.'],
    ['column signal.outbox.outbox_id', 'Publication order.'],
    ['column signal.outbox.event_id', 'Envelope event id, derived from the signal id, so a republished event carries the same id and consumers deduplicate it.'],
    ['column signal.outbox.topic', 'Kafka topic to publish to.'],
    ['column signal.outbox.message_key', 'Kafka message key (the source id).'],
    ['column signal.outbox.signal_id', 'The signal this event announces.'],
    ['column signal.outbox.payload', 'The event as JSON, encoded with the schema registry when published.'],
    ['column signal.outbox.created_at', 'When the row was written.'],
    ['column signal.outbox.published_at', 'When the broker acknowledged the event; empty while it waits.'],
    ['column signal.outbox.attempts', 'Failed publication attempts so far.'],
    ['column signal.outbox.last_error', 'Error of the last failed attempt.'],
  ];
  for (const [target, text] of comments) {
    await sql`comment on ${sql.raw(target)} is ${sql.lit(text)}`.execute(db);
  }
}
