import { sql, type Kysely } from 'kysely';

/*
 * Turns execution.execution_orders into the record of every order intent the execution service handles, and adds
 * the tables beside it: every broker attempt, operator actions, flagged accounts and service-side trailing stops.
 *
 * - intent_id is unique: the row is written (and committed) before any trade request leaves, so a redelivered intent
 *   finds it and never sends twice.
 * - state is the intent's state machine (RECEIVED -> IN_FLIGHT -> FILLED/PLACED/DONE/REJECTED/EXPIRED/ABANDONED, with
 *   RETRY_SCHEDULED and UNKNOWN on the way); version guards every transition (optimistic lock).
 * - order_type widens to the pending order kinds and the position-management actions.
 *
 * Frozen: never edit this file once released; change the tables with a new, later migration.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table execution.execution_orders drop constraint execution_orders_order_type_check`.execute(db);
  await sql`alter table execution.execution_orders alter column order_type type varchar(20)`.execute(db);
  await sql`alter table execution.execution_orders alter column symbol type varchar(40)`.execute(db);
  await sql`alter table execution.execution_orders add constraint execution_orders_order_type_check check (order_type in (
      'buy', 'sell', 'buy_limit', 'sell_limit', 'buy_stop', 'sell_stop', 'buy_stop_limit', 'sell_stop_limit',
      'modify', 'close', 'cancel', 'close_by'))`.execute(db);

  await sql`alter table execution.execution_orders
      add column intent_id                 uuid,
      add column client_id                 varchar(32),
      add column kind                      varchar(12) not null default 'open'
        constraint execution_orders_kind_check check (kind in ('open', 'modify', 'close', 'cancel', 'close_by')),
      add column leg                       integer not null default 0,
      add column state                     varchar(16) not null default 'RECEIVED'
        constraint execution_orders_state_check check (state in (
          'RECEIVED', 'IN_FLIGHT', 'RETRY_SCHEDULED', 'UNKNOWN',
          'FILLED', 'PLACED', 'DONE', 'REJECTED', 'EXPIRED', 'ABANDONED')),
      add column version                   integer not null default 0,
      add column lease_owner               varchar(64),
      add column broker_order_id           varchar(32),
      add column broker_position_id        varchar(32),
      add column filled_volume             numeric(14, 4),
      add column slippage_points           numeric(12, 2),
      add column slippage_amount           numeric(14, 2),
      add column account_currency          varchar(8),
      add column attempts                  integer not null default 0,
      add column platform_code             integer,
      add column platform_code_id          varchar(64),
      add column platform_code_table       varchar(8),
      add column handling_class            varchar(24),
      add column reason_code               varchar(40),
      add column deadline_at               timestamptz,
      add column next_attempt_at           timestamptz,
      add column signal_accepted_at        timestamptz,
      add column risk_decided_at           timestamptz,
      add column execution_received_at     timestamptz,
      add column broker_sent_at            timestamptz,
      add column broker_acknowledged_at    timestamptz,
      add column intent                    jsonb,
      add column progress                  jsonb,
      add column results                   jsonb,
      add column results_published_at      timestamptz,
      add column updated_at                timestamptz not null default now()`.execute(db);
  await sql`create unique index execution_orders_intent_id_unique on execution.execution_orders (intent_id)`.execute(db);
  await sql`create index idx_execution_orders_due on execution.execution_orders (next_attempt_at)
      where state in ('RETRY_SCHEDULED', 'UNKNOWN')`.execute(db);
  await sql`create index idx_execution_orders_state_time on execution.execution_orders (state, updated_at)`.execute(db);
  await sql`create index idx_execution_orders_unpublished on execution.execution_orders (updated_at)
      where results_published_at is null and results is not null`.execute(db);

  const columns: Record<string, string> = {
    intent_id: 'The order-intent id from risk.approved (deterministic from signal, account and leg); unique, so an intent is never executed twice.',
    client_id: 'Tag the broker request carries (derived from intent_id); used to find the outcome on the terminal after a lost answer.',
    kind: 'What the intent asks: open, modify, close, cancel or close_by.',
    leg: 'Leg number of the signal on this account (one per take-profit when split).',
    state: 'RECEIVED (recorded, nothing sent), IN_FLIGHT (a request may be at the broker), RETRY_SCHEDULED, UNKNOWN (outcome to reconcile), FILLED, PLACED (pending order), DONE (position change), REJECTED, EXPIRED, ABANDONED.',
    version: 'Optimistic lock: incremented by every state transition.',
    lease_owner: 'Service instance that moved the intent to IN_FLIGHT; another instance reconciles instead of sending.',
    broker_order_id: 'Broker order ticket as text (mt_order_id holds it as a number when it is one).',
    broker_position_id: 'Broker position id the order opened (market orders).',
    filled_volume: 'Volume the broker filled, in lots.',
    slippage_points: 'Fill price minus requested price in points, positive when worse for us.',
    slippage_amount: 'Slippage in account currency for the filled volume.',
    account_currency: 'Currency of the account.',
    attempts: 'Trade requests sent to the broker for this intent (see execution_attempts).',
    platform_code: 'Last platform code: MT5 retcode, MT4 error, or a MetaApi/bridge negative code.',
    platform_code_id: 'Identifier of platform_code, e.g. TRADE_RETCODE_DONE.',
    platform_code_table: 'Code space of platform_code: mt5, mt4 or metaapi.',
    handling_class: 'How the bridge classified the last answer (success, retry_fresh_price, retry_backoff, modify_and_retry, retry_later, outcome_unknown, fatal, rejected_final).',
    reason_code: 'Final rejection reason (EXEC_*), when rejected or expired.',
    deadline_at: 'Nothing is sent to the broker after this time.',
    next_attempt_at: 'When a scheduled retry or reconciliation is due.',
    signal_accepted_at: 'When the signal service accepted the signal (zero of every latency).',
    risk_decided_at: 'When risk approved the intent.',
    execution_received_at: 'When execution received the intent.',
    broker_sent_at: 'When the last trade request was sent.',
    broker_acknowledged_at: 'When the broker answered the successful request.',
    intent: 'The OrderIntentApproved event as received (JSON).',
    progress: 'Per-target progress of position-management intents (JSON).',
    results: 'The result events published for the intent (JSON), republished as they are on redelivery.',
    results_published_at: 'When the result events were acknowledged by Kafka; empty while they still have to be published.',
    updated_at: 'Last state change.',
  };
  for (const [column, comment] of Object.entries(columns)) {
    await sql`comment on column ${sql.raw(`execution.execution_orders.${column}`)} is ${sql.lit(comment)}`.execute(db);
  }

  await sql`
    create table execution.execution_attempts (
      attempt_id          bigserial primary key,
      intent_id           uuid not null,
      attempt             integer not null,
      account_id          uuid not null,
      action              varchar(32) not null,
      outcome             varchar(16) not null,
      platform_code       integer,
      platform_code_id    varchar(64),
      platform_code_table varchar(8),
      handling_class      varchar(24),
      message             text,
      volume              numeric(14, 4),
      price               numeric(18, 8),
      stop_loss           numeric(18, 8),
      take_profit         numeric(18, 8),
      broker_order_id     varchar(32),
      broker_position_id  varchar(32),
      started_at          timestamptz not null,
      finished_at         timestamptz not null,
      round_trip_us       bigint not null,
      next_attempt_at     timestamptz,
      note                text not null default '',
      constraint execution_attempts_intent_attempt_unique unique (intent_id, attempt)
    )`.execute(db);
  await sql`create index idx_execution_attempts_account_time on execution.execution_attempts (account_id, started_at)`.execute(db);
  await sql`comment on table execution.execution_attempts is
    'Every request execution sent to a broker (or reconciliation query it made) for an intent, with the answer and its timing.'`.execute(db);
  await sql`comment on column execution.execution_attempts.round_trip_us is 'Broker round trip of the request in microseconds.'`.execute(db);
  await sql`comment on column execution.execution_attempts.note is 'Why this attempt was made (first, fresh price, reduced volume, adjusted stops, scheduled, operator retry by ...).'`.execute(db);

  await sql`
    create table execution.execution_operator_actions (
      action_id    bigserial primary key,
      intent_id    uuid not null,
      action       varchar(16) not null constraint execution_operator_actions_action_check check (action in ('retry', 'abandon', 'unflag')),
      operator_id  varchar(128) not null,
      reason       text not null default '',
      state_before varchar(16),
      created_at   timestamptz not null default now()
    )`.execute(db);
  await sql`create index idx_execution_operator_actions_intent on execution.execution_operator_actions (intent_id)`.execute(db);
  await sql`comment on table execution.execution_operator_actions is
    'Audit of operator actions on intents (retry, abandon) and accounts (unflag; intent_id is then the nil uuid), with who did it.'`.execute(db);

  await sql`
    create table execution.execution_account_flags (
      account_id       uuid primary key,
      flagged_at       timestamptz not null,
      platform_code    integer,
      platform_code_id varchar(64),
      reason           text not null,
      intent_id        uuid
    )`.execute(db);
  await sql`comment on table execution.execution_account_flags is
    'Accounts the broker refused fatally (credentials, investor password, trading disabled): their intents fail fast until an operator or a new configuration clears the flag.'`.execute(db);

  await sql`
    create table execution.execution_trailing_stops (
      account_id   uuid not null,
      position_id  varchar(32) not null,
      intent_id    uuid not null,
      symbol       varchar(40) not null,
      side         varchar(4) not null constraint execution_trailing_stops_side_check check (side in ('buy', 'sell')),
      distance     numeric(18, 8) not null,
      stop_loss    numeric(18, 8),
      updated_at   timestamptz not null default now(),
      primary key (account_id, position_id)
    )`.execute(db);
  await sql`comment on table execution.execution_trailing_stops is
    'Trailing stops maintained by the service: the stop-loss follows the price at distance (price units) and never moves back.'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table execution.execution_trailing_stops`.execute(db);
  await sql`drop table execution.execution_account_flags`.execute(db);
  await sql`drop table execution.execution_operator_actions`.execute(db);
  await sql`drop table execution.execution_attempts`.execute(db);
  await sql`drop index execution.execution_orders_intent_id_unique`.execute(db);
  await sql`drop index execution.idx_execution_orders_due`.execute(db);
  await sql`drop index execution.idx_execution_orders_state_time`.execute(db);
  await sql`drop index execution.idx_execution_orders_unpublished`.execute(db);
  for (const column of [
    'intent_id', 'client_id', 'kind', 'leg', 'state', 'version', 'lease_owner', 'broker_order_id', 'broker_position_id',
    'filled_volume', 'slippage_points', 'slippage_amount', 'account_currency', 'attempts', 'platform_code',
    'platform_code_id', 'platform_code_table', 'handling_class', 'reason_code', 'deadline_at', 'next_attempt_at',
    'signal_accepted_at', 'risk_decided_at', 'execution_received_at', 'broker_sent_at', 'broker_acknowledged_at',
    'intent', 'progress', 'results', 'results_published_at', 'updated_at',
  ]) {
    await sql`alter table execution.execution_orders drop column ${sql.raw(column)}`.execute(db);
  }
  await sql`alter table execution.execution_orders drop constraint execution_orders_order_type_check`.execute(db);
  await sql`alter table execution.execution_orders add constraint execution_orders_order_type_check check (order_type in ('buy', 'sell'))`.execute(db);
}
