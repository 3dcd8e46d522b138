/**
 * Everything decide reads besides accounts: trading states, synced snapshots with loss anchors, symbol
 * specifications, rates, intents, reservations; and the decision ledger it writes.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type {
  AccountSnapshot,
  FxRates,
  IntentRecord,
  LossAnchors,
  PendingOrderView,
  PositionView,
  Reservation,
  SymbolSpec,
  TradingState,
  TradingStateChange,
  TradingStates,
} from '../../domain';
import type { AccountSnapshotRow, DecisionRow, NewDecisionRow, RiskDB } from './risk.table';

type Db = Kysely<RiskDB> | Transaction<RiskDB>;

/** Scope id of default symbol specifications that apply to every account without its own. */
export const DEFAULT_SPEC_ACCOUNT = '*';

// ---- trading states -------------------------------------------------------------------------------------------

export async function loadTradingStates(db: Db): Promise<TradingStates> {
  const rows = await db.selectFrom('trading_states').selectAll().execute();
  const accounts = new Map<string, TradingState>();
  const sources = new Map<string, TradingState>();
  let fleet: TradingState | undefined;
  for (const r of rows) {
    const state: TradingState = {
      scope: r.scope,
      scopeId: r.scope_id,
      state: r.state,
      reason: r.reason,
      setBy: r.set_by,
      setAt: r.set_at,
      ...(r.expires_at ? { expiresAt: r.expires_at } : {}),
    };
    if (r.scope === 'FLEET') fleet = state;
    else if (r.scope === 'ACCOUNT') accounts.set(r.scope_id, state);
    else sources.set(r.scope_id, state);
  }
  return fleet ? { fleet, accounts, sources } : { accounts, sources };
}

/** Stores a transition: the current state of its scope and a history row. */
export async function saveTradingStateChange(db: Db, change: TradingStateChange): Promise<void> {
  await db
    .insertInto('trading_states')
    .values({
      scope: change.scope,
      scope_id: change.scopeId,
      state: change.to,
      reason: change.reason,
      set_by: change.setBy,
      set_at: change.at,
      expires_at: change.expiresAt ?? null,
    })
    .onConflict((oc) =>
      oc.columns(['scope', 'scope_id']).doUpdateSet({
        state: change.to,
        reason: change.reason,
        set_by: change.setBy,
        set_at: change.at,
        expires_at: change.expiresAt ?? null,
      }),
    )
    .execute();
  await db
    .insertInto('trading_state_changes')
    .values({
      scope: change.scope,
      scope_id: change.scopeId,
      from_state: change.from,
      to_state: change.to,
      reason: change.reason,
      set_by: change.setBy,
      changed_at: change.at,
      expires_at: change.expiresAt ?? null,
    })
    .execute();
}

// ---- snapshots --------------------------------------------------------------------------------------------------

export interface StoredSnapshot {
  readonly snapshot: AccountSnapshot;
  readonly anchors: LossAnchors;
}

/**
 * Stores snapshots with their anchors, one statement for all; a row is only replaced by a snapshot at least as recent.
 * The rows travel as one JSON parameter (see insertDecisions).
 */
export async function upsertSnapshots(db: Db, rows: ReadonlyArray<StoredSnapshot & { readonly accountId: string }>): Promise<void> {
  if (rows.length === 0) return;
  const now = new Date().toISOString();
  const payload = rows.map(({ accountId, snapshot: s, anchors: a }) => ({
    account_id: accountId,
    synced_at: s.syncedAt.toISOString(),
    connected: s.connected,
    balance: s.balance,
    equity: s.equity,
    margin: s.margin,
    free_margin: s.freeMargin,
    leverage: s.leverage,
    positions: s.positions,
    orders: s.orders,
    initial_balance: a.initialBalance,
    peak_balance: a.peakBalance,
    peak_equity: a.peakEquity,
    trading_day: a.tradingDay,
    day_start_balance: a.dayStartBalance,
    day_start_equity: a.dayStartEquity,
  }));
  await sql`
    insert into account_snapshots (account_id, synced_at, connected, balance, equity, margin, free_margin, leverage, positions, orders,
                                   initial_balance, peak_balance, peak_equity, trading_day, day_start_balance, day_start_equity, updated_at)
    select x.account_id, x.synced_at, x.connected, x.balance, x.equity, x.margin, x.free_margin, x.leverage, x.positions, x.orders,
           x.initial_balance, x.peak_balance, x.peak_equity, x.trading_day, x.day_start_balance, x.day_start_equity, ${now}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(payload)}::jsonb) as x(
             account_id uuid, synced_at timestamptz, connected boolean, balance numeric, equity numeric, margin numeric, free_margin numeric,
             leverage numeric, positions jsonb, orders jsonb, initial_balance numeric, peak_balance numeric, peak_equity numeric,
             trading_day text, day_start_balance numeric, day_start_equity numeric)
    on conflict (account_id) do update set
      synced_at = excluded.synced_at, connected = excluded.connected, balance = excluded.balance, equity = excluded.equity,
      margin = excluded.margin, free_margin = excluded.free_margin, leverage = excluded.leverage, positions = excluded.positions,
      orders = excluded.orders, initial_balance = excluded.initial_balance, peak_balance = excluded.peak_balance,
      peak_equity = excluded.peak_equity, trading_day = excluded.trading_day, day_start_balance = excluded.day_start_balance,
      day_start_equity = excluded.day_start_equity, updated_at = excluded.updated_at
    where account_snapshots.synced_at <= excluded.synced_at`.execute(db);
}

/** Marks an account's terminal connected or not (from connection events), keeping the rest of its snapshot. */
export async function setConnected(db: Db, accountId: string, connected: boolean): Promise<void> {
  await db.updateTable('account_snapshots').set({ connected }).where('account_id', '=', accountId).execute();
}

function snapshotFromRow(r: AccountSnapshotRow): StoredSnapshot {
  return {
    snapshot: {
      syncedAt: r.synced_at,
      connected: r.connected,
      balance: Number(r.balance),
      equity: Number(r.equity),
      margin: Number(r.margin),
      freeMargin: Number(r.free_margin),
      leverage: Number(r.leverage),
      positions: r.positions as PositionView[],
      orders: r.orders as PendingOrderView[],
    },
    anchors: {
      initialBalance: Number(r.initial_balance),
      peakBalance: Number(r.peak_balance),
      peakEquity: Number(r.peak_equity),
      tradingDay: r.trading_day,
      dayStartBalance: Number(r.day_start_balance),
      dayStartEquity: Number(r.day_start_equity),
    },
  };
}

export async function loadSnapshots(db: Db, accountIds: readonly string[]): Promise<Map<string, StoredSnapshot>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db.selectFrom('account_snapshots').selectAll().where('account_id', 'in', accountIds).execute();
  return new Map(rows.map((r) => [r.account_id, snapshotFromRow(r)]));
}

/** Every account's snapshot (for fleet exposure). */
export async function loadAllSnapshots(db: Db): Promise<Map<string, StoredSnapshot>> {
  const rows = await db.selectFrom('account_snapshots').selectAll().execute();
  return new Map(rows.map((r) => [r.account_id, snapshotFromRow(r)]));
}

// ---- specs and rates -----------------------------------------------------------------------------------------

export async function upsertSymbolSpec(db: Db, accountId: string, spec: SymbolSpec): Promise<void> {
  await db
    .insertInto('symbol_specs')
    .values({ account_id: accountId, broker_symbol: spec.symbol, spec: JSON.stringify(spec) })
    .onConflict((oc) => oc.columns(['account_id', 'broker_symbol']).doUpdateSet({ spec: JSON.stringify(spec), updated_at: new Date() }))
    .execute();
}

/** Specifications per account: the account's own ones over the defaults (account `*`). */
export async function loadSymbolSpecs(db: Db, accountIds: readonly string[]): Promise<Map<string, Map<string, SymbolSpec>>> {
  const rows = await db
    .selectFrom('symbol_specs')
    .selectAll()
    .where('account_id', 'in', [DEFAULT_SPEC_ACCOUNT, ...accountIds])
    .execute();
  const defaults = new Map<string, SymbolSpec>();
  const own = new Map<string, Map<string, SymbolSpec>>();
  for (const r of rows) {
    if (r.account_id === DEFAULT_SPEC_ACCOUNT) defaults.set(r.broker_symbol, r.spec as SymbolSpec);
    else {
      const m = own.get(r.account_id) ?? new Map<string, SymbolSpec>();
      m.set(r.broker_symbol, r.spec as SymbolSpec);
      own.set(r.account_id, m);
    }
  }
  const out = new Map<string, Map<string, SymbolSpec>>();
  for (const id of accountIds) {
    const mine = own.get(id);
    out.set(id, mine ? new Map([...defaults, ...mine]) : defaults);
  }
  return out;
}

export async function upsertRates(db: Db, rates: FxRates, at: Date): Promise<void> {
  await upsertRatesAt(db, Object.entries(rates).map(([pair, rate]) => ({ pair, rate, at })));
}

/** Stores conversion rates, each with the time it was seen; a rate is only replaced by a more recent one. */
export async function upsertRatesAt(db: Db, rates: ReadonlyArray<{ readonly pair: string; readonly rate: number; readonly at: Date }>): Promise<void> {
  if (rates.length === 0) return;
  await db
    .insertInto('fx_rates')
    .values(rates.map((r) => ({ pair: r.pair, rate: r.rate, updated_at: r.at })))
    .onConflict((oc) =>
      oc
        .column('pair')
        .doUpdateSet((eb) => ({ rate: eb.ref('excluded.rate'), updated_at: eb.ref('excluded.updated_at') }))
        .where('fx_rates.updated_at', '<=', (eb) => eb.ref('excluded.updated_at')),
    )
    .execute();
}

export async function loadRates(db: Db): Promise<Record<string, number>> {
  const rows = await db.selectFrom('fx_rates').selectAll().execute();
  return Object.fromEntries(rows.map((r) => [r.pair, Number(r.rate)]));
}

// ---- decisions ------------------------------------------------------------------------------------------------

/**
 * Inserts decisions; a decision whose intent id exists already is skipped. Returns the rows actually inserted.
 * The rows travel as one JSON parameter expanded by jsonb_to_recordset: a thousand rows with their JSON columns
 * as one statement with one parameter, instead of twenty thousand bound parameters.
 */
export async function insertDecisions(db: Db, rows: readonly NewDecisionRow[]): Promise<DecisionRow[]> {
  if (rows.length === 0) return [];
  const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : (v ?? null));
  const payload = rows.map((r) => ({
    ...r,
    failures: json(r.failures),
    sizing: json(r.sizing),
    margin: json(r.margin),
    account_view: json(r.account_view),
    intent: json(r.intent),
    signal_accepted_at: r.signal_accepted_at instanceof Date ? r.signal_accepted_at.toISOString() : r.signal_accepted_at,
    decided_at: r.decided_at instanceof Date ? r.decided_at.toISOString() : r.decided_at,
  }));
  const result = await sql<DecisionRow>`
    insert into decisions (intent_id, signal_id, account_id, subscription_id, source_id, tenant_id, action, outcome, reason, detail,
                           failures, signal_symbol, broker_symbol, volume, sizing, margin, account_view, intent, signal_accepted_at, decided_at)
    select x.intent_id, x.signal_id, x.account_id, x.subscription_id, x.source_id, x.tenant_id, x.action, x.outcome, x.reason, x.detail,
           coalesce(x.failures, '[]'::jsonb), x.signal_symbol, x.broker_symbol, x.volume, x.sizing, x.margin, coalesce(x.account_view, '{}'::jsonb), x.intent,
           x.signal_accepted_at, x.decided_at
      from jsonb_to_recordset(${JSON.stringify(payload)}::jsonb) as x(
             intent_id uuid, signal_id text, account_id uuid, subscription_id uuid, source_id text, tenant_id text, action text, outcome text,
             reason text, detail text, failures jsonb, signal_symbol text, broker_symbol text, volume numeric, sizing jsonb, margin jsonb,
             account_view jsonb, intent jsonb, signal_accepted_at timestamptz, decided_at timestamptz)
    on conflict (intent_id) do nothing
    returning *`.execute(db);
  return result.rows;
}

export async function markDecisionsPublished(db: Db, intentIds: readonly string[], at: Date): Promise<void> {
  if (intentIds.length === 0) return;
  await db.updateTable('decisions').set({ published_at: at }).where('intent_id', 'in', intentIds).execute();
}

export async function loadUnpublishedDecisions(db: Db, limit: number, signalId?: string): Promise<DecisionRow[]> {
  let query = db.selectFrom('decisions').selectAll().where('published_at', 'is', null);
  if (signalId !== undefined) query = query.where('signal_id', '=', signalId);
  return query.orderBy('decision_id').limit(limit).execute();
}

export async function queryDecisions(
  db: Db,
  filter: { signalId?: string; accountId?: string; limit: number; beforeId?: string },
): Promise<DecisionRow[]> {
  let query = db.selectFrom('decisions').selectAll().orderBy('decision_id', 'desc').limit(filter.limit);
  if (filter.signalId) query = query.where('signal_id', '=', filter.signalId);
  if (filter.accountId) query = query.where('account_id', '=', filter.accountId);
  if (filter.beforeId) query = query.where('decision_id', '<', filter.beforeId);
  return query.execute();
}

/** Intent ids of `ids` that already have a decision (replays). */
export async function decidedIntentIds(db: Db, ids: readonly string[]): Promise<Map<string, DecisionRow['outcome']>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('decisions').select(['intent_id', 'outcome']).where('intent_id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.intent_id, r.outcome]));
}

// ---- intents --------------------------------------------------------------------------------------------------

export async function insertIntents(db: Db, intents: readonly IntentRecord[]): Promise<void> {
  if (intents.length === 0) return;
  await db
    .insertInto('intents')
    .values(
      intents.map((i) => ({
        intent_id: i.intentId,
        signal_id: i.signalId,
        account_id: i.accountId,
        kind: i.kind,
        broker_symbol: i.brokerSymbol,
        direction: i.direction ?? null,
        volume: i.volume ?? null,
        status: i.status,
        positions: JSON.stringify(i.positions),
        orders: JSON.stringify(i.orders),
        reported_at: i.reportedAt ?? null,
      })),
    )
    .onConflict((oc) => oc.column('intent_id').doNothing())
    .execute();
}

/** Loads intents by (signal, account). */
export async function loadIntents(db: Db, signalIds: readonly string[], accountIds: readonly string[]): Promise<IntentRecord[]> {
  if (signalIds.length === 0 || accountIds.length === 0) return [];
  const rows = await db
    .selectFrom('intents')
    .selectAll()
    .where('signal_id', 'in', signalIds)
    .where('account_id', 'in', accountIds)
    .execute();
  return rows.map((r) => ({
    intentId: r.intent_id,
    signalId: r.signal_id,
    accountId: r.account_id,
    kind: r.kind,
    brokerSymbol: r.broker_symbol,
    ...(r.direction ? { direction: r.direction } : {}),
    ...(r.volume !== null ? { volume: Number(r.volume) } : {}),
    status: r.status,
    positions: r.positions as IntentRecord['positions'],
    orders: r.orders as IntentRecord['orders'],
    ...(r.reported_at ? { reportedAt: r.reported_at } : {}),
  }));
}

/** Records what execution reported for an intent: its status and any position or order it created. */
export async function recordExecutionReport(
  db: Db,
  report: {
    intentId: string;
    status: 'PLACED' | 'REJECTED' | 'EXPIRED';
    position?: { positionId: string; volume: number; openPrice: number };
    order?: { orderId: string; volume: number; openPrice: number };
    at: Date;
  },
): Promise<void> {
  await db
    .updateTable('intents')
    .set({
      status: report.status,
      reported_at: report.at,
      updated_at: new Date(),
      ...(report.position
        ? { positions: sql<string>`(select coalesce(jsonb_agg(p), '[]'::jsonb) from jsonb_array_elements(positions) p where p->>'positionId' <> ${report.position.positionId}) || ${JSON.stringify([report.position])}::jsonb` }
        : {}),
      ...(report.order
        ? { orders: sql<string>`(select coalesce(jsonb_agg(o), '[]'::jsonb) from jsonb_array_elements(orders) o where o->>'orderId' <> ${report.order.orderId}) || ${JSON.stringify([report.order])}::jsonb` }
        : {}),
    })
    .where('intent_id', '=', report.intentId)
    .execute();
}

// ---- reservations ---------------------------------------------------------------------------------------------

export async function insertReservations(db: Db, reservations: readonly Reservation[]): Promise<void> {
  if (reservations.length === 0) return;
  await db
    .insertInto('reservations')
    .values(
      reservations.map((r) => ({
        intent_id: r.intentId,
        account_id: r.accountId,
        signal_id: r.signalId,
        symbol: r.symbol,
        broker_symbol: r.brokerSymbol,
        direction: r.direction,
        volume: r.volume,
        margin: r.marginInAccountCurrency,
        risk_money: r.riskMoney,
        created_at: r.createdAt,
        placed_at: r.placedAt ?? null,
      })),
    )
    .onConflict((oc) => oc.column('intent_id').doNothing())
    .execute();
}

export async function loadReservations(db: Db, accountIds?: readonly string[]): Promise<Reservation[]> {
  let query = db.selectFrom('reservations').selectAll();
  if (accountIds) {
    if (accountIds.length === 0) return [];
    query = query.where('account_id', 'in', accountIds);
  }
  const rows = await query.execute();
  return rows.map((r) => ({
    intentId: r.intent_id,
    accountId: r.account_id,
    signalId: r.signal_id,
    symbol: r.symbol,
    brokerSymbol: r.broker_symbol,
    direction: r.direction,
    volume: Number(r.volume),
    marginInAccountCurrency: Number(r.margin),
    riskMoney: Number(r.risk_money),
    createdAt: r.created_at,
    ...(r.placed_at ? { placedAt: r.placed_at } : {}),
  }));
}

/** Deletes reservations by intent id (those syncs showed placed). */
export async function deleteReservations(db: Db, intentIds: readonly string[]): Promise<void> {
  if (intentIds.length === 0) return;
  await db.deleteFrom('reservations').where('intent_id', 'in', intentIds).execute();
}

/** Intent ids of the reservations in `before` that `after` no longer holds. */
export function releasedIntentIds(before: readonly Reservation[], after: readonly Reservation[]): string[] {
  const keep = new Set(after.map((r) => r.intentId));
  return before.filter((r) => !keep.has(r.intentId)).map((r) => r.intentId);
}

/** Replaces an account's reservations by what remains after a sync or an execution result. */
export async function replaceReservations(db: Db, accountId: string, before: readonly Reservation[], after: readonly Reservation[]): Promise<void> {
  const released = releasedIntentIds(before, after);
  if (released.length > 0) await db.deleteFrom('reservations').where('account_id', '=', accountId).where('intent_id', 'in', released).execute();
  for (const r of after) {
    const old = before.find((b) => b.intentId === r.intentId);
    if (old && old.placedAt?.getTime() !== r.placedAt?.getTime()) {
      await db.updateTable('reservations').set({ placed_at: r.placedAt ?? null }).where('intent_id', '=', r.intentId).execute();
    }
  }
}

/** Approvals per account in the last minute, from the ledger (for the orders-per-minute limit). */
export async function recentApprovals(db: Db, accountIds: readonly string[], since: Date): Promise<Map<string, Date[]>> {
  const out = new Map<string, Date[]>();
  if (accountIds.length === 0) return out;
  const rows = await db
    .selectFrom('decisions')
    .select(['account_id', 'decided_at'])
    .where('outcome', '=', 'APPROVED')
    .where('account_id', 'in', accountIds)
    .where('decided_at', '>', since)
    .execute();
  for (const r of rows) {
    const list = out.get(r.account_id) ?? [];
    list.push(r.decided_at);
    out.set(r.account_id, list);
  }
  return out;
}
