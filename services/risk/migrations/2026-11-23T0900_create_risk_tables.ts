import { sql, type Kysely } from 'kysely';

/*
 * risk schema: trading accounts and their subscriptions (owned here and published on account.config), trading states
 * (kill switch), the latest synced view of every account, symbol specifications and conversion rates, the decision
 * ledger, order intents (dedupe by deterministic id and routing of modify/close/cancel), and in-flight reservations.
 *
 * Credentials are never stored: an account holds only the name of a secret (credentials_secret_ref).
 *
 * Frozen: never edit this file once released; change the tables with a new, later migration.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table risk.accounts (
      account_id              uuid primary key,
      tenant_id               text not null,
      owner_user_id           text not null,
      display_name            text not null default '',
      platform                text not null constraint accounts_platform_check check (platform in ('MT4', 'MT5')),
      currency                text not null constraint accounts_currency_check check (currency ~ '^[A-Z]{3}$'),
      broker_login            text not null default '',
      broker_server           text not null default '',
      bridge_kind             text not null constraint accounts_bridge_kind_check check (bridge_kind in ('METAAPI', 'SIMULATOR')),
      metaapi_account_id      text not null default '',
      region                  text not null default '',
      base_url                text not null default '',
      failover_base_url       text not null default '',
      credentials_secret_ref  text not null default '',
      enabled                 boolean not null default true,
      auto_trading            boolean not null default false,
      sizing                  jsonb not null,
      limits                  jsonb not null default '{}',
      symbol_mapping          jsonb not null default '{}',
      filters                 jsonb not null default '{}',
      magic_number            integer not null default 0,
      config_version          bigint not null default 1,
      created_at              timestamptz not null default clock_timestamp(),
      updated_at              timestamptz not null default clock_timestamp()
    )`.execute(db);
  await sql`create index idx_accounts_tenant on risk.accounts (tenant_id)`.execute(db);
  await sql`create index idx_accounts_owner on risk.accounts (owner_user_id)`.execute(db);

  await sql`
    create table risk.subscriptions (
      subscription_id  uuid primary key,
      account_id       uuid not null references risk.accounts (account_id),
      source_id        text not null,
      enabled          boolean not null default true,
      sizing           jsonb,
      reverse          boolean not null default false,
      filters          jsonb,
      created_at       timestamptz not null default clock_timestamp(),
      updated_at       timestamptz not null default clock_timestamp(),
      constraint subscriptions_account_source_unique unique (account_id, source_id)
    )`.execute(db);
  await sql`create index idx_subscriptions_source on risk.subscriptions (source_id) where enabled`.execute(db);

  await sql`
    create table risk.trading_states (
      scope       text not null constraint trading_states_scope_check check (scope in ('FLEET', 'ACCOUNT', 'SOURCE')),
      scope_id    text not null,
      state       text not null constraint trading_states_state_check check (state in ('ACTIVE', 'REDUCING', 'HALTED')),
      reason      text not null,
      set_by      text not null constraint trading_states_set_by_check check (set_by in ('OPERATOR', 'AUTO')),
      set_at      timestamptz not null,
      expires_at  timestamptz,
      primary key (scope, scope_id)
    )`.execute(db);

  await sql`
    create table risk.trading_state_changes (
      change_id   bigint generated always as identity primary key,
      scope       text not null,
      scope_id    text not null,
      from_state  text not null,
      to_state    text not null,
      reason      text not null,
      set_by      text not null,
      changed_at  timestamptz not null,
      expires_at  timestamptz
    )`.execute(db);
  await sql`create index idx_trading_state_changes_scope on risk.trading_state_changes (scope, scope_id, changed_at)`.execute(db);

  await sql`
    create table risk.account_snapshots (
      account_id         uuid primary key,
      synced_at          timestamptz not null,
      connected          boolean not null default true,
      balance            numeric not null,
      equity             numeric not null,
      margin             numeric not null,
      free_margin        numeric not null,
      leverage           numeric not null,
      positions          jsonb not null default '[]',
      orders             jsonb not null default '[]',
      initial_balance    numeric not null,
      peak_balance       numeric not null,
      peak_equity        numeric not null,
      trading_day        text not null,
      day_start_balance  numeric not null,
      day_start_equity   numeric not null,
      updated_at         timestamptz not null default clock_timestamp()
    )`.execute(db);

  await sql`
    create table risk.symbol_specs (
      account_id     text not null,
      broker_symbol  text not null,
      spec           jsonb not null,
      updated_at     timestamptz not null default clock_timestamp(),
      primary key (account_id, broker_symbol)
    )`.execute(db);

  await sql`
    create table risk.fx_rates (
      pair        text primary key constraint fx_rates_pair_check check (pair ~ '^[A-Z]{6}$'),
      rate        numeric not null constraint fx_rates_rate_positive check (rate > 0),
      updated_at  timestamptz not null
    )`.execute(db);

  await sql`
    create table risk.decisions (
      decision_id         bigint generated always as identity primary key,
      intent_id           uuid not null constraint decisions_intent_unique unique,
      signal_id           text not null,
      account_id          uuid not null,
      subscription_id     uuid,
      source_id           text not null,
      tenant_id           text not null,
      action              text not null constraint decisions_action_check check (action in ('OPEN', 'MODIFY', 'CLOSE', 'CANCEL')),
      outcome             text not null constraint decisions_outcome_check check (outcome in ('APPROVED', 'REJECTED')),
      reason              text,
      detail              text,
      failures            jsonb not null default '[]',
      signal_symbol       text not null,
      broker_symbol       text,
      volume              numeric,
      sizing              jsonb,
      margin              jsonb,
      account_view        jsonb not null,
      intent              jsonb,
      signal_accepted_at  timestamptz not null,
      decided_at          timestamptz not null,
      published_at        timestamptz
    )`.execute(db);
  await sql`create index idx_decisions_signal on risk.decisions (signal_id)`.execute(db);
  await sql`create index idx_decisions_account_time on risk.decisions (account_id, decided_at)`.execute(db);
  await sql`create index idx_decisions_reason_time on risk.decisions (reason, decided_at) where outcome = 'REJECTED'`.execute(db);
  await sql`create index idx_decisions_unpublished on risk.decisions (decision_id) where published_at is null`.execute(db);

  await sql`
    create table risk.intents (
      intent_id      uuid primary key,
      signal_id      text not null,
      account_id     uuid not null,
      kind           text not null constraint intents_kind_check check (kind in ('OPEN', 'MODIFY', 'CLOSE', 'CANCEL')),
      broker_symbol  text not null,
      direction      text constraint intents_direction_check check (direction in ('BUY', 'SELL')),
      volume         numeric,
      status         text not null constraint intents_status_check check (status in ('APPROVED', 'PLACED', 'REJECTED', 'EXPIRED')),
      positions      jsonb not null default '[]',
      orders         jsonb not null default '[]',
      reported_at    timestamptz,
      created_at     timestamptz not null default clock_timestamp(),
      updated_at     timestamptz not null default clock_timestamp(),
      constraint intents_signal_account_unique unique (signal_id, account_id)
    )`.execute(db);
  await sql`create index idx_intents_account on risk.intents (account_id, created_at)`.execute(db);

  await sql`
    create table risk.reservations (
      intent_id      uuid primary key,
      account_id     uuid not null,
      signal_id      text not null,
      symbol         text not null,
      broker_symbol  text not null,
      direction      text not null,
      volume         numeric not null,
      margin         numeric not null,
      risk_money     numeric not null,
      created_at     timestamptz not null,
      placed_at      timestamptz
    )`.execute(db);
  await sql`create index idx_reservations_account on risk.reservations (account_id)`.execute(db);

  const comments: Array<[string, string]> = [
    ['table risk.accounts', 'Trading accounts (MT4/MT5) that follow signal sources. The risk service owns them and publishes each change on the compacted topic account.config.'],
    ['column risk.accounts.owner_user_id', "User who owns the account; signals of a user-owned source only trade that user's accounts."],
    ['column risk.accounts.tenant_id', 'Tenant of the account; signals never cross tenants.'],
    ['column risk.accounts.currency', 'Deposit currency (ISO 4217): sizing, margin and limits are computed in it.'],
    ['column risk.accounts.bridge_kind', 'How execution reaches the terminal: METAAPI (MetaApi.cloud) or SIMULATOR (tools/mt-sim).'],
    ['column risk.accounts.credentials_secret_ref', 'Name of the secret holding the terminal credentials or API token. Never the credentials themselves.'],
    ['column risk.accounts.auto_trading', 'Master switch of the account owner: when false every signal is rejected with RISK_AUTO_TRADING_DISABLED.'],
    ['column risk.accounts.sizing', 'Default sizing: {mode: FIXED_LOTS|RISK_PERCENT|BALANCE_RATIO|VOLUME_MULTIPLIER, lots|percent|multiplier, basis, belowMinimum: SKIP|FORCE_MINIMUM, maxLots, maxForcedRiskPercent}.'],
    ['column risk.accounts.limits', 'Pre-trade limits: maxOpenPositions, maxVolumePerOrder, maxVolumePerSymbol, marginReservePercent, dailyLoss {percent, reference, percentOf, resetUtcOffsetMinutes}, maxDrawdown {percent, mode}, maxOrdersPerMinute, maxSyncAgeMs, onLossLimitBreach.'],
    ['column risk.accounts.symbol_mapping', 'Broker symbol naming: {prefix, suffix, explicit: {canonical: broker}}, e.g. suffix ".m" trades EURUSD as EURUSD.m.'],
    ['column risk.accounts.filters', 'Signals the account takes: {allowedSymbols, blockedSymbols, allowedDirections}.'],
    ['column risk.accounts.config_version', 'Increases by one on every change; carried on account.config and risk.approved.'],
    ['table risk.subscriptions', 'An account following one signal source, with optional sizing and filter overrides and reverse copying.'],
    ['column risk.subscriptions.reverse', "Reverse copying: trade the opposite direction, with the provider's TP as stop loss and its SL as take profit."],
    ['table risk.trading_states', 'Kill switch: ACTIVE, REDUCING (only closing orders pass) or HALTED, per FLEET (scope_id *), ACCOUNT or SOURCE. A missing row means ACTIVE.'],
    ['column risk.trading_states.set_by', 'OPERATOR (API) or AUTO (a daily loss or drawdown limit was breached).'],
    ['column risk.trading_states.expires_at', 'When the state stops applying (automatic daily-loss states end with the trading day); null = until changed.'],
    ['table risk.trading_state_changes', 'History of every trading-state transition, as published on risk.trading_state.changed.'],
    ['table risk.account_snapshots', 'The latest account.synced view of each account, and the reference values of its loss limits.'],
    ['column risk.account_snapshots.initial_balance', 'Balance at the first sync the risk service saw: the base of static drawdown.'],
    ['column risk.account_snapshots.day_start_balance', 'Balance at the first sync of the current trading day: the reference of the daily loss limit.'],
    ['column risk.account_snapshots.trading_day', "Trading day (YYYY-MM-DD in the account's reset time zone) that day_start_* belong to."],
    ['table risk.symbol_specs', 'Broker symbol specifications (contract size, tick size/value, volume min/max/step, calc mode) per account; account_id * holds the defaults.'],
    ['table risk.fx_rates', 'Conversion rates used to express tick values and margins in account currencies: pair EURUSD = price of 1 EUR in USD.'],
    ['table risk.decisions', 'The decision ledger: one row per signal and account, approved or rejected, with the inputs and the sizing explanation. Answers "why did account X not take signal Y".'],
    ['column risk.decisions.intent_id', 'Deterministic order-intent id (signal + account); unique, so a replayed signal can never be decided twice.'],
    ['column risk.decisions.reason', 'Rejection code (risk.rejected RiskRejectionReason), null when approved.'],
    ['column risk.decisions.failures', 'Every check that failed, [{reason, detail}], first = reason.'],
    ['column risk.decisions.sizing', 'How the volume was computed: mode, inputs, formula, raw and rounded volume, real vs intended risk.'],
    ['column risk.decisions.margin', 'Margin estimate: calc mode, formula, margin in margin and account currency.'],
    ['column risk.decisions.account_view', 'The account as decided on: balance, equity, free margin, sync time, trading state, in-flight exposure.'],
    ['column risk.decisions.intent', 'The approved order intent as published on risk.approved (null when rejected).'],
    ['column risk.decisions.published_at', "When the decision's event was acknowledged by Kafka; null = not yet published (the relay retries)."],
    ['table risk.intents', 'Approved order intents per signal and account, and what execution reported for them; routes modify/close/cancel to exactly their positions.'],
    ['column risk.intents.positions', 'Positions execution reported for the intent: [{positionId, volume, openPrice}].'],
    ['table risk.reservations', 'Exposure approved but not yet visible in a sync; counts against limits until a sync or an execution result covers it.'],
  ];
  for (const [target, text] of comments) {
    await sql.raw(`comment on ${target} is '${text.replace(/'/g, "''")}'`).execute(db);
  }
}
