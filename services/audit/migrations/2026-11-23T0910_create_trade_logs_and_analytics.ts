import { sql, type Kysely } from 'kysely';

/*
 * trade_logs (the support view the seed asked for) and the analytics schema analysts query with the read-only role
 * tradebridge_analyst. Every view reads audit.events only, so the audit store stands alone: bridge health comes from
 * the account.synced and account.connection.changed events audit stored, not from the sync service's
 * bridge_health_metrics table (which may live in another database).
 *
 * The views run with their owner's rights, so the analyst role needs nothing on audit.events to read them; it is
 * granted SELECT there too, for questions the views do not answer, and nothing else anywhere.
 *
 * Frozen: never edit this file once released; change the views with a new, later migration (create or replace).
 */

const us = (expr: string) => `(${expr})::bigint`;

const VIEWS: ReadonlyArray<{ name: string; comment: string; body: string; columns: Record<string, string> }> = [
  {
    name: 'audit.trade_logs',
    comment: 'One row per signal and account: when it ended, the result (OK / Error / Pending) and why it failed. The trade_logs record support asks for.',
    body: `
      with outcomes as (
        select correlation_id as signal_id, account_id, logical_topic, occurred_at, seq,
               payload->>'reason' as reason, payload->>'detail' as detail
        from audit.events
        where not dead_letter and correlation_id <> '' and account_id is not null
          and logical_topic in ('risk.approved', 'risk.rejected', 'execution.order.placed', 'execution.order.rejected')
      ), per_pair as (
        select signal_id, account_id,
               count(*) filter (where logical_topic = 'risk.approved') as approved,
               count(*) filter (where logical_topic = 'execution.order.placed') as placed,
               count(*) filter (where logical_topic in ('risk.rejected', 'execution.order.rejected')) as rejected,
               max(occurred_at) as last_at,
               (array_agg(reason order by occurred_at, seq) filter (where logical_topic in ('risk.rejected', 'execution.order.rejected')))[1] as error_code,
               (array_agg(detail order by occurred_at, seq) filter (where logical_topic in ('risk.rejected', 'execution.order.rejected')))[1] as error_detail
        from outcomes group by signal_id, account_id
      )
      select p.last_at as "timestamp",
             p.signal_id as signal,
             sig.symbol,
             p.account_id,
             coalesce(nullif(cfg.broker_login, ''), p.account_id) as account_number,
             case when p.rejected > 0 then 'Error' when p.placed > 0 and p.placed >= p.approved then 'OK' else 'Pending' end as result,
             case when p.rejected > 0 then concat_ws(': ', p.error_code, nullif(p.error_detail, '')) end as error_reason
      from per_pair p
      left join lateral (
        select e.payload->>'symbol' as symbol from audit.events e
        where e.correlation_id = p.signal_id and e.logical_topic = 'signal.generated' and not e.dead_letter
        order by e.seq limit 1
      ) sig on true
      left join lateral (
        select e.payload->>'brokerLogin' as broker_login from audit.events e
        where e.account_id = p.account_id and e.logical_topic = 'account.config' and e.payload is not null and not e.dead_letter
        order by e.seq desc limit 1
      ) cfg on true`,
    columns: {
      timestamp: 'When the last decision or outcome for this signal and account happened (UTC)',
      signal: 'Signal id (as the signal service returned it)',
      symbol: 'Instrument the signal named',
      account_id: 'Tradebridge account id',
      account_number: 'Broker login number of the account (from its latest configuration), or the account id when unknown',
      result: 'OK: every approved order was placed; Error: risk or execution refused it; Pending: approved, no outcome yet',
      error_reason: 'For Error: the reason code, then the human-readable detail (e.g. RISK_MAX_OPEN_POSITIONS: open positions 5 >= limit 5)',
    },
  },
  {
    name: 'analytics.trade_logs',
    comment: 'The support trade_logs view (audit.trade_logs) for analysts.',
    body: `select * from audit.trade_logs`,
    columns: {
      timestamp: 'When the last decision or outcome for this signal and account happened (UTC)',
      signal: 'Signal id',
      symbol: 'Instrument the signal named',
      account_id: 'Tradebridge account id',
      account_number: 'Broker login number of the account, or the account id when unknown',
      result: 'OK, Error or Pending (see audit.trade_logs)',
      error_reason: 'For Error: reason code and detail',
    },
  },
  {
    name: 'analytics.order_outcomes',
    comment: 'One row per order intent that ended at the broker: placed (filled or pending placed) or rejected by execution, with prices, slippage and the latency split.',
    body: `
      select e.occurred_at,
             (e.occurred_at at time zone 'UTC')::date as day,
             e.correlation_id as signal_id,
             e.account_id,
             e.payload->>'intentId' as intent_id,
             case when e.logical_topic = 'execution.order.placed' then 'placed' else 'rejected' end as outcome,
             e.payload->>'status' as placement_status,
             e.payload->>'reason' as rejection_reason,
             e.payload->>'symbol' as symbol,
             e.payload->>'side' as side,
             e.payload->>'orderType' as order_type,
             (e.payload->>'requestedVolume')::numeric as requested_volume,
             (e.payload->>'filledVolume')::numeric as filled_volume,
             (e.payload->>'requestedPrice')::numeric as requested_price,
             (e.payload->>'fillPrice')::numeric as fill_price,
             (e.payload->>'slippagePoints')::numeric as slippage_points,
             (e.payload->>'slippageAmount')::numeric as slippage_amount,
             nullif(e.payload->>'accountCurrency', '') as account_currency,
             (e.payload->>'attempts')::int as attempts,
             (e.payload->'platformCode'->>'code')::int as platform_code,
             (${us(`e.payload->'latency'->>'brokerAcknowledgedAtUs'`)} - ${us(`e.payload->'latency'->>'signalAcceptedAtUs'`)}) / 1000.0 as accepted_to_ack_ms,
             (${us(`e.payload->'latency'->>'riskDecidedAtUs'`)} - ${us(`e.payload->'latency'->>'signalAcceptedAtUs'`)}) / 1000.0 as accepted_to_decided_ms,
             (${us(`e.payload->'latency'->>'executionReceivedAtUs'`)} - ${us(`e.payload->'latency'->>'riskDecidedAtUs'`)}) / 1000.0 as decided_to_received_ms,
             (${us(`e.payload->'latency'->>'brokerAcknowledgedAtUs'`)} - ${us(`e.payload->'latency'->>'executionReceivedAtUs'`)}) / 1000.0 as received_to_ack_ms
      from audit.events e
      where not e.dead_letter and e.logical_topic in ('execution.order.placed', 'execution.order.rejected')`,
    columns: {
      occurred_at: 'When execution reported the outcome (UTC)',
      day: 'UTC day of occurred_at',
      signal_id: 'Signal the order came from',
      account_id: 'Tradebridge account id',
      intent_id: 'Order intent id (deterministic from signal, account and leg)',
      outcome: 'placed or rejected',
      placement_status: 'For placed: PLACEMENT_STATUS_FILLED, _PARTIALLY_FILLED or _PENDING_PLACED',
      rejection_reason: 'For rejected: the execution reason code (EXEC_...)',
      symbol: 'Broker symbol',
      side: 'SIDE_BUY or SIDE_SELL',
      order_type: 'ORDER_TYPE_MARKET, _LIMIT, _STOP or _STOP_LIMIT',
      requested_volume: 'Volume asked for, in lots',
      filled_volume: 'Volume filled, in lots (0 for a pending order)',
      requested_price: 'Price asked for (the quote or the pending entry price)',
      fill_price: 'Average fill price',
      slippage_points: 'Fill minus requested price in points, signed so that positive is worse for the account',
      slippage_amount: 'Slippage in account currency (positive is a cost)',
      account_currency: 'Currency of slippage_amount',
      attempts: 'Broker requests sent for this intent',
      platform_code: 'MT5 retcode, MT4 error or MetaApi code of the final answer',
      accepted_to_ack_ms: 'Signal accepted to broker acknowledgement, in milliseconds: the end-to-end latency',
      accepted_to_decided_ms: 'Signal accepted to risk decision, in milliseconds',
      decided_to_received_ms: 'Risk decision to execution receiving the intent, in milliseconds',
      received_to_ack_ms: 'Execution receiving the intent to broker acknowledgement, in milliseconds',
    },
  },
  {
    name: 'analytics.execution_latency_daily',
    comment: 'End-to-end execution latency (signal accepted to broker acknowledgement) percentiles per account and UTC day, over placed orders.',
    body: `
      select day, account_id, count(*) as orders,
             percentile_cont(0.5) within group (order by accepted_to_ack_ms) as p50_ms,
             percentile_cont(0.9) within group (order by accepted_to_ack_ms) as p90_ms,
             percentile_cont(0.99) within group (order by accepted_to_ack_ms) as p99_ms,
             max(accepted_to_ack_ms) as max_ms,
             avg(received_to_ack_ms) as avg_broker_ms
      from analytics.order_outcomes
      where outcome = 'placed' and accepted_to_ack_ms is not null
      group by day, account_id`,
    columns: {
      day: 'UTC day',
      account_id: 'Tradebridge account id',
      orders: 'Placed orders with a measured latency',
      p50_ms: 'Median signal-accepted-to-broker-ack latency, in milliseconds',
      p90_ms: '90th percentile of that latency, in milliseconds',
      p99_ms: '99th percentile of that latency, in milliseconds',
      max_ms: 'Slowest order of the day, in milliseconds',
      avg_broker_ms: 'Average time from execution receiving the intent to the broker acknowledging it, in milliseconds',
    },
  },
  {
    name: 'analytics.rejections_by_reason',
    comment: 'Rejections per UTC day, stage (risk or execution) and reason code.',
    body: `
      select (occurred_at at time zone 'UTC')::date as day,
             case when logical_topic = 'risk.rejected' then 'risk' else 'execution' end as stage,
             payload->>'reason' as reason,
             count(*) as rejections,
             count(distinct account_id) as accounts,
             count(distinct correlation_id) as signals
      from audit.events
      where not dead_letter and logical_topic in ('risk.rejected', 'execution.order.rejected')
      group by 1, 2, 3`,
    columns: {
      day: 'UTC day',
      stage: 'risk (pre-trade checks) or execution (broker, deadline, ...)',
      reason: 'Reason code (RISK_... or EXEC_...)',
      rejections: 'Rejected order intents',
      accounts: 'Distinct accounts affected',
      signals: 'Distinct signals affected',
    },
  },
  {
    name: 'analytics.slippage',
    comment: 'Slippage of every filled market order: requested versus fill price, in points and in account currency.',
    body: `
      select occurred_at, day, signal_id, account_id, intent_id, symbol, side, requested_price, fill_price, filled_volume,
             slippage_points, slippage_amount, account_currency
      from analytics.order_outcomes
      where outcome = 'placed' and order_type = 'ORDER_TYPE_MARKET' and fill_price is not null`,
    columns: {
      occurred_at: 'When the order was filled (UTC)',
      day: 'UTC day',
      signal_id: 'Signal the order came from',
      account_id: 'Tradebridge account id',
      intent_id: 'Order intent id',
      symbol: 'Broker symbol',
      side: 'SIDE_BUY or SIDE_SELL',
      requested_price: 'Price asked for',
      fill_price: 'Average fill price',
      filled_volume: 'Volume filled, in lots',
      slippage_points: 'Slippage in points, positive is worse for the account',
      slippage_amount: 'Slippage in account currency, positive is a cost',
      account_currency: 'Currency of slippage_amount',
    },
  },
  {
    name: 'analytics.fills_per_signal',
    comment: 'Per signal: how many accounts it reached, how many orders were approved, placed, filled and rejected, and how fast.',
    body: `
      with sig as (
        select correlation_id as signal_id, payload->>'symbol' as symbol, occurred_at as accepted_at
        from audit.events where logical_topic = 'signal.generated' and not dead_letter
      ), per as (
        select correlation_id as signal_id,
               count(distinct account_id) as accounts,
               count(*) filter (where logical_topic = 'risk.approved') as approved,
               count(*) filter (where logical_topic = 'risk.rejected') as risk_rejected,
               count(*) filter (where logical_topic = 'execution.order.placed') as placed,
               count(*) filter (where logical_topic = 'execution.order.placed' and payload->>'status' in ('PLACEMENT_STATUS_FILLED', 'PLACEMENT_STATUS_PARTIALLY_FILLED')) as filled,
               count(*) filter (where logical_topic = 'execution.order.rejected') as execution_rejected,
               sum((payload->>'filledVolume')::numeric) filter (where logical_topic = 'execution.order.placed') as filled_volume,
               avg((payload->>'fillPrice')::numeric) filter (where logical_topic = 'execution.order.placed') as avg_fill_price,
               avg((payload->>'slippagePoints')::numeric) filter (where logical_topic = 'execution.order.placed') as avg_slippage_points,
               min(occurred_at) filter (where logical_topic = 'execution.order.placed') as first_fill_at,
               max(occurred_at) filter (where logical_topic = 'execution.order.placed') as last_fill_at
        from audit.events
        where not dead_letter and correlation_id <> ''
          and logical_topic in ('risk.approved', 'risk.rejected', 'execution.order.placed', 'execution.order.rejected')
        group by correlation_id
      )
      select sig.signal_id, sig.symbol, sig.accepted_at, coalesce(per.accounts, 0) as accounts,
             coalesce(per.approved, 0) as approved, coalesce(per.risk_rejected, 0) as risk_rejected,
             coalesce(per.placed, 0) as placed, coalesce(per.filled, 0) as filled,
             coalesce(per.execution_rejected, 0) as execution_rejected, per.filled_volume, per.avg_fill_price,
             per.avg_slippage_points,
             extract(epoch from per.first_fill_at - sig.accepted_at) * 1000 as first_fill_ms,
             extract(epoch from per.last_fill_at - sig.accepted_at) * 1000 as last_fill_ms
      from sig left join per using (signal_id)`,
    columns: {
      signal_id: 'Signal id',
      symbol: 'Instrument the signal named',
      accepted_at: 'When the signal service accepted the signal (UTC)',
      accounts: 'Distinct accounts risk decided on',
      approved: 'Order intents risk approved',
      risk_rejected: 'Order intents risk rejected',
      placed: 'Orders the broker accepted (filled or pending placed)',
      filled: 'Orders filled fully or partly',
      execution_rejected: 'Approved intents that ended without a trade',
      filled_volume: 'Total volume filled, in lots',
      avg_fill_price: 'Average fill price over placed orders',
      avg_slippage_points: 'Average slippage in points over placed orders',
      first_fill_ms: 'Milliseconds from acceptance to the first placed order',
      last_fill_ms: 'Milliseconds from acceptance to the last placed order (the fan-out spread)',
    },
  },
  {
    name: 'analytics.bridge_health',
    comment:
      'Bridge health per account and minute, from the account.synced and account.connection.changed events in the audit store (not the sync service table, so the audit store stands alone).',
    body: `
      with syncs as (
        select account_id, date_trunc('minute', occurred_at) as minute,
               count(*) as syncs,
               count(*) filter (where (payload->>'heartbeat')::boolean) as heartbeats,
               avg((payload->>'syncDelayMs')::numeric) as avg_sync_delay_ms,
               max((payload->>'syncDelayMs')::numeric) as max_sync_delay_ms,
               max(occurred_at) as last_sync_at
        from audit.events
        where not dead_letter and logical_topic = 'account.synced' and account_id is not null
        group by 1, 2
      ), conn as (
        select account_id, date_trunc('minute', occurred_at) as minute,
               count(*) as transitions,
               count(*) filter (where payload->>'state' = 'CONNECTION_STATE_DISCONNECTED') as disconnections,
               (array_agg(payload->>'state' order by occurred_at desc, seq desc))[1] as last_state
        from audit.events
        where not dead_letter and logical_topic = 'account.connection.changed' and account_id is not null
        group by 1, 2
      )
      select coalesce(s.account_id, c.account_id) as account_id, coalesce(s.minute, c.minute) as minute,
             coalesce(s.syncs, 0) as syncs, coalesce(s.heartbeats, 0) as heartbeats, s.avg_sync_delay_ms,
             s.max_sync_delay_ms, s.last_sync_at, coalesce(c.transitions, 0) as connection_transitions,
             coalesce(c.disconnections, 0) as disconnections, c.last_state as connection_state
      from syncs s full join conn c on c.account_id = s.account_id and c.minute = s.minute`,
    columns: {
      account_id: 'Tradebridge account id',
      minute: 'Start of the minute (UTC)',
      syncs: 'account.synced events in the minute (about 60 at 1 Hz)',
      heartbeats: 'Of those, heartbeats (nothing changed)',
      avg_sync_delay_ms: 'Average delay of a sync (terminal read to publish), in milliseconds',
      max_sync_delay_ms: 'Worst sync delay in the minute, in milliseconds',
      last_sync_at: 'Time of the last sync in the minute',
      connection_transitions: 'Connection state changes in the minute',
      disconnections: 'Transitions to DISCONNECTED in the minute',
      connection_state: 'State after the last transition in the minute (null when it did not change)',
    },
  },
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create schema if not exists analytics`.execute(db);
  for (const view of VIEWS) {
    await sql.raw(`create or replace view ${view.name} as ${view.body}`).execute(db);
    await sql.raw(`comment on view ${view.name} is ${quote(view.comment)}`).execute(db);
    for (const [column, text] of Object.entries(view.columns)) {
      await sql.raw(`comment on column ${view.name}."${column}" is ${quote(text)}`).execute(db);
    }
  }
  await sql`grant usage on schema analytics to tradebridge_analyst`.execute(db);
  await sql`grant select on all tables in schema analytics to tradebridge_analyst`.execute(db);
  await sql`grant usage on schema audit to tradebridge_analyst`.execute(db);
  await sql`grant select on audit.events, audit.trade_logs to tradebridge_analyst`.execute(db);
  await sql`grant select on audit.trade_logs to tradebridge_audit`.execute(db);
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const view of [...VIEWS].reverse()) await sql.raw(`drop view if exists ${view.name}`).execute(db);
}
